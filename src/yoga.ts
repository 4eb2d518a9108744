// The GraphQL HTTP handler: schema, per-request context, error masking, /health and /ready.
// Kept apart from server.ts so tests run it in process through yoga.fetch.
import { createYoga, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Config } from './config.ts';
import { createAuthRateLimiter, type RateLimitSettings } from './auth/rate-limit.ts';
import { createSessionCache } from './auth/session-cache.ts';
import { createTokenService } from './auth/tokens.ts';
import { resolveViewer, type AppServices, type Context } from './context.ts';
import type { Database } from './db/database.ts';
import { createCostBudget, useCostBudget } from './http/cost-budget.ts';
import { useIdempotencyKeys } from './http/idempotency.ts';
import { createViewers } from './http/viewer.ts';
import { useCompiledQueries } from './http/jit.ts';
import { persistedDocuments, type PersistedDocuments } from './http/persisted-operations.ts';
import { createBus } from './live/bus.ts';
import { createSessionWatch } from './live/session-watch.ts';
import { collectProcessMetrics, countPublished, createMetrics, metricsExposed, useMetricsEndpoint, useRequestMetrics } from './observability/metrics.ts';
import type { Tracing } from './observability/tracing.ts';
import type { Logger } from 'pino';
import { createLogger, useRequestLogging } from './logging.ts';
import { schema } from './schema/index.ts';
import { LIMITS, securityPlugins, useBodyLimit, useQueryStringParams } from './security.ts';

/** What the HTTP server (req) or the WebSocket layer (connectionParams, closeConnection) hands each operation. */
export interface ServerContext {
  req?: IncomingMessage;
  connectionParams?: Readonly<Record<string, unknown>>;
  closeConnection?: (code: number, reason: string) => void;
}

export interface App {
  yoga: YogaServerInstance<ServerContext, Context>;
  services: AppServices;
  logger: Logger;
  /** Trusted documents and APQ: graphql-ws resolves its subscribe payloads through it too. */
  documents: PersistedDocuments;
  /** Releases what the app holds besides the database (rate-limit and budget stores, bus). */
  close(): Promise<void>;
}

export interface AppOptions {
  /** From createTracing (src/observability/tracing.ts) when tracing is on; the app shuts it down on close. */
  tracing?: Tracing | null;
}

