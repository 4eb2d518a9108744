// Prisma CLI configuration. The CLI is used only for `prisma generate` here (see
// prisma/schema-engine-stub.sh); migrations are applied by src/db/migrator.ts, in Prisma's layout, so
// `prisma migrate deploy` can take over the same history on a machine that has the schema engine.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
