// Prometheus metrics (prom-client): the instruments other modules count with, the per-request yoga plugin, and
// /metrics on the main port (METRICS_TOKEN) or on a port of its own (METRICS_PORT). Never public by default.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { getOperationAST, type ExecutionArgs, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Bus } from '../live/bus.ts';

/** Why a request was refused by a throttle: the auth throttle's two keys, the cost budget's two. */
export type RateLimit = 'auth_account' | 'auth_address' | 'cost_user' | 'cost_address';

/** The app's instruments. One registry per app, so several apps in one process (tests) never collide. */
export interface Metrics {
  registry: Registry;
  /** GraphQL requests over HTTP by operation name and outcome (`ok`, or the first error's code). */
  requests: Counter<'operation' | 'outcome'>;
  requestDuration: Histogram<'operation'>;
  /** Every error in a response (or a streamed event) by its `extensions.code`. */
  graphqlErrors: Counter<'code'>;
  rateLimited: Counter<'limit'>;
  idempotentReplays: Counter;
  eventsPublished: Counter<'kind'>;
  eventsDelivered: Counter<'kind'>;
  remindersFired: Counter;
  webSockets: Gauge;
  subscriptions: Gauge<'transport'>;
  httpConnections: Gauge;
}

/** Whether anyone can read the metrics: METRICS_PORT or METRICS_TOKEN is set. */
export function metricsExposed(config: Pick<Config, 'METRICS_PORT' | 'METRICS_TOKEN'>): boolean {
  return config.METRICS_PORT !== undefined || config.METRICS_TOKEN !== undefined;
}

const PREFIX = 'taskapi_';
// From about a millisecond (a cached read) to the 15 s statement timeout.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: `${PREFIX}graphql_requests_total`, help: 'GraphQL requests over HTTP by operation name and outcome (ok, or the code of the first error).', labelNames: ['operation', 'outcome'], registers }),
    requestDuration: new Histogram({ name: `${PREFIX}graphql_request_duration_seconds`, help: 'Time from receiving a GraphQL request to its response (for a subscription: to the start of the stream).', labelNames: ['operation'], buckets: DURATION_BUCKETS, registers }),
    graphqlErrors: new Counter({ name: `${PREFIX}graphql_errors_total`, help: 'GraphQL errors returned, by extensions.code.', labelNames: ['code'], registers }),
    rateLimited: new Counter({ name: `${PREFIX}rate_limited_total`, help: 'Requests refused by a throttle: auth_account, auth_address (credential checks), cost_user, cost_address (request budgets).', labelNames: ['limit'], registers }),
    idempotentReplays: new Counter({ name: `${PREFIX}idempotent_replays_total`, help: 'Responses replayed for a repeated Idempotency-Key.', registers }),
    eventsPublished: new Counter({ name: `${PREFIX}events_published_total`, help: 'Events published on the bus by this instance: changes (a user\'s change log grew) and reminders.', labelNames: ['kind'], registers }),
    eventsDelivered: new Counter({ name: `${PREFIX}events_delivered_total`, help: 'Subscription events sent to clients by this instance, by subscription field.', labelNames: ['kind'], registers }),
    remindersFired: new Counter({ name: `${PREFIX}reminders_fired_total`, help: 'Due reminders claimed and published by this instance.', registers }),
    webSockets: new Gauge({ name: `${PREFIX}websockets_open`, help: 'Open graphql-ws WebSockets.', registers }),
    subscriptions: new Gauge({ name: `${PREFIX}subscriptions_active`, help: 'Running subscriptions by transport: sse (HTTP streams) or ws.', labelNames: ['transport'], registers }),
    httpConnections: new Gauge({ name: `${PREFIX}http_connections_open`, help: 'Open TCP connections to the HTTP server (keep-alive, streams and WebSockets included).', registers }),
  };
}

/**
 * Process metrics (CPU, memory, GC, event-loop lag as nodejs_eventloop_lag_seconds and the
 * nodejs_eventloop_lag_p99_seconds family) and the database pool. Only when metrics are exposed: it keeps
 * an event-loop delay monitor running.
 */
