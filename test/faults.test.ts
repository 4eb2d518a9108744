// Database faults: /ready follows the database while /health stays up, requests fail fast with a
// masked error instead of hanging, and the app recovers by itself when the database returns.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { createApp } from '../src/yoga.ts';
import { startTestApp, TEST_JWT_SECRET } from './helpers/app.ts';
import { createTestDatabase, testDbKind, type TestDatabase } from './helpers/database.ts';

/** A TCP proxy in front of PostgreSQL that the test can cut (drop connections, refuse new ones) and restore. */
class CuttableProxy {
  private server?: Server;
  private sockets = new Set<Socket>();
  private pipes = new Map<Socket, Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        this.pipes.delete(client);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
      this.pipes.set(client, upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** The open connections stay open but carry nothing more, as with a frozen server or a silent network. */
  freeze(): void {
    for (const [client, upstream] of this.pipes) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    this.pipes.clear();
  }

  async cut(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }
}

const appConfig = () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' });

describe('database faults', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  /** A new database reached through a CuttableProxy, and the API's pool on it; all cleaned up after the file. */
  async function behindProxy(options: { poolSize: number; statementTimeoutMs?: number }) {
    const fresh: TestDatabase = await createTestDatabase();
    cleanups.push(() => fresh.drop());
    const target = new URL(fresh.url!);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    cleanups.push(() => proxy.cut());
    const viaProxy = new URL(fresh.url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const db = await openDatabase({ url: viaProxy.toString(), ...options });
    cleanups.push(() => db.close());
    return { proxy, db };
  }

  it('answers /ready 503 and /health 200 once the database is gone', async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    expect((await t.fetch('/ready')).status).toBe(200);
    await t.database.db.close();
    expect((await t.fetch('/ready')).status).toBe(503);
    expect((await t.fetch('/health')).status).toBe(200);
  });

  if (testDbKind === 'postgres') it('fails fast while PostgreSQL is cut off and recovers when it returns', async () => {
    const { proxy, db } = await behindProxy({ poolSize: 4 });
    const app = createApp(appConfig(), db);
    cleanups.push(() => app.close());
    const gql = async (query: string, token?: string) => {
      const res = await app.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const signup = await gql('mutation { signup(input: { email: "fault@example.com", password: "fault password" }) { ... on AuthPayload { accessToken } } }');
    const token = signup.body.data.signup.accessToken as string;
    expect((await gql('{ tasks { totalCount } }', token)).body.data.tasks.totalCount).toBe(0);

    await proxy.cut();
    const started = Date.now();
    expect((await app.yoga.fetch('http://test.local/ready')).status).toBe(503);
    expect((await app.yoga.fetch('http://test.local/health')).status).toBe(200);
    const failed = await gql('mutation { login(input: { email: "fault@example.com", password: "fault password" }) { __typename } }');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(failed.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(failed.body)).not.toMatch(/ECONNREFUSED|prisma|postgres|stack/i);

    await proxy.open();
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await app.yoga.fetch('http://test.local/ready')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(200);
    expect((await gql('{ tasks { totalCount } }', token)).body.data.tasks.totalCount).toBe(0);
  });

  if (testDbKind === 'postgres') it('fails a query the database never answers after the statement timeout and 2 s, then goes on', async () => {
    const { proxy, db } = await behindProxy({ poolSize: 1, statementTimeoutMs: 500 });
    expect(await db.sql.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);

    // The pool's one connection stops carrying anything: PostgreSQL's statement_timeout cannot help.
    proxy.freeze();
    const started = performance.now();
    await expect(db.sql.query('SELECT 1 AS n')).rejects.toThrow(/did not answer within 2500 ms/);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(2_400);
    expect(waited).toBeLessThan(6_000);

    // The connection that timed out is dropped; the next query gets a new one.
    expect(await db.sql.query<{ n: number }>('SELECT 2 AS n')).toEqual([{ n: 2 }]);
  });
});
