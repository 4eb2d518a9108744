// Prometheus metrics: /metrics behind METRICS_TOKEN on the main port (401 without it, 404 when metrics are
// not exposed), the counters and gauges moving for real requests (operations and outcomes, error codes,
// idempotent replays, throttled logins and budgets, published and delivered events, WebSockets and SSE
// streams, bounded operation labels), the settings, and the real server's METRICS_PORT with reminders fired
// and pool or database gauges.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/config.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../src/live/websocket.ts';
import { createApp } from '../src/yoga.ts';
import { startTestApp, type SignedUp, type TestApp } from './helpers/app.ts';
import { testDbKind } from './helpers/database.ts';
import { freePort, serverEnv, startServer } from './helpers/process.ts';
import { sleep } from './helpers/tasks.ts';

const TOKEN = 'metrics-scrape-token-0123456789';

/** `name{labels} value` lines of a scrape, by series ("name" or 'name{a="x",b="y"}' with labels sorted). */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = match[2] ? [...match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`).sort() : [];
    series.set(labels.length ? `${match[1]}{${labels.join(',')}}` : match[1]!, Number(match[3]));
  }
  return series;
}

const series = (name: string, labels: Record<string, string> = {}) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort();
  return parts.length ? `${name}{${parts.join(',')}}` : name;
};

let t: TestApp;
let user: SignedUp;
let server: Server;
let sockets: WebSocketEndpoint;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApp({
    env: { METRICS_TOKEN: TOKEN },
    // A tight login throttle per account, so one test can meet it.
    rateLimits: { perAccount: 2, perAddress: 1000, windowSeconds: 60 },
  });
  user = await t.signup();
  // The real HTTP server for the WebSocket and the SSE stream.
  server = createServer(t.app.yoga);
  sockets = attachWebSocket(server, t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sockets?.close();
  t?.app.services.sessionWatch.endAll();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

async function scrape(): Promise<Map<string, number>> {
  const res = await t.fetch('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

/** How much each series grew while `fn` ran. */
async function delta(fn: () => Promise<unknown>, ...names: string[]): Promise<number[]> {
  const before = await scrape();
  await fn();
  const after = await scrape();
  return names.map((name) => (after.get(name) ?? 0) - (before.get(name) ?? 0));
}

function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('/metrics on the main port (METRICS_TOKEN)', () => {
  it('answers 401 without the bearer token or with another one, and Prometheus text with it', async () => {
    expect((await t.fetch('/metrics')).status).toBe(401);
    const wrong = await t.fetch('/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await wrong.text())).not.toContain('taskapi_');

    const res = await t.fetch('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE taskapi_graphql_requests_total counter');
    expect(text).toContain('# TYPE taskapi_graphql_request_duration_seconds histogram');
    // Process metrics, the event-loop lag among them.
    const scraped = parse(text);
    expect(scraped.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(scraped.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scraped.get(series('taskapi_db_info', { kind: testDbKind }))).toBe(1);
  });

  it('is not there (404) when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const plain = createApp({ ...t.config, METRICS_TOKEN: undefined }, t.database.db);
    try {
      const res = await plain.yoga.fetch('http://test.local/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts requests by operation name and outcome, with their duration', async () => {
    const [ok, duration] = await delta(
      async () => {
        for (let i = 0; i < 3; i++) expect((await post({ query: 'query MyTasks { tasks(first: 1) { totalCount } }', operationName: 'MyTasks' })).status).toBe(200);
      },
      series('taskapi_graphql_requests_total', { operation: 'MyTasks', outcome: 'ok' }),
      series('taskapi_graphql_request_duration_seconds_count', { operation: 'MyTasks' }),
    );
    expect(ok).toBe(3);
    expect(duration).toBe(3);
    // The name comes from the document when the request does not give one; no name at all is "anonymous".
    const [named, anonymous] = await delta(
      async () => {
        await post({ query: 'query FromDocument { me { id } }' });
        await post({ query: '{ me { id } }' });
      },
      series('taskapi_graphql_requests_total', { operation: 'FromDocument', outcome: 'ok' }),
      series('taskapi_graphql_requests_total', { operation: 'anonymous', outcome: 'ok' }),
    );
    expect([named, anonymous]).toEqual([1, 1]);
  });

  it('counts errors by extensions.code, and a failed request under the code of its first error', async () => {
    const [outcome, errors, validation] = await delta(
      async () => {
        const res = await t.gql('query Anonymous { tasks(first: 1) { totalCount } }');
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        await post({ query: 'query Broken { nope }' });
      },
      series('taskapi_graphql_requests_total', { operation: 'Anonymous', outcome: 'UNAUTHENTICATED' }),
      series('taskapi_graphql_errors_total', { code: 'UNAUTHENTICATED' }),
      series('taskapi_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' }),
    );
    expect([outcome, errors, validation]).toEqual([1, 1, 1]);
  });

  it('counts idempotent replays, and a refused key under its code', async () => {
    const body = { query: 'mutation Create($title: String!) { createTask(input: { title: $title }) { __typename } }', variables: { title: 'metered' }, operationName: 'Create' };
    const [replays, replayed, reused, published] = await delta(
      async () => {
        expect((await post(body, { 'idempotency-key': 'metrics-key' })).headers.get('idempotent-replayed')).toBeNull();
        expect((await post(body, { 'idempotency-key': 'metrics-key' })).headers.get('idempotent-replayed')).toBe('true');
        expect((await post({ ...body, variables: { title: 'other' } }, { 'idempotency-key': 'metrics-key' })).status).toBe(422);
      },
      'taskapi_idempotent_replays_total',
      series('taskapi_graphql_requests_total', { operation: 'Create', outcome: 'ok' }),
      series('taskapi_graphql_requests_total', { operation: 'Create', outcome: 'IDEMPOTENCY_KEY_REUSED' }),
      series('taskapi_events_published_total', { kind: 'changes' }),
    );
    // One replay; one refusal; one task created, so one change published (the replay ran nothing).
    expect([replays, replayed, reused, published]).toEqual([1, 2, 1, 1]);
  });

  it('counts logins refused by the throttle', async () => {
    const [throttled] = await delta(
      async () => {
        for (let i = 0; i < 3; i++) {
          await t.gql('mutation { login(input: { email: "throttled@example.com", password: "wrong password" }) { __typename } }');
        }
      },
      series('taskapi_rate_limited_total', { limit: 'auth_account' }),
    );
    expect(throttled).toBe(1);
  });

  it('counts operations refused by the request budget', async () => {
    // Another app on the same database, with a budget of 5 points a minute per user.
    const tight = createApp({ ...t.config, COST_BUDGET_PER_USER: 5 }, t.database.db);
    try {
      const send = () => tight.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
        body: JSON.stringify({ query: 'query Spend { me { id } }' }),
      });
      let refused = 0;
      for (let i = 0; i < 6 && refused === 0; i++) if ((await send()).status === 429) refused++;
      expect(refused).toBe(1);
      const res = await tight.yoga.fetch('http://test.local/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      const scraped = parse(await res.text());
      expect(scraped.get(series('taskapi_rate_limited_total', { limit: 'cost_user' }))).toBe(1);
      expect(scraped.get(series('taskapi_graphql_requests_total', { operation: 'Spend', outcome: 'RATE_LIMITED' }))).toBe(1);
      expect(scraped.get(series('taskapi_graphql_errors_total', { code: 'RATE_LIMITED' }))).toBe(1);
    } finally {
      await tight.close();
    }
  });

  it('keeps operation labels bounded: names past the first 200 count as "other"', async () => {
    for (let i = 0; i < 205; i++) await post({ query: `query Many${i} { __typename }` });
    const scraped = await scrape();
    const operations = new Set([...scraped.keys()].filter((k) => k.startsWith('taskapi_graphql_requests_total{')).map((k) => /operation="([^"]*)"/.exec(k)![1]));
    expect(operations.size).toBeLessThanOrEqual(201);
    expect(scraped.get(series('taskapi_graphql_requests_total', { operation: 'other', outcome: 'ok' }))).toBeGreaterThanOrEqual(5);
  });

  if (testDbKind === 'postgres') it('reports the PostgreSQL pool, and the queries that waited for a connection', async () => {
    // The test database's pool has 5 connections: 20 requests at once leave some queries waiting.
    const [waited] = await delta(
      () => Promise.all(Array.from({ length: 20 }, () => post({ query: '{ tasks(first: 5) { totalCount } }' }))),
      'taskapi_db_pool_wait_seconds_count',
    );
    expect(waited).toBeGreaterThan(0);
    const scraped = await scrape();
    expect(scraped.get('taskapi_db_pool_max_connections')).toBe(5);
    expect(scraped.get('taskapi_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(scraped.get('taskapi_db_pool_connections')).toBeLessThanOrEqual(5);
    expect(scraped.get('taskapi_db_pool_waiting_requests')).toBe(0);
  });

  it('tracks open WebSockets and SSE streams, and the events they deliver', async () => {
    const gauges = async () => {
      const s = await scrape();
      return {
        sockets: s.get('taskapi_websockets_open'),
        ws: s.get(series('taskapi_subscriptions_active', { transport: 'ws' })) ?? 0,
        sse: s.get(series('taskapi_subscriptions_active', { transport: 'sse' })) ?? 0,
        delivered: s.get(series('taskapi_events_delivered_total', { kind: 'changes' })) ?? 0,
      };
    };
    const before = await gauges();
    expect(before).toMatchObject({ sockets: 0, ws: 0, sse: 0 });

    const client = createClient({ url: `ws://${baseUrl}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.accessToken}` }, retryAttempts: 0 });
    const wsEvents: unknown[] = [];
    const unsubscribe = client.subscribe({ query: 'subscription { changes { kind } }' }, { next: (e) => void wsEvents.push(e), error: () => {}, complete: () => {} });
    const controller = new AbortController();
    const sse = await fetch(`http://${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({ query: 'subscription { changes { kind } }' }),
      signal: controller.signal,
    });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const reader = sse.body!.getReader();
    let sseText = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        sseText += new TextDecoder().decode(value);
      }
    })();

    await waitFor(async () => (await gauges()).ws === 1);
    expect(await gauges()).toMatchObject({ sockets: 1, ws: 1, sse: 1 });

    expect((await post({ query: 'mutation { createTask(input: { title: "live" }) { __typename } }' })).status).toBe(200);
    await waitFor(async () => wsEvents.length === 1 && sseText.includes('"CREATED"'));
    await waitFor(async () => (await gauges()).delivered - before.delivered === 2);

    unsubscribe();
    controller.abort();
    await client.dispose();
    await waitFor(async () => {
      const now = await gauges();
      return now.sockets === 0 && now.ws === 0 && now.sse === 0;
    });
  });
});

describe('metrics and tracing settings', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'a-test-secret-of-at-least-32-bytes-long', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'taskapi-cfg-')) };
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('refuses a metrics port equal to PORT, a short token, and an endpoint that is not an http(s) URL', () => {
    expect(refused({ PORT: '4000', METRICS_PORT: '4000' })).toMatch(/METRICS_PORT: must differ from PORT/);
    expect(refused({ METRICS_TOKEN: 'short' })).toMatch(/METRICS_TOKEN: must be at least 16 characters/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/);
    expect(refused({ OTEL_TRACES_SAMPLER_ARG: '2' })).toMatch(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('leaves metrics and tracing off by default', () => {
    const config = loadConfig(base);
    expect([config.METRICS_PORT, config.METRICS_TOKEN, config.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([undefined, undefined, undefined]);
    expect(config.OTEL_SERVICE_NAME).toBe('taskapi');
    expect(config.OTEL_TRACES_SAMPLER_ARG).toBe(1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe(`METRICS_PORT on the real server (${testDbKind})`, () => {
  let env: Record<string, string>;
  let drop = async () => {};

  beforeAll(async () => {
    ({ env, drop } = await serverEnv('metrics', { REMINDER_POLL_SECONDS: '1' }));
  });
  afterAll(() => drop());

  it('serves /metrics on its own port (not on the main one), counts a reminder fired, and closes on SIGTERM', async () => {
    const metricsPort = await freePort();
    const server = await startServer({ ...env, PORT: String(await freePort()), METRICS_PORT: String(metricsPort) });
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${metricsUrl}/graphql`)).status).toBe(404);

      const signup = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { signup(input: { email: "metrics-port@example.com", password: "metrics password" }) { ... on AuthPayload { accessToken } } }' }),
      });
      const token = ((await signup.json()) as any).data.signup.accessToken as string;
      const remindAt = new Date(Date.now() + 500).toISOString();
      const created = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation ($at: DateTime!) { createTask(input: { title: "remind me", remindAt: $at }) { __typename } }', variables: { at: remindAt } }),
      });
      expect(((await created.json()) as any).data.createTask.__typename).toBe('TaskPayload');

      let scraped = new Map<string, number>();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const res = await fetch(`${metricsUrl}/metrics`);
        expect(res.status).toBe(200);
        scraped = parse(await res.text());
        if ((scraped.get('taskapi_reminders_fired_total') ?? 0) >= 1) break;
        await sleep(200);
      }
      expect(scraped.get('taskapi_reminders_fired_total')).toBe(1);
      expect(scraped.get(series('taskapi_events_published_total', { kind: 'reminders' }))).toBe(1);
      expect(scraped.get(series('taskapi_graphql_requests_total', { operation: 'anonymous', outcome: 'ok' }))).toBe(2);
      expect(scraped.get('taskapi_http_connections_open')).toBeGreaterThanOrEqual(0);
      if (testDbKind === 'postgres') {
        expect(scraped.get('taskapi_db_pool_max_connections')).toBe(10);
        expect(scraped.get('taskapi_db_pool_connections')).toBeGreaterThanOrEqual(1);
        expect(scraped.has('taskapi_db_pool_waiting_requests')).toBe(true);
        expect(scraped.has('taskapi_db_pool_wait_seconds_count')).toBe(true);
      } else {
        expect(scraped.get(series('taskapi_db_info', { kind: 'pglite' }))).toBe(1);
      }
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});
