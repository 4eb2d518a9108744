// The GraphQL HTTP handler: schema, per-request context, error masking, /health and /ready.
// Kept apart from server.ts so tests run it in process through yoga.fetch.
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Config } from './config.ts';
import { createAuthRateLimiter, type RateLimitSettings } from './auth/rate-limit.ts';
import { createTokenService } from './auth/tokens.ts';
import { resolveViewer, type AppServices, type Context } from './context.ts';
import type { Database } from './db/database.ts';
import { useIdempotencyKeys } from './http/idempotency.ts';
import { createBus } from './live/bus.ts';
import { createSessionWatch } from './live/session-watch.ts';
import type { Logger } from 'pino';
import { createLogger, useRequestLogging } from './logging.ts';
import { schema } from './schema/index.ts';
import { securityPlugins } from './security.ts';

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
  /** Releases what the app holds besides the database (rate-limit store). */
  close(): Promise<void>;
}

export function createApp(
  config: Config,
  db: Database,
  rateLimits: RateLimitSettings = {
    perAccount: config.RATE_LIMIT_PER_ACCOUNT,
    perAddress: config.RATE_LIMIT_PER_ADDRESS,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  },
): App {
  const logger = createLogger(config.LOG_LEVEL);
  const services: AppServices = {
    config,
    prisma: db.prisma,
    tokens: createTokenService(config),
    rateLimiter: createAuthRateLimiter(rateLimits, config.REDIS_URL),
    bus: createBus(config.REDIS_URL, config.REDIS_PREFIX),
    sessionWatch: createSessionWatch(db.prisma, config.SESSION_CHECK_SECONDS * 1000),
  };

  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // GraphiQL bundled into the page: yoga's default loads it from a CDN, which offline users cannot reach.
    // Imported on first use: the bundle is 9 MB of JavaScript (tens of MB of memory) that production never serves.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: config.isProduction ? false : { title: 'Task API', defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    batching: false,
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
        if (isExpected(error)) return error as Error;
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
      viewer: await resolveViewer(services, request?.headers.get('authorization') ?? authorizationParam(connectionParams)),
      clientAddress: clientAddress(request, req, config.TRUST_PROXY),
      ...(closeConnection && { closeConnection }),
    }),
    plugins: [
      useRequestLogging(logger),
      // Before anything else runs: a replayed response must not execute, count or validate again.
      useIdempotencyKeys(services),
      ...securityPlugins(schema, config.isProduction),
      useReadinessCheck({ endpoint: '/ready', check: () => answersWithin(db, READY_TIMEOUT_MS) }),
    ],
  });

  return {
    yoga,
    services,
    logger,
    close: async () => {
      services.sessionWatch.close();
      await Promise.all([services.rateLimiter.close(), services.bus.close()]);
    },
  };
}

const READY_TIMEOUT_MS = 2_000;

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

/** `authorization` of graphql-ws connectionParams ("Bearer <accessToken>"), or null. */
function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

function clientAddress(request: Request | undefined, req: IncomingMessage | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    // Behind a load balancer the client is the first address it reports.
    const forwarded = request?.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
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
#    Lists, labels, subtasks, sync and the rest: see
#    the Docs, and the README.
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
