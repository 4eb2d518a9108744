// With REDIS_URL set, every instance shares one throttle: failures seen by one app count at the other.
// Runs where a Redis server is given (REDIS_TEST_URL; .ci/run points it at the local Redis).
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueEmail, type TestApp } from './helpers/app.ts';

const redisUrl = process.env.REDIS_TEST_URL;

if (redisUrl && process.env.TEST_DB !== 'postgres') {
  describe('rate limits shared through Redis', () => {
    let first: TestApp;
    let second: TestApp;
    beforeAll(async () => {
      const options = {
        env: { REDIS_URL: redisUrl, TRUST_PROXY: 'true' },
        rateLimits: { perAccount: 3, perAddress: 1000, windowSeconds: 60 },
      };
      [first, second] = await Promise.all([startTestApp(options), startTestApp(options)]);
    });
    afterAll(async () => {
      await Promise.all([first?.close(), second?.close()]);
    });

    // A fresh address per run: Redis outlives test runs.
    const address = `198.51.100.${randomInt(1, 255)}-${Date.now()}`;
    const login = async (app: TestApp, email: string) => {
      const res = await app.gql(
        'mutation ($input: LoginInput!) { login(input: $input) { __typename ... on RateLimitedError { retryAfterSeconds } } }',
        { input: { email, password: 'wrong password' } },
        { headers: { 'x-forwarded-for': address } },
      );
      expect(res.errors).toBeUndefined();
      return res.data.login as { __typename: string; retryAfterSeconds?: number };
    };

    it('counts failures across instances', async () => {
      const email = uniqueEmail('redis');
      expect((await login(first, email)).__typename).toBe('InvalidCredentialsError');
      expect((await login(second, email)).__typename).toBe('InvalidCredentialsError');
      expect((await login(first, email)).__typename).toBe('InvalidCredentialsError');
      const limited = await login(second, email);
      expect(limited.__typename).toBe('RateLimitedError');
      expect(limited.retryAfterSeconds).toBeGreaterThan(0);
      expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
    });
  });
}
