// The few raw-SQL operations the migrator and the readiness probe need, for both database homes.
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlRunner {
  /** Runs a script that may hold several statements (simple query protocol, no parameters). */
  exec(sql: string): Promise<void>;
  /**
   * One statement. With a `name`, PostgreSQL prepares it once per connection and reuses the plan (unless
   * prepared statements are off, for PgBouncer's transaction pooling); PGlite ignores the name.
   */
  query<Row>(sql: string, params?: unknown[], options?: { name?: string }): Promise<Row[]>;
  /** Runs fn in one transaction on one connection: all of it commits, or none of it. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Runs fn while holding a session-level lock, so two processes never migrate at once. */
  withLock<T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T>;
}

// Arbitrary but fixed: the advisory lock key that serialises migrations across processes.
const MIGRATION_LOCK_KEY = 72_707_369;

type PgQueryable = pg.Pool | pg.PoolClient;

function pgRunner(client: PgQueryable, pool: pg.Pool, prepare: boolean): SqlRunner {
  const runner: SqlRunner = {
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row>(sql: string, params: unknown[] = [], options?: { name?: string }) {
      const name = prepare ? options?.name : undefined;
      return (await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as Row[];
    },
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>) {
      const conn = 'release' in client ? client : await pool.connect();
      try {
        await conn.query('BEGIN');
        try {
          const result = await fn(pgRunner(conn, pool, prepare));
          await conn.query('COMMIT');
          return result;
        } catch (error) {
          await conn.query('ROLLBACK');
          throw error;
        }
      } finally {
        if (conn !== client) conn.release();
      }
    },
    async withLock(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          return await fn(pgRunner(conn, pool, prepare));
        } finally {
          await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        conn.release();
      }
    },
  };
  return runner;
}

export function postgresRunner(pool: pg.Pool, { preparedStatements = true } = {}): SqlRunner {
  return pgRunner(pool, pool, preparedStatements);
}

type PGliteQueryable = Pick<PGlite, 'exec' | 'query'>;

function pgliteQueryRunner(db: PGliteQueryable, root: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>) {
      return root.transaction(async (tx) => fn(pgliteQueryRunner(tx, root)));
    },
    // PGlite is single-connection and the data directory is locked to one process (see database.ts).
    async withLock(fn) {
      return fn(this);
    },
  };
}

export function pgliteRunner(db: PGlite): SqlRunner {
  return pgliteQueryRunner(db, db);
}
