// Environment → typed, validated configuration. The only module that reads process.env.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

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
  TRUST_PROXY: withDefault(z.enum(['true', 'false']), 'false').transform((v) => v === 'true'),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  SHUTDOWN_TIMEOUT_SECONDS: withDefault(seconds, 10),
  REDIS_PREFIX: withDefault(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, _ . or -'), 'taskapi'),
  SESSION_CHECK_SECONDS: withDefault(seconds, 2),
  REMINDER_POLL_SECONDS: withDefault(seconds, 1),
  REMINDER_BATCH_SIZE: withDefault(z.coerce.number().int().min(1).max(10_000), 100),
  TRASH_RETENTION_DAYS: withDefault(z.coerce.number().int().min(1).max(3650), 30),
  PURGE_INTERVAL_SECONDS: withDefault(seconds, 3600),
});

export type Config = Omit<z.output<typeof envSchema>, 'JWT_SECRET'> & {
  /** The HS256 key: the UTF-8 bytes of JWT_SECRET (or of the generated development secret). */
  jwtSecret: string;
  isProduction: boolean;
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
  return { ...rest, isProduction, jwtSecret: JWT_SECRET ?? developmentSecret(rest.DATA_DIR) };
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
