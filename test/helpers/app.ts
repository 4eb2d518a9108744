// The app on a fresh test database, with typed helpers that talk GraphQL over yoga.fetch.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createApp, type App, type AppOptions } from '../../src/yoga.ts';
import type { RateLimitSettings } from '../../src/auth/rate-limit.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  config: Config;
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string; headers?: Record<string, string> }): Promise<GqlResponse<T>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Signs up a fresh user and returns its tokens and ids. */
  signup(email?: string, password?: string): Promise<SignedUp>;
  close(): Promise<void>;
}

export interface SignedUp {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  userId: string;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now()}-${counter++}@example.com`;

/** The configuration of a test app, with `env` on top. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'taskapi-test-')),
    LOG_LEVEL: 'silent',
    // Generous throttles, so that only the tests about throttling meet them.
    RATE_LIMIT_PER_ACCOUNT: '1000',
    RATE_LIMIT_PER_ADDRESS: '100000',
    // Request budgets on (every test goes through them) but out of reach: tests send many requests from one address.
    COST_BUDGET_PER_USER: '100000000',
    COST_BUDGET_PER_ADDRESS: '100000000',
    ...env,
  });
}

export async function startTestApp(
  options: { env?: Record<string, string>; rateLimits?: RateLimitSettings; app?: AppOptions } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const app = createApp(config, database.db, options.rateLimits, options.app);

  const fetchApp = (p: string, init: RequestInit = {}) => Promise.resolve(app.yoga.fetch(new URL(p, 'http://test.local'), init));

  async function gql(query: string, variables?: Record<string, unknown>, opts: { token?: string; headers?: Record<string, string> } = {}) {
    const response = await fetchApp('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token && { authorization: `Bearer ${opts.token}` }),
        ...opts.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: GqlResponse['errors'] };
    return { status: response.status, headers: response.headers, ...body } as GqlResponse;
  }

  async function signup(email = uniqueEmail(), password = 'correct horse battery') {
    const res = await gql(
      `mutation ($input: SignupInput!) { signup(input: $input) { __typename ... on AuthPayload { accessToken refreshToken user { id } } ... on Error { message } } }`,
      { input: { email, password } },
    );
    const payload = res.data?.signup;
    if (payload?.__typename !== 'AuthPayload') throw new Error(`signup failed: ${JSON.stringify(res)}`);
    return { email, password, accessToken: payload.accessToken, refreshToken: payload.refreshToken, userId: payload.user.id };
  }

  return {
    app,
    database,
    config,
    gql,
    fetch: fetchApp,
    signup,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