export function createApp(
  config: Config,
  db: Database,
  rateLimits: RateLimitSettings = {
    perAccount: config.RATE_LIMIT_PER_ACCOUNT,
    perAddress: config.RATE_LIMIT_PER_ADDRESS,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  },
  { tracing }: AppOptions = {},
): App {
  const logger = createLogger(config.LOG_LEVEL);
  const metrics = createMetrics();
  const bus = countPublished(createBus(config.REDIS_URL, config.REDIS_PREFIX), metrics);
  const services: AppServices = {
    config,
    prisma: db.prisma,
    sql: tracing ? tracing.traceSql(db.sql) : db.sql,
    tokens: createTokenService(config),
    rateLimiter: createAuthRateLimiter(rateLimits, config.REDIS_URL, metrics),
    bus,
    sessionWatch: createSessionWatch(db.prisma, config.SESSION_CHECK_SECONDS * 1000),
    sessionCache: createSessionCache(bus, config.SESSION_CACHE_SECONDS, (message, error) => logger.warn({ err: error }, message)),
    metrics,
  };
  // Nobody can read metrics that are not exposed: then the per-request plugin and process metrics stay out.
  const exposed = metricsExposed(config);
  if (exposed) collectProcessMetrics(metrics, db.pool);
  const documents = persistedDocuments(config.PERSISTED_OPERATIONS, config.persistedDocuments);
  const viewers = createViewers(services);
  const costBudget = createCostBudget(
    { perUser: config.COST_BUDGET_PER_USER, perAddress: config.COST_BUDGET_PER_ADDRESS, redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX },
    logger,
  );

  const yoga = createYoga<ServerContext, Context>({
    schema: tracing ? tracing.instrument(schema) : schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // GraphiQL bundled into the page: yoga's default loads it from a CDN, which offline users cannot reach.
    // Imported on first use: the bundle is 9 MB of JavaScript (tens of MB of memory) that production never serves.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: config.isProduction ? false : { title: 'Task API', defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    batching: false,
    // Enforced by useBodyLimit (src/security.ts), which does not stream bodies that state their length.
    maxRequestBodySize: false,
    // Unexpected errors are logged once, with their cause, by maskError below.
    logging: {
      debug: (...args: unknown[]) => logger.debug({ yoga: args.map(String) }),
      info: (...args: unknown[]) => logger.info({ yoga: args.map(String) }),
      warn: (...args: unknown[]) => logger.warn({ yoga: args.map(String) }),
      error: () => {},
    },
    maskedErrors: {
      // Expected errors (GraphQLErrors we raise: BAD_USER_INPUT, UNAUTHENTICATED, …) pass through;
      // anything else is an internal failure: a generic message, no stack, SQL or Prisma text.
      maskError: (error, message) => {
        if (isExpected(error)) return withRequestErrorCode(error as GraphQLError);
        logger.error({ err: error instanceof GraphQLError ? (error.originalError ?? error) : error }, 'unexpected error');
        return new GraphQLError(message, {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
          ...(error instanceof GraphQLError && { path: error.path, nodes: error.nodes }),
        });
      },
    },
    // HTTP and SSE carry the token in the Authorization header; a WebSocket in connectionParams
    // (src/live/websocket.ts passes them, with a way to close the socket).
    context: async ({ request, req, connectionParams, closeConnection }) => ({
      ...services,
      viewer: await (request ? viewers.of(request) : resolveViewer(services, authorizationParam(connectionParams))),
      clientAddress: clientAddress(request, req, config.TRUST_PROXY),
      ...(closeConnection && { closeConnection }),
    }),
    plugins: [
      ...(tracing ? [tracing.plugin] : []),
      useRequestLogging(logger),
      ...(config.METRICS_TOKEN ? [useMetricsEndpoint(metrics, config.METRICS_TOKEN)] : []),
      // Before the plugins that may answer early (idempotency, budgets), so their answers are counted too.
      ...(exposed ? [useRequestMetrics(metrics, '/graphql')] : []),
      // Before anything reads the body (yoga's own limit is off: maxRequestBodySize above).
      useBodyLimit(LIMITS.maxBodyBytes),
      // The caller, before anything parses the body: a bad token is 401 whatever the request holds.
      viewers.plugin,
      useQueryStringParams(),
      // Before anything else runs: a replayed response must not execute, count or validate again.
      useIdempotencyKeys(services, viewers, documents),
      // documentId / APQ hash -> the document, before anything parses it.
      ...documents.plugins,
      // Before the cost limit: an operation it refuses still reports its cost, and spends nothing.
      useCostBudget(costBudget, (scope) => metrics.rateLimited.inc({ limit: `cost_${scope}` })),
      ...securityPlugins(config.isProduction),
      readinessCheck(db),
      ...useCompiledQueries(),
    ],
  });

  return {
    yoga,
    services,
    logger,
    documents,
    close: async () => {
      services.sessionWatch.close();
      services.sessionCache.close();
      await Promise.all([services.rateLimiter.close(), services.bus.close(), costBudget.close(), tracing?.shutdown()]);
    },
  };
}

const READY_TIMEOUT_MS = 2_000;

/**
 * yoga's readiness check on /ready. It matches every request's URL against a URLPattern (2 % of the CPU
 * of a small query), so it only sees the requests whose URL names /ready at all.
 */
function readinessCheck(db: Database): Plugin {
  const check = useReadinessCheck({ endpoint: '/ready', check: () => answersWithin(db, READY_TIMEOUT_MS) });
  return {
    onYogaInit: check.onYogaInit,
    onRequest: (payload) => (payload.request.url.includes('/ready') ? check.onRequest?.(payload) : undefined),
  };
}

