// The real process: start-up on the configured database, persistence across restarts, the embedded
// data-directory lock, bad configuration, and graceful shutdown (open WebSockets and SSE streams included).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDbKind } from './helpers/database.ts';
import { freePort, postGraphQL, runServer, serverEnv, startServer } from './helpers/process.ts';

const SIGNUP = `mutation ($input: SignupInput!) { signup(input: $input) { __typename ... on AuthPayload { accessToken } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken } } }`;
const credentials = { email: 'process@example.com', password: 'process password' };

describe(`server process (${testDbKind})`, () => {
  let env: Record<string, string>;
  let drop = async () => {};

  beforeAll(async () => {
    ({ env, drop } = await serverEnv('server'));
  });
  afterAll(() => drop());

  it('migrates, serves, keeps data across a restart and exits 0 on SIGTERM', async () => {
    const first = await startServer({ ...env, PORT: String(await freePort()) });
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    const signup = await postGraphQL(first.url, SIGNUP, { input: credentials });
    expect(signup.body.data.signup.__typename).toBe('AuthPayload');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // A new embedded data directory is created and migrated by a short-lived child process, which reports it.
    expect(first.output()).toMatch(/Applied migrations: 20261122000000_init/);

    const second = await startServer({ ...env, PORT: String(await freePort()) });
    const login = await postGraphQL(second.url, LOGIN, { input: credentials });
    expect(login.body.data.login.__typename).toBe('AuthPayload');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toMatch(/Applied migrations/);
  });

  if (testDbKind === 'pglite') it('refuses a second process on the same embedded data directory', async () => {
    const first = await startServer({ ...env, PORT: String(await freePort()) });
    try {
      const second = runServer({ ...env, PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/in use by another process/);
      // The first one is unharmed.
      expect((await fetch(`${first.url}/ready`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('on SIGTERM closes WebSockets with 1001 and ends SSE streams, then exits 0', async () => {
    const server = await startServer({ ...env, PORT: String(await freePort()) });
    const signup = await postGraphQL(server.url, SIGNUP, { input: { email: 'live-process@example.com', password: credentials.password } });
    const token = signup.body.data.signup.accessToken as string;
    // Resuming from a token makes the stream carry every change after it, however soon it starts.
    const after = (await postGraphQL(server.url, '{ sync { syncToken } }', {}, token)).body.data.sync.syncToken as string;
    const query = `subscription { changes(after: "${after}") { kind nodeId } }`;

    // A graphql-ws client with one subscription open.
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.subscribe({ query }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    // An SSE stream, read to its end.
    const sse = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    const decoder = new TextDecoder();
    let events = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        events += decoder.decode(value, { stream: true });
      }
      return events;
    };
    // The stream is live: a change reaches it before the shutdown.
    await postGraphQL(server.url, 'mutation { createTask(input: { title: "before shutdown" }) { __typename } }', {}, token);
    expect(await readUntil(/"kind":"CREATED"/)).toContain('"kind":"CREATED"');

    server.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await readUntil(/event: complete/)).toMatch(/event: complete/);
    expect(await server.exited).toBe(0);
  });

  it('lets an in-flight login finish on SIGTERM, then exits 0', async () => {
    const server = await startServer({ ...env, PORT: String(await freePort()) });
    const logins = Array.from({ length: 3 }, (_, i) => `l${i}: login(input: $input) { __typename }`).join(' ');
    const inFlight = postGraphQL(server.url, `mutation ($input: LoginInput!) { ${logins} }`, { input: credentials });
    await new Promise((r) => setTimeout(r, 30));
    server.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ l0: { __typename: 'AuthPayload' }, l1: { __typename: 'AuthPayload' }, l2: { __typename: 'AuthPayload' } });
    expect(await server.exited).toBe(0);
  });

  it('logs one JSON line per request with id, operation, duration and outcome, and no secrets', async () => {
    const server = await startServer({ ...env, PORT: String(await freePort()), LOG_LEVEL: 'info' });
    try {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'log-test-1' },
        body: JSON.stringify({
          query: 'mutation LogMeIn($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken refreshToken } } }',
          variables: { input: credentials },
          operationName: 'LogMeIn',
        }),
      });
      const { data } = (await res.json()) as { data: { login: { accessToken: string; refreshToken: string } } };
      await new Promise((r) => setTimeout(r, 200));
      const lines = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      const entry = lines.find((line) => line.requestId === 'log-test-1');
      expect(entry).toMatchObject({ msg: 'request', operationName: 'LogMeIn', status: 200, outcome: 'ok' });
      expect(typeof entry.durationMs).toBe('number');
      expect(server.output()).not.toContain(credentials.password);
      expect(server.output()).not.toContain(data.login.accessToken);
      expect(server.output()).not.toContain(data.login.refreshToken);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  if (testDbKind === 'pglite') it('runs compiled, as in production (npm run build, then npm run start:prod)', async () => {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'pipe' });
    const server = await startServer(
      { ...env, PORT: String(await freePort()), NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-bytes' },
      ['--max-old-space-size=192', '--no-allocation-site-pretenuring', 'dist/server.js'],
    );
    const login = await postGraphQL(server.url, LOGIN, { input: credentials });
    expect(login.body.data.login.__typename).toBe('AuthPayload');
    expect(await (await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text()).not.toContain('GraphiQL');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('stops at start-up on a bad variable, naming it', async () => {
    const server = runServer({ ...env, PORT: 'not-a-port' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/PORT/);
  });
});
