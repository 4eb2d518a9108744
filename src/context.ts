// Request → context: who is calling (from the Bearer token) and the app's services.
// No header = anonymous. A header that does not verify rejects the whole request with 401: a client
// with a stale token must find out, not silently see an anonymous result.
import type { Config } from './config.ts';
import type { AuthRateLimiter } from './auth/rate-limit.ts';
import type { TokenService } from './auth/tokens.ts';
import { invalidAccessToken } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Bus } from './live/bus.ts';
import type { SessionWatch } from './live/session-watch.ts';

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
  tokens: TokenService;
  rateLimiter: AuthRateLimiter;
  bus: Bus;
  sessionWatch: SessionWatch;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
  /** The caller's address, for throttling. */
  clientAddress: string;
  /** On a WebSocket: closes it (code 4403 when the session ends). Absent for HTTP and SSE. */
  closeConnection?: (code: number, reason: string) => void;
}

export interface SignedInContext extends Context {
  viewer: Viewer;
}

export async function resolveViewer(services: AppServices, authorization: string | null): Promise<Viewer | null> {
  if (authorization === null) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
  const claims = match ? services.tokens.verifyAccess(match[1]!) : null;
  if (!claims) throw invalidAccessToken('The access token is malformed, expired or invalid: sign in again or refresh it.');
  // The token must name a live session of a user whose token version it carries: logout and
  // changePassword end sessions (and bump the version), which revokes their access tokens at once.
  const session = await services.prisma.session.findFirst({
    where: {
      id: claims.sessionId,
      userId: claims.userId,
      revokedAt: null,
      expiresAt: { gt: new Date() },
      user: { tokenVersion: claims.tokenVersion },
    },
    select: { id: true },
  });
  if (!session) throw invalidAccessToken('The access token has been revoked: sign in again or refresh it.');
  return { userId: claims.userId, sessionId: claims.sessionId, tokenVersion: claims.tokenVersion, expiresAt: claims.expiresAt };
}
