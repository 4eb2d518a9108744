// Request → context: who is calling (from the Bearer token) and the app's services.
// No header = anonymous. A header that does not verify rejects the whole request with 401: a client
// with a stale token must find out, not silently see an anonymous result.
import type { Config } from './config.ts';
import type { AuthRateLimiter } from './auth/rate-limit.ts';
import type { TokenService } from './auth/tokens.ts';
import type { SessionCache } from './auth/session-cache.ts';
import type { SqlRunner } from './db/sql-runner.ts';
import { invalidAccessToken } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Bus } from './live/bus.ts';
import type { SessionWatch } from './live/session-watch.ts';
import type { Metrics } from './observability/metrics.ts';

export interface Viewer {
  userId: string;
  sessionId: string;
  tokenVersion: number;
  /** When the access token expires: live streams end then. */
  expiresAt?: Date;
}

/** Long-lived dependencies, made once per process (or per test app). */
export interface AppServices {
  config: Config;
  prisma: PrismaClient;
  /** Plain SQL for the hot paths Prisma's runtime would slow down (session check, task pages). */
  sql: SqlRunner;
  tokens: TokenService;
  rateLimiter: AuthRateLimiter;
  bus: Bus;
  sessionWatch: SessionWatch;
  /** Sessions found live a moment ago; revocations evict them on every instance. */
  sessionCache: SessionCache;
  /** Prometheus instruments (src/observability/metrics.ts). */
  metrics: Metrics;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
  /** The caller's address, for throttling. */
  clientAddress: string;
  /**
   * The account whose `user` a signup, login or refreshToken payload has shown: the rows under it are that
   * account's, whoever the token names (see viewerId), and so are the relations read after it in the same
   * request: clients send an account mutation on its own.
   */
  signedInAs?: string;
  /** On a WebSocket: closes it (code 4403 when the session ends). Absent for HTTP and SSE. */
  closeConnection?: (code: number, reason: string) => void;
}

export interface SignedInContext extends Context {
  viewer: Viewer;
}

export async function resolveViewer(services: AppServices, authorization: string | null): Promise<Viewer | null> {
  // No header, or an empty one, is anonymous: Apollo's documented auth link sends `authorization: ""` when
  // signed out. A header that holds anything else must be a valid Bearer token.
  if (authorization === null || authorization.trim() === '') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
  const claims = match ? services.tokens.verifyAccess(match[1]!) : null;
  if (!claims) throw invalidAccessToken('The access token is malformed, expired or invalid: sign in again or refresh it.');
  // The token must name a live session of a user whose token version it carries: logout and
  // changePassword end sessions (and bump the version), which revokes their access tokens at once.
  const live = await services.sessionCache.isLive(claims, async () => {
    const rows = await services.sql.query<{ expires_at: Date }>(SESSION_CHECK_SQL, [claims.sessionId, claims.userId, claims.tokenVersion], { name: 'session_check' });
    return rows[0]?.expires_at ?? null;
  });
  if (!live) throw invalidAccessToken('The access token has been revoked: sign in again or refresh it.');
  return { userId: claims.userId, sessionId: claims.sessionId, tokenVersion: claims.tokenVersion, expiresAt: claims.expiresAt };
}

// Every request runs it: plain SQL, prepared once per connection.
const SESSION_CHECK_SQL =
  'SELECT s."expires_at" FROM "sessions" s JOIN "users" u ON u."id" = s."user_id" ' +
  'WHERE s."id" = $1 AND s."user_id" = $2 AND s."revoked_at" IS NULL AND s."expires_at" > now() AND u."token_version" = $3';
