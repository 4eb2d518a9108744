// `npm test` runs the suite on an in-memory PGlite, and again on PostgreSQL when TEST_DATABASE_URL is
// set (each test file in a fresh database of its own, dropped afterwards).
import { configDefaults, defineConfig } from 'vitest/config';

const postgresUrl = process.env.TEST_DATABASE_URL;

// graphql 16 ships CJS (main) and ESM (module) builds; Node, and so Pothos and yoga, load the CJS one.
// Test files must get the same instance, or graphql's instanceof checks fail across the two.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

// Tests that do not depend on the database kind (a real browser, the example client, generated files) run
// once, in the pglite project. Each also guards its describe with TEST_DB, but a file that ends up with no
// suite fails in vitest, so the postgres project leaves them out here.
const PGLITE_ONLY = ['test/graphiql.test.ts', 'test/typed-client.test.ts', 'test/apollo-possible-types.test.ts'];

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' } } },
      ...(postgresUrl ? [{ resolve, test: { ...shared, name: 'postgres', env: { TEST_DB: 'postgres' }, exclude: [...configDefaults.exclude, ...PGLITE_ONLY] } }] : []),
    ],
  },
});