export function collectProcessMetrics(metrics: Metrics, pool: pg.Pool | undefined): void {
  collectDefaultMetrics({ register: metrics.registry });
  const registers = [metrics.registry];
  if (!pool) {
    // PGlite is one in-process connection: there is no pool to report.
    new Gauge({ name: `${PREFIX}db_info`, help: 'The database in use (kind: postgres or pglite).', labelNames: ['kind'], registers }).set({ kind: 'pglite' }, 1);
    return;
  }
  new Gauge({ name: `${PREFIX}db_info`, help: 'The database in use (kind: postgres or pglite).', labelNames: ['kind'], registers }).set({ kind: 'postgres' }, 1);
  new Gauge({ name: `${PREFIX}db_pool_max_connections`, help: 'DATABASE_POOL_SIZE: connections the pool may open.', registers }).set(pool.options.max ?? 10);
  new Gauge({ name: `${PREFIX}db_pool_connections`, help: 'Open connections of the pool (in use or idle).', registers, collect() { this.set(pool.totalCount); } });
  new Gauge({ name: `${PREFIX}db_pool_idle_connections`, help: 'Idle connections of the pool.', registers, collect() { this.set(pool.idleCount); } });
  new Gauge({ name: `${PREFIX}db_pool_waiting_requests`, help: 'Queries waiting for a connection right now.', registers, collect() { this.set(pool.waitingCount); } });
  const waits = new Histogram({ name: `${PREFIX}db_pool_wait_seconds`, help: 'How long queries that found every connection busy waited for one (count = how many waited).', buckets: DURATION_BUCKETS, registers });
  observePoolWaits(pool, (seconds) => waits.observe(seconds));
}

// pg's Pool reports how many wait, not for how long: time the acquisitions that find it full. The others go
// straight through (two property reads).
function observePoolWaits(pool: pg.Pool, observe: (seconds: number) => void) {
  const connect = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => unknown;
  const max = pool.options.max ?? 10;
  pool.connect = ((callback?: (...args: unknown[]) => void) => {
    if (pool.idleCount > 0 || pool.totalCount < max) return connect(callback);
    const start = performance.now();
    const done = () => observe((performance.now() - start) / 1000);
    if (callback) {
      return connect((...args: unknown[]) => {
        done();
        callback(...args);
      });
    }
    const acquired = connect() as Promise<unknown>;
    acquired.then(done, done);
    return acquired;
  }) as typeof pool.connect;
}

/** Counts what the bus publishes (reminders once Redis, or the local target, took them). */
export function countPublished(bus: Bus, metrics: Metrics): Bus {
  const changes = metrics.eventsPublished.labels('changes');
  const reminders = metrics.eventsPublished.labels('reminders');
  return {
    ...bus,
    publishChanges(userId) {
      changes.inc();
      bus.publishChanges(userId);
    },
    async publishReminder(userId, reminder) {
      await bus.publishReminder(userId, reminder);
      reminders.inc();
    },
  };
}

/** Counts the open TCP connections of a server. */
export function countConnections(server: Server, metrics: Metrics): void {
  server.on('connection', (socket) => {
    metrics.httpConnections.inc();
    socket.once('close', () => metrics.httpConnections.dec());
  });
}

// Label values stay few whatever clients send: operation names are GraphQL names of at most 64 characters,
// the first MAX_OPERATIONS seen are kept, later ones count as "other"; no name is "anonymous".
const MAX_OPERATIONS = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const MAX_CODES = 100;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

interface RequestState {
  start: number;
  /** Whether yoga read the request's parameters (false: another plugin answered first). */
  parsed: boolean;
  operation: string | null;
  outcome: string | null;
}

interface OperationInstruments {
  duration: Histogram.Internal<'operation'>;
  outcomes: Map<string, Counter.Internal>;
}

/**
 * Per-request instruments: count, duration and outcome of each GraphQL request, errors by code, running
 * subscriptions by transport and the events they deliver. Installed only when metrics are exposed.
 */
