// Request budgets (in memory, one instance): each user and each client address spends the cost of its
// operations from a per-minute budget; over it, HTTP 429 with Retry-After and RATE_LIMITED, nothing runs;
// every response reports extensions.cost; 0 turns a budget off; an unreachable Redis fails open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachWebSocket } from '../src/live/websocket.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { rawId } from './helpers/tasks.ts';

// Tests with the same settings share an app (each with users and addresses of its own): apps take a while to start.
const apps = new Map<string, Promise<TestApp>>();
afterAll(async () => {
  await Promise.all([...apps.values()].map(async (t) => (await t).close()));
});

function appWith(env: Record<string, string>): Promise<TestApp> {
  const key = JSON.stringify(env);
  if (!apps.has(key)) apps.set(key, startTestApp({ env: { TRUST_PROXY: 'true', ...env } }));
  return apps.get(key)!;
}

interface Cost {
  requestedQueryCost: number;
  throttleStatus: { budget: 'user' | 'address'; maximumAvailable: number; currentlyAvailable: number; resetInSeconds: number } | null;
}
interface Answer {
  status: number;
  headers: Headers;
  data?: any;
  errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number; cost?: Cost } }[];
  extensions?: { cost?: Cost };
}

/** POST /graphql from a client address (X-Forwarded-For, TRUST_PROXY is on), signed in with `token` if given. */
async function post(t: TestApp, query: string, options: { token?: string; address?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await t.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': options.address ?? '203.0.113.1',
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}

// Costs by the estimator: 1 per field, times `first` for everything under a connection.
const ME = '{ me { id } }'; // me + id = 2
const PAGE = '{ tasks(first: 10) { edges { node { id title } } } }'; // 1 + 10 * (edges 1 + node 1 + id 1 + title 1) = 41
const CREATE = 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { __typename } }'; // 2

function expectRateLimited(answer: Answer, budget: 'user' | 'address') {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors).toHaveLength(1);
  const [error] = answer.errors!;
  expect(error!.extensions?.code).toBe('RATE_LIMITED');
  expect(error!.extensions?.retryAfterSeconds).toBe(retryAfter);
  expect(error!.message).toContain(`${budget} budget`);
  expect(error!.extensions?.cost).toEqual(answer.extensions?.cost);
  // yoga's internal `http` extension (status and headers) stays out of the body.
  expect(JSON.stringify(answer)).not.toContain('"http"');
}

describe('per-user budget', () => {
  it('charges each operation its cost, refuses one that does not fit with 429, and charges nothing for it', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '100', COST_BUDGET_PER_ADDRESS: '0' });
    const { accessToken: token, userId } = await t.signup();

    const first = await post(t, ME, { token });
    expect(first.status).toBe(200);
    expect(first.data.me.id).toBeTruthy();
    expect(first.extensions?.cost).toEqual({
      requestedQueryCost: 2,
      throttleStatus: { budget: 'user', maximumAvailable: 100, currentlyAvailable: 98, resetInSeconds: expect.any(Number) },
    });
    expect(first.extensions!.cost!.throttleStatus!.resetInSeconds).toBeGreaterThanOrEqual(59);

    const page = await post(t, PAGE, { token });
    expect(page.status).toBe(200);
    expect(page.extensions?.cost).toMatchObject({ requestedQueryCost: 41, throttleStatus: { currentlyAvailable: 57 } });
    expect((await post(t, PAGE, { token })).extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(16);

    // 41 > 16 left: refused, and the refusal spends nothing.
    const refused = await post(t, PAGE, { token });
    expectRateLimited(refused, 'user');
    expect(refused.extensions?.cost).toMatchObject({ requestedQueryCost: 41, throttleStatus: { budget: 'user', currentlyAvailable: 16 } });

    // Nothing executes over budget: a refused mutation creates nothing.
    let created = 0;
    for (let i = 0; i < 10; i++) {
      const answer = await post(t, CREATE, { token, variables: { input: { title: `task ${i}` } } });
      if (answer.status === 200) {
        expect(answer.data.createTask.__typename).toBe('TaskPayload');
        created++;
      } else {
        expectRateLimited(answer, 'user');
      }
    }
    expect(created).toBe(8); // 16 points, 2 each
    expect(await t.database.db.prisma.task.count({ where: { userId: rawId(userId) } })).toBe(8);

    // Another user has a budget of their own.
    const other = await t.signup();
    expect((await post(t, ME, { token: other.accessToken })).extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(98);
  });

  it('counts refusals in the metrics by budget', async () => {
    const metricsToken = 'budget-metrics-token-0123456789';
    const t = await appWith({ COST_BUDGET_PER_USER: '45', COST_BUDGET_PER_ADDRESS: '100', METRICS_TOKEN: metricsToken });
    const { accessToken: token } = await t.signup();
    await post(t, PAGE, { token, address: '198.51.100.1' }); // user 4 left, address 59
    expectRateLimited(await post(t, PAGE, { token, address: '198.51.100.1' }), 'user');
    expectRateLimited(await post(t, PAGE, { token, address: '198.51.100.1' }), 'user');
    await post(t, PAGE, { address: '198.51.100.1' }); // address 18 left
    expectRateLimited(await post(t, PAGE, { address: '198.51.100.1' }), 'address');
    const metrics = await (await t.fetch('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    expect(metrics).toMatch(/^taskapi_rate_limited_total\{limit="cost_user"\} 2$/m);
    expect(metrics).toMatch(/^taskapi_rate_limited_total\{limit="cost_address"\} 1$/m);
  });

  it('leaves anonymous requests to the address budget', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '100', COST_BUDGET_PER_ADDRESS: '0' });
    for (let i = 0; i < 60; i++) {
      const answer = await post(t, ME);
      expect(answer.status).toBe(200);
      expect(answer.extensions?.cost).toEqual({ requestedQueryCost: 2, throttleStatus: null });
    }
  });
});

