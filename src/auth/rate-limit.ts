// Throttling of credential checks (login, signup, changePassword). Every attempt reserves a point
// before any hashing, so aliased or concurrent attempts in one request all count; a success gives the
// points back. Windows are fixed and bounded: a lockout ends when its window ends, so an attacker can
// delay the real user but never lock them out for good. In memory by default, Redis when REDIS_URL is
// set so that every instance behind a load balancer shares the counts.
import { connectRedis } from '../redis.ts';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface RateLimitSettings {
  /** Failed attempts allowed per account (email) within the window. */
  perAccount: number;
  /** Failed attempts allowed per client address within the window. */
  perAddress: number;
  windowSeconds: number;
}

export interface CredentialAttempt {
  /** Call once the credentials were accepted: gives the reserved points back. */
  succeeded(): Promise<void>;
}

export interface AuthRateLimiter {
  /** Reserves one attempt for this account and address, or throws RateLimitedError. */
  attempt(account: string, address: string): Promise<CredentialAttempt>;
  close(): Promise<void>;
}

export function createAuthRateLimiter(settings: RateLimitSettings, redisUrl?: string, metrics?: Pick<Metrics, 'rateLimited'>): AuthRateLimiter {
  // Commands wait for the connection (not lost at start-up) but give up quickly when Redis is down.
  const redis = redisUrl ? connectRedis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : undefined;
  // While Redis is away the insurance limiter below answers; ioredis reconnects by itself.
  redis?.on('error', () => {});
  const make = (keyPrefix: string, points: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix,
          points,
          duration: settings.windowSeconds,
          // If Redis is down, fall back to this instance's memory rather than failing every login.
          insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: settings.windowSeconds }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration: settings.windowSeconds });
  const byAccount = make('auth:account', settings.perAccount);
  const byAddress = make('auth:address', settings.perAddress);

  return {
    async attempt(account, address) {
      await consume(byAccount, account, () => metrics?.rateLimited.inc({ limit: 'auth_account' }));
      try {
        await consume(byAddress, address, () => metrics?.rateLimited.inc({ limit: 'auth_address' }));
      } catch (error) {
        await byAccount.reward(account, 1);
        throw error;
      }
      return {
        async succeeded() {
          await Promise.all([byAccount.delete(account), byAddress.reward(address, 1)]);
        },
      };
    },
    async close() {
      redis?.disconnect();
    },
  };
}

async function consume(limiter: RateLimiterAbstract, key: string, rejected: () => void): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      rejected();
      throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}
