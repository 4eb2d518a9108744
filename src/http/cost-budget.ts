// Request budgets: every operation spends its cost (the estimate src/security.ts limits, computed once)
// from a per-minute budget of the signed-in user and one of the client address, in Redis when REDIS_URL is
// set (shared by every instance) and in memory otherwise. Over budget: HTTP 429 with Retry-After and
// RATE_LIMITED, and nothing executes. Every executed operation reports `extensions.cost`.
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { connectRedis } from '../redis.ts';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Context } from '../context.ts';
import { LIMITS, operationCost } from '../security.ts';

export const BUDGET_WINDOW_SECONDS = 60;
/** A budget check never holds a request longer than this: past it, the request goes on unmetered. */
const REDIS_TIMEOUT_MS = 500;

export type BudgetScope = 'user' | 'address';

export interface BudgetSettings {
  /** Points per minute per signed-in user; 0 = off. */
  perUser: number;
  /** Points per minute per client address; 0 = off. */
  perAddress: number;
  redisUrl?: string;
  /** REDIS_PREFIX: keeps deployments sharing a Redis apart. */
  prefix: string;
}

/** The tighter of the caller's budgets after this operation, as `extensions.cost.throttleStatus` shows it. */
export interface ThrottleStatus {
  budget: BudgetScope;
  maximumAvailable: number;
  currentlyAvailable: number;
  /** The window is fixed: the whole budget comes back this many seconds from now. */
  resetInSeconds: number;
}

export interface Charge {
  /** Null when no budget applies (both off, or the store is unreachable: fail open). */
  throttleStatus: ThrottleStatus | null;
  /** Set when over budget: nothing was spent and the operation must not run. */
  rejected?: { budget: BudgetScope; retryAfterSeconds: number; currentlyAvailable: number };
}

export interface CostBudget {
  /** Spends `points` from the user's (when signed in) and the address's budget, or refuses both. */
  charge(points: number, userId: string | null, address: string): Promise<Charge>;
  close(): Promise<void>;
}

export function createCostBudget(settings: BudgetSettings, logger: Pick<Logger, 'warn' | 'info'>): CostBudget {
  // Its own connection: a budget check must fail fast (commandTimeout) where the login throttle may wait.
  const redis = settings.redisUrl
    ? connectRedis(settings.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: REDIS_TIMEOUT_MS })
    : undefined;
  // Once the first connection attempt has succeeded or failed, a connection that is not ready means
  // Redis is away: answer at once, unmetered, rather than wait for each command's timeout.
  let attempted = false;
  redis?.on('ready', () => (attempted = true)).on('close', () => (attempted = true));
  redis?.on('error', () => {}); // reported below, once per outage
  let failing = false;

  const make = (scope: BudgetScope, points: number): RateLimiterAbstract | null => {
    if (points === 0) return null;
    const options = { keyPrefix: `${settings.prefix}:cost:${scope}`, points, duration: BUDGET_WINDOW_SECONDS };
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
  };
  const limiters = { user: make('user', settings.perUser), address: make('address', settings.perAddress) };

  return {
    async charge(points, userId, address) {
      const checks: { scope: BudgetScope; limiter: RateLimiterAbstract; key: string }[] = [];
      if (limiters.user && userId) checks.push({ scope: 'user', limiter: limiters.user, key: userId });
      if (limiters.address) checks.push({ scope: 'address', limiter: limiters.address, key: address });
      if (checks.length === 0) return { throttleStatus: null };
      if (redis && attempted && redis.status !== 'ready') return failOpen(new Error(`Redis connection is ${redis.status}`));

      const outcomes = await Promise.allSettled(checks.map(({ limiter, key }) => limiter.consume(key, points)));
      const broken = outcomes.find((o) => o.status === 'rejected' && !(o.reason instanceof RateLimiterRes));
      if (broken) return failOpen((broken as PromiseRejectedResult).reason);
      if (failing) {
        failing = false;
        logger.info('cost budget store reachable again: budgets enforced');
      }

      const results = outcomes.map((o, i) => ({ ...checks[i]!, res: (o.status === 'fulfilled' ? o.value : o.reason) as RateLimiterRes, over: o.status === 'rejected' }));
      const over = results.filter((r) => r.over);
      if (over.length && points > 0) {
        // A refused operation spends nothing: give back what both counters took (a refusal took it too).
        void Promise.all(results.map(({ limiter, key }) => limiter.reward(key, points))).catch((error) => failOpen(error));
        const statuses = results.map((r) => throttleStatus(r.scope, r.limiter.points, r.res, points));
        const worst = statuses.filter((_, i) => results[i]!.over).reduce((a, b) => (b.resetInSeconds > a.resetInSeconds ? b : a));
        return {
          throttleStatus: tightestOf(statuses),
          rejected: { budget: worst.budget, retryAfterSeconds: worst.resetInSeconds, currentlyAvailable: worst.currentlyAvailable },
        };
      }
      return { throttleStatus: tightestOf(results.map((r) => throttleStatus(r.scope, r.limiter.points, r.res, 0))) };
    },
    async close() {
      redis?.disconnect();
    },
  };

  function failOpen(error: unknown): Charge {
    if (!failing) {
      failing = true;
      logger.warn({ err: error }, 'cost budget store unreachable: budgets not enforced until it is back (fail open)');
    }
    return { throttleStatus: null };
  }
}

