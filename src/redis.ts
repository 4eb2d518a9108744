// Redis connections, with ioredis loaded on the first one: a server without REDIS_URL (the embedded
// default) never has the client in memory (bench/README.md, "PGlite's memory").
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const require = createRequire(import.meta.url);

export function connectRedis(url: string, options: RedisOptions): Redis {
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}
