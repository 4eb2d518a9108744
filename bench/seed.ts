// Seeds the benchmark database: the project's own migrations, then users and tasks with set-based SQL
// (INSERT … SELECT over generate_series), in chunks so progress shows. 1,000 users x 1,000 tasks plus a
// search user with 100,000 tasks is about 1.1 M rows and takes seconds, not a million API calls.
//
//   npm run bench:seed -- --users 1000 --tasks-per-user 1000 [--search-tasks 100000]
//
// Layout of the data:
// - users bench-user-<n>@example.com / password bench-password-<n>, n = 1..N, each with M tasks, and the
//   search user n = 0 (same naming) with --search-tasks tasks for W5. Every user has a real argon2id hash of
//   its own password, made with the application's parameters. Hashing 1,000 passwords takes about a minute
//   on 2 cores, so hashes are kept in bench/results/password-hashes.tmp (git-ignored) and in the previous
//   bench database, and reused while their parameters match: re-seeding then costs no hashing.
// - tasks are created in interleaved time order over the year before seeding, as real traffic would
//   create them: physically, consecutive rows belong to different users, so a page of one user's tasks
//   touches as many heap pages as in production, not one. Ids are UUIDv7 of created_at like the app's.
// - titles are drawn from word lists ("Review the budget spreadsheet before Friday"); 0.5 % of them name
//   "the overdue invoice" (W5 searches "invoice"), 25 % of tasks have a description, 40 % are completed,
//   30 % have a due date, priorities are skewed towards NONE.
//
// The target database is dropped and recreated: the seeder refuses to do that to a database that exists,
// has tables, and does not carry the bench marker (its COMMENT).
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import argon2 from 'argon2';
import pg from 'pg';
import { ARGON2_OPTIONS } from '../src/auth/passwords.ts';
import { migrate } from '../src/db/migrator.ts';
import { postgresRunner } from '../src/db/sql-runner.ts';
import {
  adminUrl,
  benchDatabaseUrl,
  benchEmail,
  benchPassword,
  databaseName,
  fmtInt,
  intArg,
  parseArgs,
  progress,
  readMarker,
  SEARCH_USER_TASKS,
  SEED_VERSION,
  seconds,
  withClient,
  type SeedMarker,
} from './common.ts';

export interface SeedOptions {
  url: string;
  users: number;
  tasksPerUser: number;
  searchUserTasks: number;
}

const DAY_MS = 86_400_000;
const SPAN_MS = 365 * DAY_MS;
/** Rows per INSERT … SELECT at most (about: chunks are whole task numbers k across all users). */
const CHUNK_ROWS = 100_000;

const VERBS = [
  'Write', 'Review', 'Update', 'Fix', 'Call about', 'Email', 'Prepare', 'Plan', 'Schedule', 'Book', 'Order', 'Clean up',
  'Organize', 'Draft', 'Send', 'Check', 'Finish', 'Research', 'Buy', 'Renew', 'Submit', 'Pay', 'Test', 'Archive',
];
const OBJECTS = [
  'the quarterly report', 'team meeting notes', 'the project proposal', 'the grocery list', 'the dentist appointment',
  'flight tickets', 'the website copy', 'the budget spreadsheet', 'the client presentation', 'onboarding docs',
  'car insurance', 'the garden shed', 'a birthday gift', 'the conference talk', 'release notes', 'the database backup',
  'the landing page', 'the tax return', 'the hotel booking', 'the kitchen sink', 'a blog post', 'design mockups',
  'the API documentation', 'the expense report', 'the performance review', 'the newsletter', 'support tickets',
  'the vendor contract', 'the training plan', 'the user survey', 'the sprint backlog', 'the holiday schedule',
  'the server migration', 'the office lease', 'the annual budget', 'the hiring pipeline', 'the security audit',
  'the product roadmap', 'the parking permit',
];
const RARE_OBJECT = 'the overdue invoice';
const SUFFIXES = [
  'for Monday', 'before Friday', 'with Alex', 'with the design team', 'for the Q3 review', '(urgent)', 'this week',
  'next sprint', 'after lunch', 'for the board meeting', 'before the holidays', 'again', 'with Sam', 'tomorrow',
  'by end of month', 'for Maria',
];
const DESCRIPTIONS = [
  'Check the numbers with finance first.', 'Notes are in the shared drive.', 'Blocked until legal replies.',
  'Ask Alex for the latest version.', 'Keep it under two pages.', 'Remember to attach the screenshots.',
  'Follow up if there is no answer by Thursday.', 'Low effort, high impact.', 'See last year for a template.',
  'Needs sign-off from the team lead.', 'Split into smaller steps if it drags on.', 'Bring the laptop charger.',
];

