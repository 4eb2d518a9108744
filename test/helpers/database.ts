// A fresh, migrated database for one test file: in-memory PGlite, or (TEST_DB=postgres) a new database
// created on the TEST_DATABASE_URL server and dropped afterwards, so runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type QueryListener } from '../../src/db/database.ts';

export const testDbKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  /** The URL of the fresh PostgreSQL database (postgres runs only). */
  url?: string;
  drop(): Promise<void>;
  /** Records the SQL of every statement sent from now on, until stop() (to count queries). */
  recordQueries(): { queries: string[]; stop(): void };
}

export async function createTestDatabase({ migrate = true, onQuery }: { migrate?: boolean; onQuery?: QueryListener } = {}): Promise<TestDatabase> {
  const listeners = new Set<QueryListener>(onQuery ? [onQuery] : []);
  const dispatch: QueryListener = (sql) => listeners.forEach((listener) => listener(sql));
  const recordQueries = () => {
    const queries: string[] = [];
    const listener: QueryListener = (sql) => queries.push(sql);
    listeners.add(listener);
    return { queries, stop: () => listeners.delete(listener) };
  };
  if (testDbKind === 'pglite') {
    const db = await openDatabase({ dataDir: undefined, onQuery: dispatch });
    if (migrate) await db.migrate();
    return { db, drop: () => db.close(), recordQueries };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `taskapi_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: 5, onQuery: dispatch });
  if (migrate) await db.migrate();
  return {
    db,
    url: url.toString(),
    recordQueries,
    drop: async () => {
      await db.close();
      await admin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
