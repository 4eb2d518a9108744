// Shared by the benchmark's seed, runner and floor server: who the bench users are, what the bench
// database is, and small helpers. Nothing here touches the application's code paths.
import pg from 'pg';

export const DEFAULT_BENCH_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/bench_api';

export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL || DEFAULT_BENCH_DATABASE_URL;
}

/** Bench user n (1..N have tasksPerUser tasks each; 0 is the search user with SEARCH_USER_TASKS tasks). */
export const benchEmail = (n: number) => `bench-user-${n}@example.com`;
export const benchPassword = (n: number) => `bench-password-${n}`;

export const SEARCH_USER = 0;
export const SEARCH_USER_TASKS = 100_000;
/** W5's search term: about 0.5 % of the seeded titles contain it (see TITLE_SQL in seed.ts). */
export const SEARCH_TERM = 'invoice';

/** Stored as the bench database's COMMENT: a database without it is never dropped by the seeder. */
export interface SeedMarker {
  tool: 'taskapi-bench';
  version: number;
  users: number;
  tasksPerUser: number;
  searchUserTasks: number;
  /** Every seeded task was created at or before this instant; later tasks were made by a bench run. */
  createdUntil: string;
  seededAt: string;
  /** False while seeding: an interrupted seed is redone by the next run. */
  complete: boolean;
}
export const SEED_VERSION = 1;

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsupported bench database name "${name}" (letters, digits, _)`);
  return name;
}

/** The same server, database "postgres": to create, inspect or drop the bench database. */
export function adminUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The bench marker of the database, null when it does not exist, 'foreign' when it is not a bench database. */
export async function readMarker(url: string): Promise<SeedMarker | null | 'foreign'> {
  const name = databaseName(url);
  return withClient(adminUrl(url), async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    if (rows.length === 0) return null;
    try {
      const marker = JSON.parse(rows[0]!.comment ?? '') as SeedMarker;
      return marker.tool === 'taskapi-bench' ? marker : 'foreign';
    } catch {
      return 'foreign';
    }
  });
}

export function parseArgs(argv: string[]): Map<string, string | true> {
  const args = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (inline !== undefined) args.set(key, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) args.set(key, argv[++i]!);
    else args.set(key, true);
  }
  return args;
}

export function intArg(args: Map<string, string | true>, key: string, fallback: number, min = 0): number {
  const raw = args.get(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${key} must be an integer >= ${min} (got ${String(raw)})`);
  return value;
}

export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One progress line: rewritten in place on a terminal, else printed at most once a second. */
let lastProgress = Date.now();
export function progress(line: string, done = false) {
  if (process.stdout.isTTY) {
    process.stdout.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
    return;
  }
  const now = Date.now();
  if (done || now - lastProgress >= 1000) console.log(line);
  lastProgress = done ? now : lastProgress === 0 || now - lastProgress >= 1000 ? now : lastProgress;
}
