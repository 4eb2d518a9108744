// Request budgets in Redis (REDIS_URL): two app instances on one database and one Redis spend from the
// same budgets, another REDIS_PREFIX is another deployment, and losing Redis mid-run fails open and
// recovers with the counts Redis kept. Needs REDIS_TEST_URL.
import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createApp, type App } from '../src/yoga.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { rawId } from './helpers/tasks.ts';

const redisUrl = process.env.REDIS_TEST_URL!;
// Redis outlives test runs and is shared by parallel runs: a prefix of our own.
const prefix = `cb-${process.pid}-${randomBytes(6).toString('hex')}`;

let redis: Redis;
let first: TestApp;
let second: App; // the same database and Redis: another instance behind the load balancer
const others: App[] = [];

beforeAll(async () => {
  redis = new Redis(redisUrl);
  first = await startTestApp({ env: { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, TRUST_PROXY: 'true', COST_BUDGET_PER_USER: '100', COST_BUDGET_PER_ADDRESS: '200' } });
  second = createApp(first.config, first.database.db);
});
afterAll(async () => {
  await Promise.all([second?.close(), ...others.map((app) => app.close())]);
  await first?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

interface Cost {
  requestedQueryCost: number;
  throttleStatus: { budget: string; maximumAvailable: number; currentlyAvailable: number; resetInSeconds: number } | null;
}

async function post(app: App, query: string, options: { token?: string; address: string }) {
  const res = await app.yoga.fetch('http://test.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': options.address, ...(options.token && { authorization: `Bearer ${options.token}` }) },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[]; extensions?: { cost?: Cost } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...body };
}

const PAGE = '{ tasks(first: 10) { edges { node { id title } } } }'; // 41
const ME = '{ me { id } }'; // 2

describe('budgets shared through Redis', () => {
  it('one instance sees what the other spent, per user and per address, and refuses for both', async () => {
    const { accessToken: token, userId } = await first.signup();
    const a = await post(first.app, PAGE, { token, address: '192.0.2.10' });
    expect(a.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'user', currentlyAvailable: 59 });
    const b = await post(second, PAGE, { token, address: '192.0.2.11' });
    expect(b.status).toBe(200);
    expect(b.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'user', maximumAvailable: 100, currentlyAvailable: 18 });

    // The user's 18 points left are not enough for a page, on either instance; a refusal spends nothing.
    for (const app of [first.app, second]) {
      const refused = await post(app, PAGE, { token, address: '192.0.2.12' });
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    }
    expect((await post(first.app, ME, { token, address: '192.0.2.12' })).extensions?.cost?.throttleStatus).toMatchObject({ budget: 'user', currentlyAvailable: 16 });

    // The counter lives in Redis under the deployment's prefix, for one window.
    const key = `${prefix}:cost:user:${rawId(userId)}`;
    expect(Number(await redis.get(key))).toBe(84);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);

    // Per address: anonymous requests from one address through both instances share its 200 points.
    for (let i = 0; i < 4; i++) {
      const app = i % 2 ? second : first.app;
      expect((await post(app, PAGE, { address: '192.0.2.20' })).extensions?.cost?.throttleStatus).toMatchObject({ budget: 'address', currentlyAvailable: 200 - 41 * (i + 1) });
    }
    expect((await post(second, PAGE, { address: '192.0.2.20' })).status).toBe(429);
  });

  it('another REDIS_PREFIX is another deployment with budgets of its own', async () => {
    const { accessToken: token } = await first.signup();
    await post(first.app, PAGE, { token, address: '192.0.2.30' });
    const elsewhere = createApp(loadConfig({ ...envOf(first), REDIS_PREFIX: `${prefix}-other` }), first.database.db);
    others.push(elsewhere);
    expect((await post(elsewhere, PAGE, { token, address: '192.0.2.30' })).extensions?.cost?.throttleStatus).toMatchObject({ currentlyAvailable: 59 });
  });

  it('fails open while Redis is unreachable, then enforces again with the counts Redis kept', async () => {
    const proxy = await redisProxy(new URL(redisUrl));
    const app = createApp(loadConfig({ ...envOf(first), REDIS_URL: `redis://127.0.0.1:${proxy.port}` }), first.database.db);
    others.push(app);
    const { accessToken: token } = await first.signup();
    expect((await post(app, PAGE, { token, address: '192.0.2.40' })).extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(59);

    await proxy.stop(); // Redis goes away
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const answer = await post(app, PAGE, { token, address: '192.0.2.40' });
      expect(answer.status).toBe(200);
      expect(answer.extensions?.cost).toEqual({ requestedQueryCost: 41, throttleStatus: null });
    }
    expect(performance.now() - started).toBeLessThan(2_000); // no waiting on Redis per request

    await proxy.start(); // back: ioredis reconnects by itself
    await expect.poll(async () => (await post(app, ME, { token, address: '192.0.2.40' })).extensions?.cost?.throttleStatus, { timeout: 10_000, interval: 200 })
      .toMatchObject({ currentlyAvailable: 57 });
  });
});

function envOf(t: TestApp): Record<string, string> {
  return {
    NODE_ENV: 'test',
    JWT_SECRET: t.config.jwtSecret,
    DATA_DIR: t.config.DATA_DIR,
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    TRUST_PROXY: 'true',
    COST_BUDGET_PER_USER: '100',
    COST_BUDGET_PER_ADDRESS: '200',
  };
}

/** A TCP proxy to Redis that can be cut (every connection dropped, the port closed) and restored on the same port. */
async function redisProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    start: listen,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
