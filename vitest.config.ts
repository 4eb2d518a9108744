// `npm test` runs the suite on an in-memory PGlite, and again on PostgreSQL when TEST_DATABASE_URL is
// set (each test file in a fresh database of its own, dropped afterwards).
import { defineConfig } from 'vitest/config';

const postgresUrl = process.env.TEST_DATABASE_URL;

// graphql 16 ships CJS (main) and ESM (module) builds; Node, and so Pothos and yoga, load the CJS one.
// Test files must get the same instance, or graphql's instanceof checks fail across the two.
const resolve = { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] };

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' } } },
      ...(postgresUrl ? [{ resolve, test: { ...shared, name: 'postgres', env: { TEST_DB: 'postgres' } } }] : []),
    ],
  },
});