describe('per-address budget', () => {
  it('is shared by everyone at one address, anonymous or signed in, and reports the tighter budget', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '1000', COST_BUDGET_PER_ADDRESS: '100' });
    const { accessToken: token } = await t.signup();

    const before = await post(t, ME, { address: '198.51.100.7' });
    expect(before.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'address', maximumAvailable: 100, currentlyAvailable: 98 });
    // Signed in at the same address: both budgets are charged; the address one is the tighter.
    const signedIn = await post(t, PAGE, { token, address: '198.51.100.7' });
    expect(signedIn.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'address', currentlyAvailable: 57 });
    await post(t, PAGE, { token, address: '198.51.100.7' });
    expectRateLimited(await post(t, PAGE, { token, address: '198.51.100.7' }), 'address');
    expectRateLimited(await post(t, '{ tasks(first: 20) { totalCount } }', { address: '198.51.100.7' }), 'address');

    // Another address is another budget, for the same user too; the user budget was charged by the accepted ones only.
    const elsewhere = await post(t, ME, { token, address: '198.51.100.8' });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'address', currentlyAvailable: 98 });
    expect(elsewhere.extensions?.cost?.throttleStatus?.maximumAvailable).toBe(100);
  });

  it('reports the user budget when it is the tighter one', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '50', COST_BUDGET_PER_ADDRESS: '1000' });
    const { accessToken: token } = await t.signup();
    const answer = await post(t, PAGE, { token, address: '198.51.100.9' });
    expect(answer.extensions?.cost?.throttleStatus).toMatchObject({ budget: 'user', maximumAvailable: 50, currentlyAvailable: 9 });
    // The address kept its points when the user budget refused.
    expectRateLimited(await post(t, PAGE, { token, address: '198.51.100.9' }), 'user');
    expect((await post(t, ME, { address: '198.51.100.9' })).extensions?.cost?.throttleStatus).toMatchObject({ budget: 'address', currentlyAvailable: 1000 - 41 - 2 });
  });
});

describe('extensions.cost', () => {
  it('is on every executed response: ok, failed, over the single-operation limit (which spends nothing)', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '10000', COST_BUDGET_PER_ADDRESS: '0' });
    const { accessToken: token } = await t.signup();

    const failed = await post(t, '{ task(id: "not-an-id") { id } }', { token });
    expect(failed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(failed.extensions?.cost).toMatchObject({ requestedQueryCost: 2, throttleStatus: { currentlyAvailable: 9998 } });

    const tooBig = await post(t, '{ tasks(first: 100) { edges { node { subtasks(first: 100) { edges { node { id } } } } } } }', { token });
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(tooBig.extensions?.cost?.requestedQueryCost).toBeGreaterThan(5000);
    expect(tooBig.extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(9998);

    const mutation = await post(t, CREATE, { token, variables: { input: { title: 'costed' } } });
    expect(mutation.extensions?.cost).toMatchObject({ requestedQueryCost: 2, throttleStatus: { currentlyAvailable: 9996 } });
  });

  it('does not charge an idempotent replay (answered before anything executes)', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '10000', COST_BUDGET_PER_ADDRESS: '0' });
    const { accessToken: token } = await t.signup();
    const send = () => post(t, CREATE, { token, variables: { input: { title: 'once' } }, headers: { 'idempotency-key': 'budget-replay-1' } });
    const first = await send();
    expect(first.extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(9998);
    const replay = await send();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.extensions).toEqual(first.extensions); // the same bytes
    expect((await post(t, ME, { token })).extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(9996);
  });
});

