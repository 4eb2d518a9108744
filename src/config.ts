// Environment → typed, validated configuration. The only module that reads process.env.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadManifests, type Manifest } from './http/persisted-operations.ts';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(emptyToUndefined, schema.default(fallback as never));
const seconds = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: withDefault(z.enum(['development', 'production', 'test']), 'development'),
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), 4000),
  HOST: withDefault(z.string().min(1), '0.0.0.0'),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL (leave it unset for the embedded database)'),
  ),
  DATABASE_POOL_SIZE: withDefault(z.coerce.number().int().min(1).max(1000), 10),
  DATABASE_PREPARED_STATEMENTS: withDefault(z.enum(['true', 'false']), 'true').transform((v) => v === 'true'),
  DATA_DIR: withDefault(z.string().min(1), './.data'),
  JWT_SECRET: optional(
    z.string().refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes long'),
  ),
  JWT_ISSUER: withDefault(z.string().min(1), 'taskapi'),
  JWT_AUDIENCE: withDefault(z.string().min(1), 'taskapi'),
  ACCESS_TOKEN_TTL_SECONDS: withDefault(seconds, 15 * 60),
  SESSION_TTL_SECONDS: withDefault(seconds, 30 * 24 * 60 * 60),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')),
  RATE_LIMIT_PER_ACCOUNT: withDefault(z.coerce.number().int().positive(), 10),
  RATE_LIMIT_PER_ADDRESS: withDefault(z.coerce.number().int().positive(), 100),
  RATE_LIMIT_WINDOW_SECONDS: withDefault(seconds, 15 * 60),
  // Query cost per minute (README "Request budgets"); 0 turns that budget off.
  COST_BUDGET_PER_USER: withDefault(z.coerce.number().int().min(0), 500_000),
  COST_BUDGET_PER_ADDRESS: withDefault(z.coerce.number().int().min(0), 1_000_000),
  // How many proxies in front of the API append to X-Forwarded-For (README "Request budgets"): 0 = none.
  TRUST_PROXY: withDefault(z.string().regex(/^(true|false|\d{1,2})$/, 'must be true, false or the number of proxies in front of the API'), 'false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  SHUTDOWN_TIMEOUT_SECONDS: withDefault(seconds, 10),
  REDIS_PREFIX: withDefault(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, _ . or -'), 'taskapi'),
  SESSION_CHECK_SECONDS: withDefault(seconds, 2),
  SESSION_CACHE_SECONDS: withDefault(z.coerce.number().int().min(0).max(3600), 10),
  REMINDER_POLL_SECONDS: withDefault(seconds, 1),
  REMINDER_BATCH_SIZE: withDefault(z.coerce.number().int().min(1).max(10_000), 100),
  TRASH_RETENTION_DAYS: withDefault(z.coerce.number().int().min(1).max(3650), 30),
  PURGE_INTERVAL_SECONDS: withDefault(seconds, 3600),
  // How long a request holds its Idempotency-Key: a retry after a crash waits this long. Longer than any request.
  IDEMPOTENCY_LEASE_SECONDS: withDefault(z.coerce.number().int().min(1).max(3600), 60),
  // Prometheus metrics (README "Metrics"): on a port of their own, and/or on PORT behind a bearer token.
  METRICS_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters')),
  // Traces over OTLP/HTTP (README "Tracing"): unset = tracing off.
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL (the collector; /v1/traces is appended)')),
  OTEL_SERVICE_NAME: withDefault(z.string().min(1), 'taskapi'),
  OTEL_TRACES_SAMPLER_ARG: withDefault(z.coerce.number().min(0).max(1), 1),
  // Trusted documents (README "Trusted documents"): off | allow (ids and any query) | only (manifest ids only).
  PERSISTED_OPERATIONS: withDefault(z.enum(['off', 'allow', 'only']), 'allow'),
  // Comma-separated manifest files; unset = the examples' committed manifests that exist.
  PERSISTED_DOCUMENTS: optional(z.string().transform((list) => list.split(',').map((file) => file.trim()).filter(Boolean))),
});

export type Config = Omit<z.output<typeof envSchema>, 'JWT_SECRET'> & {
  /** The HS256 key: the UTF-8 bytes of JWT_SECRET (or of the generated development secret). */
  jwtSecret: string;
  isProduction: boolean;
  /** The trusted documents of PERSISTED_DOCUMENTS (empty when PERSISTED_OPERATIONS=off). */
  persistedDocuments: Manifest;
};

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const { JWT_SECRET, ...rest } = parsed.data;
  const isProduction = rest.NODE_ENV === 'production';
  if (isProduction && !JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: is required when NODE_ENV=production (at least 32 bytes)');
  }
  if (rest.METRICS_PORT !== undefined && rest.METRICS_PORT === rest.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT (to serve metrics on PORT, set METRICS_TOKEN)');
  }
  return { ...rest, isProduction, jwtSecret: JWT_SECRET ?? developmentSecret(rest.DATA_DIR), persistedDocuments: trustedDocuments(rest) };
}

// Read at start-up, so a missing or bad manifest stops the server like any bad setting.
function trustedDocuments(config: Pick<Config, 'PERSISTED_OPERATIONS' | 'PERSISTED_DOCUMENTS'>): Manifest {
  if (config.PERSISTED_OPERATIONS === 'off') return new Map();
  let manifest: Manifest;
  try {
    manifest = loadManifests(config.PERSISTED_DOCUMENTS);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  PERSISTED_DOCUMENTS: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (config.PERSISTED_OPERATIONS === 'only' && manifest.size === 0) {
    throw new ConfigError('Invalid configuration:\n  PERSISTED_DOCUMENTS: PERSISTED_OPERATIONS=only needs at least one manifest with documents');
  }
  return manifest;
}

// In development a secret is generated once and kept in DATA_DIR, so tokens survive restarts.
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
