// Configuration is parsed once, and a bad value stops start-up naming the variable.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'taskapi-config-'));

describe('config', () => {
  it('has working defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config).toMatchObject({ PORT: 4000, HOST: '0.0.0.0', NODE_ENV: 'development', ACCESS_TOKEN_TTL_SECONDS: 900 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['JWT_SECRET', 'too-short'],
    ['NODE_ENV', 'staging'],
    ['ACCESS_TOKEN_TTL_SECONDS', '-5'],
    ['REDIS_URL', 'localhost:6379'],
    ['RATE_LIMIT_PER_ACCOUNT', '0'],
    ['RATE_LIMIT_WINDOW_SECONDS', 'soon'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(new RegExp(name));
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(/JWT_SECRET/);
    const secret = 'p'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).jwtSecret).toBe(secret);
  });

  it('counts JWT_SECRET length in bytes', () => {
    // 11 three-byte characters = 33 bytes
    expect(loadConfig({ JWT_SECRET: '€'.repeat(11), DATA_DIR: dataDir() }).jwtSecret).toBe('€'.repeat(11));
  });

  it('generates a development secret once and keeps it in DATA_DIR', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
    expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });
});