/** Whether the database answers in time: a load balancer's probe must not hang on a dead database. */
async function answersWithin(db: Database, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([db.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isExpected(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const original = error.originalError;
  return !original || (original instanceof GraphQLError && isExpected(original));
}

/**
 * The executor refuses a request whose variables are missing or do not coerce with HTTP 400 and no code:
 * like every client error, it gets one, BAD_USER_INPUT.
 */
function withRequestErrorCode(error: GraphQLError): GraphQLError {
  const extensions = error.extensions as { code?: unknown; http?: { status?: number } };
  if (extensions.code === undefined && extensions.http?.status === 400) {
    return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...extensions, code: 'BAD_USER_INPUT' } });
  }
  return error;
}

/** `authorization` of graphql-ws connectionParams ("Bearer <accessToken>"), or null. */
function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

/**
 * The client's address for the login throttle and the budgets. Behind `proxies` trusted proxies (TRUST_PROXY)
 * each one appends the address it saw to X-Forwarded-For, so the client is that many entries from the end;
 * whatever a client sends in its own header comes before them and is ignored. Over HTTP the header is the
 * request's, over graphql-ws the upgrade request's.
 */
function clientAddress(request: Request | undefined, req: IncomingMessage | undefined, proxies: number): string {
  if (proxies > 0) {
    const header = request?.headers.get('x-forwarded-for') ?? [req?.headers['x-forwarded-for'] ?? []].flat().join(',');
    const entries = header.split(',').map((entry) => entry.trim()).filter(Boolean);
    // Fewer entries than proxies (a proxy that sent none): the farthest one there is.
    if (entries.length) return entries[Math.max(0, entries.length - proxies)]!;
  }
  return req?.socket.remoteAddress ?? 'unknown';
}

// What GraphiQL shows on first visit: a short guide plus operations that run as they are (checked
// against the schema by test/graphiql.test.ts). Lines stay short enough for GraphiQL's editor pane.
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to the Task API.
#
# 1. Click inside Signup below, change the email and
#    press Ctrl-Enter (or the run button). Next time
#    use login(input: { email, password }).
# 2. Open "Headers" below and paste, with the token
#    from the result:
#      { "Authorization": "Bearer <accessToken>" }
# 3. Run CreateTask, then MyTasks. For the next page
#    set "Variables": { "after": "<endCursor>" }
# 4. Run Live (it keeps running) and change something
#    in another tab: each change arrives as it commits.
#
# Also in the API (the Docs pane describes each):
# lists and labels (createTaskList, createLabel, then
# listId / labelIds), subtasks (parentId), manual
# order (moveTask), repeating tasks (recurrence),
# reminders (remindAt, subscription reminders),
# versions (expectedVersion -> StaleTaskError), the
# trash (restoreTask), bulk edits (updateTasks) and
# sync for offline clients. Apollo and urql setups:
# examples/README.md in the repository.
#
# Access tokens expire after a few minutes: call
# refreshToken(input: { refreshToken }) for a new pair.
# The Docs button (top left) describes every field.

mutation Signup {
  signup(input: {
    email: "you@example.com"
    password: "a long password"
  }) {
    __typename
    ... on AuthPayload { accessToken refreshToken }
    ... on Error { message }
  }
}

mutation CreateTask {
  createTask(input: {
    title: "Try the Task API"
    priority: HIGH
  }) {
    ... on TaskPayload { task { id title priority } }
    ... on ValidationError { fieldErrors { path message } }
  }
}

query MyTasks($after: String) {
  me { email taskLists { id name openTaskCount } }
  tasks(first: 10, after: $after) {
    totalCount
    edges { node { id title completed dueAt priority } }
    pageInfo { hasNextPage endCursor }
  }
}

subscription Live {
  changes {
    kind nodeType nodeId
    node { ... on Task { title completed version } }
  }
}
`;