export function useRequestMetrics(metrics: Metrics, graphqlEndpoint: string): Plugin {
  const requests = new WeakMap<Request, RequestState>();
  const operations = new Map<string, OperationInstruments>();
  const codes = new Set<string>();

  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (operations.has(name)) return name;
    return OPERATION_NAME.test(name) && operations.size < MAX_OPERATIONS ? name : 'other';
  };
  const instrumentsOf = (label: string): OperationInstruments => {
    let instruments = operations.get(label);
    if (!instruments) {
      instruments = { duration: metrics.requestDuration.labels(label), outcomes: new Map() };
      operations.set(label, instruments);
    }
    return instruments;
  };
  const codeLabel = (code: unknown): string => {
    if (typeof code !== 'string') return 'NONE';
    if (codes.has(code)) return code;
    if (!ERROR_CODE.test(code) || codes.size >= MAX_CODES) return 'OTHER';
    codes.add(code);
    return code;
  };
  /** Counts the errors; returns the first one's code, or null. */
  const countErrors = (errors: readonly Pick<GraphQLError, 'extensions'>[] | undefined): string | null => {
    if (!errors?.length) return null;
    for (const error of errors) metrics.graphqlErrors.inc({ code: codeLabel(error.extensions?.code) });
    return codeLabel(errors[0]!.extensions?.code);
  };
  const nameOf = (args: ExecutionArgs) => args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value;
  const stateOf = (args: ExecutionArgs) => {
    const request = (args.contextValue as { request?: Request } | undefined)?.request;
    return request ? requests.get(request) : undefined;
  };

  return {
    onRequest({ request }) {
      if (pathnameOf(request.url) === graphqlEndpoint) requests.set(request, { start: performance.now(), parsed: false, operation: null, outcome: null });
    },
    onParams({ request, params }) {
      const state = requests.get(request);
      if (!state) return;
      state.parsed = true;
      state.operation = params.operationName ?? null;
    },
    onExecute({ args }) {
      const state = stateOf(args);
      if (state && !state.operation) state.operation = nameOf(args) ?? null;
    },
    onSubscribe({ args }) {
      const state = stateOf(args);
      if (state && !state.operation) state.operation = nameOf(args) ?? null;
      // graphql-ws runs operations without an HTTP request (src/live/websocket.ts).
      const transport = state ? 'sse' : 'ws';
      const kind = getOperationAST(args.document, args.operationName)?.selectionSet.selections.find((s) => s.kind === 'Field')?.name.value ?? 'unknown';
      const delivered = metrics.eventsDelivered.labels(kind);
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return;
          metrics.subscriptions.inc({ transport });
          return {
            onNext({ result: event }) {
              delivered.inc();
              countErrors(event.errors);
            },
            onEnd() {
              metrics.subscriptions.dec({ transport });
            },
          };
        },
      };
    },
    onResultProcess({ request, result }) {
      const state = requests.get(request);
      if (!state || Array.isArray(result) || Symbol.asyncIterator in result) return;
      state.outcome = countErrors(result.errors) ?? 'ok';
    },
    async onResponse({ request, response }) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      // Answered before yoga read it (an idempotent replay, a refused key, a body too large): the operation
      // named in the request body, and the response's first error code. A rare path.
      if (!state.parsed) state.operation = await operationNameOf(request);
      if (state.outcome === null && response.status >= 400) state.outcome = countErrors(await errorsOf(response)) ?? `HTTP_${response.status}`;
      state.outcome ??= 'ok';
      const label = operationLabel(state.operation);
      const instruments = instrumentsOf(label);
      instruments.duration.observe((performance.now() - state.start) / 1000);
      let outcome = instruments.outcomes.get(state.outcome);
      if (!outcome) instruments.outcomes.set(state.outcome, (outcome = metrics.requests.labels(label, state.outcome)));
      outcome.inc();
    },
  };
}

async function errorsOf(response: Response): Promise<Pick<GraphQLError, 'extensions'>[] | undefined> {
  try {
    const body = (await response.clone().json()) as { errors?: Pick<GraphQLError, 'extensions'>[] };
    return Array.isArray(body?.errors) ? body.errors : undefined;
  } catch {
    return undefined;
  }
}

async function operationNameOf(request: Request): Promise<string | null> {
  if (request.method !== 'POST' || request.bodyUsed) return null;
  try {
    const body = (await request.clone().json()) as { operationName?: unknown };
    return typeof body?.operationName === 'string' ? body.operationName : null;
  } catch {
    return null;
  }
}

/** The path of an absolute request URL, without building a URL object on every request. */
export function pathnameOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const query = url.indexOf('?', start);
  const hash = url.indexOf('#', start);
  const end = query < 0 ? (hash < 0 ? url.length : hash) : hash < 0 ? query : Math.min(query, hash);
  return url.slice(start, end);
}

export const METRICS_PATH = '/metrics';

/** GET /metrics on the main port, for `Authorization: Bearer <METRICS_TOKEN>` only (401 otherwise). */
export function useMetricsEndpoint(metrics: Metrics, token: string): Plugin {
  const expected = digest(token);
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      if (pathnameOf(request.url) !== METRICS_PATH) return;
      const presented = /^Bearer (.+)$/i.exec(request.headers.get('authorization')?.trim() ?? '')?.[1];
      // Compared as digests: equal lengths for timingSafeEqual, and nothing learnt from how long it took.
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        return endResponse(new fetchAPI.Response('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>.\n', {
          status: 401,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' },
        }));
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      endResponse(new fetchAPI.Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The METRICS_PORT server: GET /metrics without credentials (keep the port private), 404 for anything else. */
export function createMetricsServer(metrics: Metrics): Server {
  return createServer((req, res) => {
    if (pathnameOf(`http://metrics${req.url ?? '/'}`) !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at GET /metrics.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500).end(),
    );
  });
}