// One row per (user n, task k). g is a global row number (unique); h(i) a deterministic hash of it.
// $1 users N, $2 tasks per user M, $3 search-user tasks B, $4 first ms (epoch), $5 span ms,
// $6/$7 k range of the N users, $8/$9 k range of the search user, $10..$13 word lists.
const h = (i: number) => `((hashint8(g * 16 + ${i})::bigint + 2147483648))`;
// Completed 1 to 72 hours after creation, but not after the end of the seeded time span.
const COMPLETED_AT = `least(created_at + make_interval(hours => (${h(6)} % 72)::int + 1), to_timestamp(($4::bigint + $5::bigint) / 1000.0))`;
const TASKS_SQL = `
WITH bench_user_ids AS MATERIALIZED (SELECT substring(email FROM '^bench-user-(\\d+)@')::int AS n, id FROM users)
INSERT INTO tasks (id, user_id, title, description, completed, completed_at, due_at, priority, created_at, updated_at)
SELECT
  (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(g::text), 1, 3) || substr('89ab', (${h(0)} % 4)::int + 1, 1)
     || substr(md5(g::text), 4, 15))::uuid,
  user_id,
  ($10::text[])[(${h(1)} % cardinality($10::text[]))::int + 1] || ' ' ||
    CASE WHEN ${h(2)} % 200 = 0 THEN '${RARE_OBJECT}' ELSE ($11::text[])[(${h(2)} % cardinality($11::text[]))::int + 1] END ||
    CASE WHEN ${h(3)} % 2 = 0 THEN '' ELSE ' ' || ($12::text[])[(${h(3)} / 2 % cardinality($12::text[]))::int + 1] END,
  CASE WHEN ${h(4)} % 4 = 0
       THEN ($13::text[])[(${h(4)} / 4 % cardinality($13::text[]))::int + 1]
            || CASE WHEN ${h(5)} % 1000 = 0 THEN ' Invoice number is in the email.' ELSE '' END
  END,
  ${h(6)} % 10 < 4,
  CASE WHEN ${h(6)} % 10 < 4 THEN ${COMPLETED_AT} END,
  CASE WHEN ${h(7)} % 10 < 3 THEN created_at + make_interval(days => (${h(7)} % 30)::int + 1) END,
  (CASE WHEN ${h(8)} % 10 < 5 THEN 0 WHEN ${h(8)} % 10 < 7 THEN 1 WHEN ${h(8)} % 10 < 9 THEN 2 ELSE 3 END)::smallint,
  created_at,
  CASE WHEN ${h(6)} % 10 < 4 THEN ${COMPLETED_AT} ELSE created_at END
FROM (
  SELECT g, user_id, ms, to_timestamp(ms / 1000.0) AS created_at
  FROM (
    -- the N users: task k of user n sits at (k + (n-1)/N) / M of the time span
    SELECT k::bigint * $1::int + (u.n - 1) AS g, u.id AS user_id,
           $4::bigint + floor((k + (u.n - 1)::float8 / $1::int) / $2::int * $5::bigint)::bigint AS ms
    FROM generate_series($6::int, $7::int - 1) AS k
    CROSS JOIN (SELECT n, id FROM bench_user_ids WHERE n >= 1) AS u
    UNION ALL
    -- the search user: task k at (k + 0.5) / B of the span
    SELECT $1::int::bigint * $2::int + k AS g, (SELECT id FROM bench_user_ids WHERE n = 0),
           $4::bigint + floor((k + 0.5) / $3::int * $5::bigint)::bigint AS ms
    FROM generate_series($8::int, $9::int - 1) AS k
  ) AS rows
) AS timed
ORDER BY ms, g`;

