// One code path, two homes: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set, else PGlite
// (PostgreSQL compiled to WASM, in-process) persisted in DATA_DIR. Same schema, migrations and queries.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { migrate } from './migrator.ts';
import { pgliteRunner, postgresRunner, type SqlRunner } from './sql-runner.ts';

export interface Database {
  kind: 'postgres' | 'pglite';
  prisma: PrismaClient;
  /** PostgreSQL's connection pool (metrics read its counts); PGlite has none. */
  pool?: pg.Pool;
  sql: SqlRunner;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Called with the SQL text of every statement sent to the database (tests count queries with it). */
export type QueryListener = (sql: string) => void;

type PostgresOptions = {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  /** Named prepared statements for the hot queries (off behind PgBouncer's transaction pooling). */
  preparedStatements?: boolean;
  onQuery?: QueryListener;
};

export type DatabaseOptions =
  | PostgresOptions
  /** dataDir undefined = in memory (tests). */
  | {
      dataDir: string | undefined;
      onQuery?: QueryListener;
      /** Create and migrate a new data directory in this process (prepare-data-dir.ts does, for the others). */
      prepareHere?: boolean;
    };

export class DatabaseLockedError extends Error {}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return 'url' in options ? openPostgres(options) : openPglite(options.dataDir, options.onQuery, options.prepareHere);
}

/**
 * Every Prisma transaction (interactive, or a batch such as a sync page's snapshot) may wait up to 10 s to
 * start: Prisma's default of 2 s failed sync pages with "Unable to start a transaction in the given time"
 * whenever a burst of them waited for a connection (bench W6), well before the pool's own 5 s connection
 * timeout. PGlite serves one transaction at a time, so there a write may also wait its turn that long.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

async function openPostgres(options: PostgresOptions): Promise<Database> {
  // Loaded only for PostgreSQL, as PGlite is only for the embedded database.
  const [{ default: pg }, { PrismaPg }, { pgTypes }, { clientWithDeadline }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('./timestamps.ts'),
    import('./query-deadline.ts'),
  ]);
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Fail fast when the database is unreachable instead of queueing requests for minutes.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    // A database that does not answer at all (statement_timeout is its own rule): pg's query_timeout, without
    // a timer per query (src/db/query-deadline.ts).
    Client: clientWithDeadline(pg.Client, statementTimeoutMs + 2_000),
    // For the API's own SQL (task pages, the session check); Prisma passes its own parsers with each query.
    types: pgTypes,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const { onQuery } = options;
  // pool.query and transactions both end in a client's query, so watching each new client sees every statement.
  if (onQuery) pool.on('connect', (client) => watchPgClient(client, onQuery));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  const sql = postgresRunner(pool, { preparedStatements: options.preparedStatements ?? true });
  return {
    kind: 'postgres',
    prisma,
    pool,
    sql,
    migrate: () => migrate(sql),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | undefined, onQuery?: QueryListener, prepareHere = false): Promise<Database> {
  let releaseLock = () => {};
  let dataPath: string | undefined;
  if (dataDir) {
    dataPath = path.resolve(dataDir, 'pglite');
    mkdirSync(dataPath, { recursive: true });
    // initdb and the first migrations leave hundreds of MB in the process that runs them (WebAssembly memory
    // only grows): a new data directory is created and migrated by a short-lived process of its own.
    if (!prepareHere && !existsSync(path.join(dataPath, 'PG_VERSION'))) await prepareInChild(dataDir);
    releaseLock = lockDataDir(path.resolve(dataDir, 'pglite.lock'));
  }
  // Loaded only for the embedded database: PostgreSQL deployments never pay for PGlite's code in memory.
  const [{ PGlite }, { pg_trgm }, { btree_gin }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('pglite-prisma-adapter'),
  ]);
  let db: PGlite;
  try {
    db = await PGlite.create(dataPath, { extensions: { pg_trgm, btree_gin }, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  } catch (error) {
    releaseLock();
    throw error;
  }
  if (onQuery) watchPglite(db, onQuery);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db), transactionOptions: TRANSACTION_OPTIONS });
  const sql = pgliteRunner(db);
  return {
    kind: 'pglite',
    prisma,
    sql,
    migrate: () => migrate(sql),
    ping: async () => {
      await db.query('SELECT 1');
    },
    close: async () => {
      try {
        await prisma.$disconnect();
        await db.close();
      } finally {
        releaseLock();
      }
    },
  };
}

// PostgreSQL's defaults size a server: 128 MB of shared buffers alone would be most of an idle API's memory.
// One in-process connection needs little: these keep the embedded database's resident memory small.
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'wal_buffers=1MB', '-c', 'maintenance_work_mem=16MB'];

/** Runs prepare-data-dir (initdb and the migrations) in a child process; its output becomes ours. */
async function prepareInChild(dataDir: string): Promise<void> {
  const script = fileURLToPath(new URL(`./prepare-data-dir${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  // From source (npm start, tests) the child needs tsx too; the compiled server runs plain JavaScript.
  const loader = script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...loader, script, dataDir], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`could not create the database in ${dataDir}: ${stderr.trim() || `exit ${code}`}`))));
  });
}

function watchPgClient(client: pg.PoolClient, onQuery: QueryListener) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: unknown, ...rest: unknown[]) => {
    onQuery(typeof config === 'string' ? config : String((config as { text?: unknown })?.text ?? ''));
    return query(config, ...rest);
  }) as typeof client.query;
}

/** Reports every query/exec of the instance, and of the transaction handles it gives out. */
function watchPglite(db: PGlite, onQuery: QueryListener) {
  type Runner = (sql: string, ...rest: unknown[]) => Promise<unknown>;
  const watched = (run: Runner): Runner => (sql, ...rest) => {
    onQuery(sql);
    return run(sql, ...rest);
  };
  const query = db.query.bind(db) as Runner;
  const exec = db.exec.bind(db) as Runner;
  const transaction = db.transaction.bind(db);
  db.query = watched(query) as PGlite['query'];
  db.exec = watched(exec) as PGlite['exec'];
  db.transaction = ((fn) =>
    transaction((tx) =>
      fn(Object.create(tx, {
        query: { value: watched(tx.query as Runner) },
        exec: { value: watched(tx.exec as Runner) },
      })),
    )) as PGlite['transaction'];
}

// PGlite has no locking of its own: two processes writing one data directory corrupt it. A lock file
// holding our pid keeps a second process out; a lock left by a process that died is taken over.
function lockDataDir(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseLockedError(
          `The embedded database in ${path.dirname(lockFile)} is in use by another process (pid ${owner}). ` +
            'Stop that process, or give this one its own DATA_DIR (or a DATABASE_URL).',
        );
      }
      unlinkSync(lockFile);
    }
  }
  throw new DatabaseLockedError(`Could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