/** `refunded`: points the counter holds that are about to be given back (a refused operation's). */
function throttleStatus(budget: BudgetScope, maximum: number, res: RateLimiterRes, refunded: number): ThrottleStatus {
  return {
    budget,
    maximumAvailable: maximum,
    currentlyAvailable: Math.max(0, Math.min(maximum, maximum - res.consumedPoints + refunded)),
    resetInSeconds: seconds(res.msBeforeNext),
  };
}

const tightestOf = (statuses: ThrottleStatus[]) => statuses.reduce((a, b) => (b.currentlyAvailable < a.currentlyAvailable ? b : a));

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export interface CostReport {
  requestedQueryCost: number;
  throttleStatus: ThrottleStatus | null;
}

/**
 * Charges each query and mutation before it executes, and each subscription when it starts (its events
 * are not charged). Placed before the security plugins: an operation over the single-operation limit
 * spends nothing (QUERY_TOO_COMPLEX answers it) but still reports its cost. `onRejected` is for metrics.
 */
export function useCostBudget(budget: CostBudget, onRejected?: (scope: BudgetScope) => void): Plugin {
  const charge = async (args: ExecutionArgs, stop: (result: ExecutionResult) => void): Promise<CostReport | null> => {
    const cost = operationCost(args);
    if (cost === null) return null; // variables that do not coerce: execution reports that, nothing runs
    const context = args.contextValue as Context & { request?: Request };
    // Too expensive to run: charge nothing, but still show where the budget stands.
    const points = cost > LIMITS.maxCost ? 0 : cost;
    const { throttleStatus, rejected } = await budget.charge(points, context.viewer?.userId ?? null, context.clientAddress);
    const report: CostReport = { requestedQueryCost: cost, throttleStatus };
    if (rejected) {
      onRejected?.(rejected.budget);
      stop({ errors: [rateLimited(report, rejected, Boolean(context.request))], extensions: { cost: report } });
    }
    return report;
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const report = await charge(args, setResultAndStopExecution);
      if (!report) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return; // incremental delivery is off
          setResult({ ...result, extensions: { ...result.extensions, cost: report } });
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      await charge(args, setResultAndStopExecution);
    },
  };
}

function rateLimited(report: CostReport, rejected: NonNullable<Charge['rejected']>, http: boolean): GraphQLError {
  const { retryAfterSeconds } = rejected;
  const message =
    `Request budget exceeded: this operation costs ${report.requestedQueryCost} points and the ${rejected.budget} budget ` +
    `has ${rejected.currentlyAvailable} left this minute. Retry after ${retryAfterSeconds} s.`;
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      cost: report,
      // HTTP and SSE answer 429 with Retry-After (yoga reads and strips `http`); graphql-ws has no status.
      ...(http && { http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } }),
    },
  });
}