export async function seed(options: SeedOptions): Promise<SeedMarker> {
  const { url, users, tasksPerUser, searchUserTasks } = options;
  const name = databaseName(url);
  const started = performance.now();
  const total = users * tasksPerUser + searchUserTasks;
  console.log(
    `Seeding ${name}: ${fmtInt(users)} users x ${fmtInt(tasksPerUser)} tasks + search user with ${fmtInt(searchUserTasks)} tasks = ${fmtInt(total)} tasks`,
  );

  // Reuse the hashes of earlier seeds (same password per user, same argon2 parameters).
  const previous = await readMarker(url);
  const knownHashes = readHashCache();
  if (previous === 'foreign') {
    const tables = await withClient(url, async (c) =>
      (await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n as number);
    if (tables > 0) {
      throw new Error(
        `Refusing to seed ${name}: it exists, has tables and is not a bench database (no bench marker). ` +
          'Point BENCH_DATABASE_URL at another database name.',
      );
    }
  } else if (previous) {
    await withClient(url, async (c) => {
      const { rows } = await c.query<{ email: string; password_hash: string }>(
        `SELECT email, password_hash FROM users WHERE email LIKE 'bench-user-%' AND password_hash <> ''`,
      ).catch(() => ({ rows: [] }));
      for (const row of rows) if (!argon2.needsRehash(row.password_hash, ARGON2_OPTIONS)) knownHashes.set(row.email, row.password_hash);
    });
  }

  await withClient(adminUrl(url), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
    // Marked at once, so that an interrupted seed can be redone without the "not a bench database" refusal.
    const partial = { tool: 'taskapi-bench', version: SEED_VERSION, complete: false };
    await c.query(`COMMENT ON DATABASE "${name}" IS '${JSON.stringify(partial)}'`);
  });

  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  try {
    let t = performance.now();
    const applied = await migrate(postgresRunner(pool));
    console.log(`  migrations: ${applied.join(', ')} (${seconds(performance.now() - t)})`);

    const db = await pool.connect();
    try {
      const createdUntilMs = Date.now() - 60_000;
      const firstMs = createdUntilMs - SPAN_MS;
      t = performance.now();
      await db.query(
        `INSERT INTO users (id, email, password_hash, token_version, created_at, updated_at)
         SELECT (lpad(to_hex($2::bigint + n), 12, '0') || '7' || substr(md5('u' || n), 1, 3) || '8'
                   || substr(md5('u' || n), 4, 15))::uuid,
                'bench-user-' || n || '@example.com', '', 0,
                to_timestamp(($2::bigint + n) / 1000.0), to_timestamp(($2::bigint + n) / 1000.0)
         FROM generate_series(0, $1::int) AS n`,
        [users, firstMs - DAY_MS],
      );
      console.log(`  users: ${fmtInt(users + 1)} (${seconds(performance.now() - t)})`);

      // Password hashing runs in libuv's threads while PostgreSQL inserts the tasks.
      const hashing = hashPasswords(users, knownHashes);

      // Indexes are dropped for the load and rebuilt once at the end (much faster than row by row).
      const { rows: indexes } = await db.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'tasks' AND indexname <> 'tasks_pkey'`,
      );
      for (const index of indexes) await db.query(`DROP INDEX "${index.indexname}"`);

      // Chunks of consecutive time, two connections at a time (one per core); each chunk is inserted in
      // time order, so the heap holds the users' tasks interleaved as real traffic leaves them.
      t = performance.now();
      let inserted = 0;
      const chunkK = Math.max(1, Math.floor(Math.min(CHUNK_ROWS, total / 8) / users));
      const chunks: { k0: number; k1: number; b0: number; b1: number }[] = [];
      for (let k0 = 0; k0 < tasksPerUser; k0 += chunkK) {
        const k1 = Math.min(tasksPerUser, k0 + chunkK);
        const b = (k: number) => (k >= tasksPerUser ? searchUserTasks : Math.round((k * searchUserTasks) / tasksPerUser));
        chunks.push({ k0, k1, b0: b(k0), b1: b(k1) });
      }
      await onConnections(pool, 2, async (conn) => {
        await conn.query(`SET work_mem = '256MB'; SET session_replication_role = replica`);
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          const result = await conn.query(TASKS_SQL, [
            users, tasksPerUser, searchUserTasks, firstMs, SPAN_MS, chunk.k0, chunk.k1, chunk.b0, chunk.b1,
            VERBS, OBJECTS, SUFFIXES, DESCRIPTIONS,
          ]);
          inserted += result.rowCount ?? 0;
          const elapsed = performance.now() - t;
          progress(`  tasks: ${fmtInt(inserted)} / ${fmtInt(total)} (${seconds(elapsed)}, ${fmtInt(Math.round(inserted / (elapsed / 1000)))} rows/s)`);
        }
      });
      progress(`  tasks: ${fmtInt(inserted)} / ${fmtInt(total)} (${seconds(performance.now() - t)})`, true);
      if (inserted !== total) throw new Error(`inserted ${inserted} tasks, expected ${total}`);

      // Two index builds at a time (CREATE INDEX takes a share lock: they do not block each other), the
      // slowest (the title trigram index) first.
      t = performance.now();
      const queue = [...indexes].sort((a, b) => indexCost(b.indexdef) - indexCost(a.indexdef));
      let built = 0;
      await onConnections(pool, 2, async (conn) => {
        await conn.query(`SET maintenance_work_mem = '1GB'`);
        for (let index = queue.shift(); index; index = queue.shift()) {
          await conn.query(index.indexdef);
          built++;
          progress(`  indexes: ${built} / ${indexes.length} (${seconds(performance.now() - t)})`);
        }
      });
      progress(`  indexes: ${built} / ${indexes.length} rebuilt (${seconds(performance.now() - t)})`, true);

      t = performance.now();
      const hashes = await hashing;
      await db.query(
        `UPDATE users SET password_hash = h.hash
         FROM unnest($1::text[], $2::text[]) AS h(email, hash) WHERE users.email = h.email`,
        [[...hashes.keys()], [...hashes.values()]],
      );
      const waited = performance.now() - t;
      if (waited > 100) console.log(`  (waited ${seconds(waited)} for password hashing)`);

      t = performance.now();
      await db.query('VACUUM (ANALYZE) users, tasks, sessions, refresh_tokens');
      await db.query('CHECKPOINT');
      console.log(`  vacuum, analyze, checkpoint (${seconds(performance.now() - t)})`);

      const marker: SeedMarker = {
        tool: 'taskapi-bench',
        version: SEED_VERSION,
        users,
        tasksPerUser,
        searchUserTasks,
        createdUntil: new Date(createdUntilMs).toISOString(),
        seededAt: new Date().toISOString(),
        complete: true,
      };
      const literal = JSON.stringify(marker).replace(/'/g, "''");
      await db.query(`COMMENT ON DATABASE "${name}" IS '${literal}'`);
      const { rows: size } = await db.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
      console.log(`Seeded ${name} in ${seconds(performance.now() - started)} (${size[0].size})`);
      return marker;
    } finally {
      db.release();
    }
  } finally {
    await pool.end();
  }
}

/** Runs fn on n pooled connections at once (a bulk load: big sort and index memory, and no per-row
 * foreign key triggers since the rows are consistent by construction; set by fn, per connection). */
async function onConnections(pool: pg.Pool, n: number, fn: (conn: pg.PoolClient) => Promise<void>): Promise<void> {
  const conns = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  try {
    await Promise.all(conns.map(fn));
  } finally {
    for (const conn of conns) conn.release(true); // session settings go with the connection
  }
}

const indexCost = (def: string) => (/title gin_trgm_ops/.test(def) ? 3 : /gin/.test(def) ? 2 : /title/.test(def) ? 1 : 0);

/** email -> argon2id hash of that user's password, for users 0..N; known hashes are reused. */
async function hashPasswords(users: number, known: Map<string, string>): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const todo: number[] = [];
  for (let n = 0; n <= users; n++) {
    const hash = known.get(benchEmail(n));
    if (hash) hashes.set(benchEmail(n), hash);
    else todo.push(n);
  }
  if (todo.length === 0) {
    writeHashCache(new Map([...known, ...hashes]));
    return hashes;
  }
  const t = performance.now();
  // A batch per libuv thread (4 by default): argon2 runs there, off this thread.
  const batch = Math.max(4, availableParallelism());
  for (let i = 0; i < todo.length; i += batch) {
    await Promise.all(
      todo.slice(i, i + batch).map(async (n) => hashes.set(benchEmail(n), await argon2.hash(benchPassword(n), ARGON2_OPTIONS))),
    );
  }
  console.log(`  password hashes: ${fmtInt(todo.length)} made (${seconds(performance.now() - t)}), ${fmtInt(users + 1 - todo.length)} reused`);
  writeHashCache(new Map([...known, ...hashes]));
  return hashes;
}

const HASH_CACHE = fileURLToPath(new URL('./results/password-hashes.tmp', import.meta.url));

function readHashCache(): Map<string, string> {
  try {
    const entries = Object.entries(JSON.parse(readFileSync(HASH_CACHE, 'utf8')) as Record<string, string>);
    return new Map(entries.filter(([, hash]) => !argon2.needsRehash(hash, ARGON2_OPTIONS)));
  } catch {
    return new Map();
  }
}

function writeHashCache(hashes: Map<string, string>) {
  try {
    writeFileSync(HASH_CACHE, JSON.stringify(Object.fromEntries(hashes)));
  } catch {
    // only a cache
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.has('help')) {
    console.log('npm run bench:seed -- [--users 1000] [--tasks-per-user 1000] [--search-tasks 100000]\n' +
      `Database: BENCH_DATABASE_URL (default ${benchDatabaseUrl()}); it is dropped and recreated.`);
    return;
  }
  await seed({
    url: benchDatabaseUrl(),
    users: intArg(args, 'users', 1000, 1),
    tasksPerUser: intArg(args, 'tasks-per-user', 1000, 1),
    searchUserTasks: intArg(args, 'search-tasks', SEARCH_USER_TASKS, 1),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