describe('0 turns a budget off', () => {
  it('never refuses and reports no throttle status', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '0', COST_BUDGET_PER_ADDRESS: '0' });
    const { accessToken: token } = await t.signup();
    for (let i = 0; i < 30; i++) {
      const answer = await post(t, '{ tasks(first: 100) { edges { node { id title description } } } }', { token });
      expect(answer.status).toBe(200);
      expect(answer.extensions?.cost).toEqual({ requestedQueryCost: 501, throttleStatus: null });
    }
  });
});

describe('subscriptions', () => {
  it('are charged when they start: over budget, SSE answers 429 and graphql-ws an error with the code', async () => {
    const t = await appWith({ COST_BUDGET_PER_USER: '30', COST_BUDGET_PER_ADDRESS: '0' });
    const { accessToken: token } = await t.signup();
    const SUBSCRIPTION = 'subscription { changes { kind nodeId syncToken node { id } } }'; // 1 + 4 + 1 = 6

    // Over SSE: an accepted subscription streams (200), a refused one is a 429 with Retry-After.
    const sse = (signal?: AbortSignal) =>
      t.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SUBSCRIPTION }),
        signal,
      });
    const abort = new AbortController();
    const accepted = await sse(abort.signal);
    expect(accepted.status).toBe(200);
    abort.abort();
    await accepted.body?.cancel().catch(() => {});
    expect((await post(t, ME, { token })).extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(30 - 6 - 2);
    await post(t, '{ me { id email name } }', { token }); // 4: 18 left
    await post(t, '{ me { id email name } }', { token }); // 14 left
    await post(t, '{ me { id email name } }', { token }); // 10 left
    await post(t, '{ me { id email name } }', { token }); // 6 left
    await post(t, ME, { token }); // 4 left: a subscription (6) no longer fits
    const refused = await sse();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await refused.text();
    expect(body).toContain('"code":"RATE_LIMITED"');
    expect(body).not.toContain('"http"');

    // Over graphql-ws: the subscribe gets the error (no HTTP status on a socket).
    const server: Server = createServer(t.app.yoga);
    const endpoint = attachWebSocket(server, t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createClient({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      const errors = await new Promise<any[]>((resolve) => {
        const unsubscribe = client.subscribe({ query: SUBSCRIPTION }, {
          next: (result) => {
            unsubscribe();
            resolve((result.errors ?? []) as any[]);
          },
          error: (error) => resolve(Array.isArray(error) ? error : [error]),
          complete: () => resolve([]),
        });
      });
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number), cost: { requestedQueryCost: 6 } });
      expect(errors[0].extensions.http).toBeUndefined();
    } finally {
      await client.dispose();
      await endpoint.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('an unreachable Redis', () => {
  it('fails open: requests are served, unmetered, without waiting on Redis', async () => {
    // Nothing listens on port 1: the budget store is down from the start.
    const t = await appWith({ REDIS_URL: 'redis://127.0.0.1:1', COST_BUDGET_PER_USER: '0', COST_BUDGET_PER_ADDRESS: '5' });
    const warnings: unknown[][] = [];
    t.app.logger.warn = ((...args: unknown[]) => void warnings.push(args)) as never;
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first connection attempt fails
    const started = performance.now();
    for (let i = 0; i < 10; i++) {
      const answer = await post(t, ME);
      expect(answer.status).toBe(200);
      expect(answer.extensions?.cost).toEqual({ requestedQueryCost: 2, throttleStatus: null });
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    // One log line for the outage, not one per request.
    expect(warnings.filter((w) => String(w[1]).includes('cost budget store unreachable'))).toHaveLength(1);
  });
});
