// `npm test` runs the suite on an in-memory PGlite, and again on PostgreSQL when TEST_DATABASE_URL is
// set (each test file in a fresh database of its own, dropped afterwards). The Redis tests run when
// REDIS_TEST_URL names a Redis server (.ci/run sets it): the throttle and the shared budgets once, the
// two-instance test and the crash drill on PostgreSQL.
import { configDefaults, defineConfig } from 'vitest/config';

const postgresUrl = process.env.TEST_DATABASE_URL;

// graphql 16 ships CJS (main) and ESM (module) builds; Node, and so Pothos and yoga, load the CJS one.
// Test files must get the same instance, or graphql's instanceof checks fail across the two.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

// Tests that do not depend on the database kind (a real browser, the example client, generated files,
// the shared Redis throttle) run once, in the pglite project. Each also guards its describe, but vitest
// fails a file that ends up with no suite, so the files are left out here rather than skipped.
const PGLITE_ONLY = [
  'test/graphiql.test.ts',
  'test/browser-helper.test.ts',
  'test/typed-client.test.ts',
  'test/web-app.test.ts',
  'test/apollo-possible-types.test.ts',
  'test/readme-examples.test.ts',
  'test/auth-redis.test.ts',
  'test/cost-budget.test.ts',
  'test/cost-budget-redis.test.ts',
];
// Two app instances (or server processes) on one PostgreSQL database and Redis (separate pools, concurrent schedulers).
const POSTGRES_ONLY = ['test/multi-instance.test.ts', 'test/crash-drill.test.ts'];
const NEEDS_REDIS = process.env.REDIS_TEST_URL ? [] : ['test/auth-redis.test.ts', 'test/multi-instance.test.ts', 'test/cost-budget-redis.test.ts', 'test/crash-drill.test.ts'];

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' }, exclude: [...configDefaults.exclude, ...POSTGRES_ONLY, ...NEEDS_REDIS] },
      },
      ...(postgresUrl
        ? [{
            resolve,
            test: { ...shared, name: 'postgres', env: { TEST_DB: 'postgres' }, exclude: [...configDefaults.exclude, ...PGLITE_ONLY, ...NEEDS_REDIS] },
          }]
        : []),
    ],
  },
});
