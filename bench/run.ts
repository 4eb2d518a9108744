// `npm run bench [-- --quick]`: seeds (when needed) a PostgreSQL database, starts the API in production
// mode, the floor server (bench/floor.ts) and the yoga reference (bench/reference.ts), loads each with wrk
// for each workload, and prints and saves (bench/results/latest.json) throughput, latency, CPU per request
// of the server and of PostgreSQL, statements per request and the ratio to the floor.
// See bench/README.md for what the numbers mean.
import { execFile, execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { encodeCursor, DEFAULT_ORDER } from '../src/services/task-pagination.ts';
import type { Task } from '../src/generated/prisma/client.ts';
import {
  benchDatabaseUrl,
  benchEmail,
  benchPassword,
  fmtInt,
  intArg,
  parseArgs,
  readMarker,
  SEARCH_TERM,
  SEARCH_USER,
  SEARCH_USER_TASKS,
  SEED_VERSION,
  type SeedMarker,
} from './common.ts';
import { fanOut, type FanOutResult } from './fanout.ts';
import { requestBody, type OperationName } from './operations.ts';
import { seed } from './seed.ts';
import { AFTER_PAGE_SQL, FIRST_PAGE_SQL, FLOOR_SQL, SEARCH_PAGE_SQL, sqlTimestamp } from './sql.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

// ---- Options ----

const args = parseArgs(process.argv.slice(2));
if (args.has('help')) {
  console.log(`npm run bench -- [options]
  --quick               100 users x 1,000 tasks, 1 s warm-up + 3 s per run (about a minute)
  --users N             users with tasks (default 1000; --quick 100)
  --tasks-per-user M    default 1000
  --duration S          measured seconds per run (default 10; --quick 6)
  --warmup S            warm-up seconds per run (default 3; --quick 1)
  --jit-warmup S        a mix of W1, W2, W3, W5 on each server before the first run (default 10; --quick 6)
  --rounds R            measure every workload R times, interleaved, and report the medians (default 3; --quick 1)
  --connections C       wrk connections (default 32)
  --login-clients L     concurrent login clients in W4 (default 8)
  --only W1,W3          run only these workloads (W4 needs W1 for its p99 target)
  --reseed              seed again even when the database is already seeded as asked
  --fanout-users U      W8: users with open subscriptions (default 100)
  --fanout-subscriptions S  W8: graphql-ws subscriptions (one socket each) per user (default 10)
  --fanout-rate R       W8: createTask requests per second (default 50)
  --profile             write a CPU profile of the API server (node --cpu-prof) to bench/results/profile.tmp/
  --server-env K=V,...  extra environment for the API server, e.g. MALLOC_ARENA_MAX=2
  --server-node-args=…  extra node flags for the API server, e.g. --server-node-args=--max-old-space-size=160
Database: BENCH_DATABASE_URL (default ${benchDatabaseUrl()}).`);
  process.exit(0);
}
const quick = args.has('quick');
const opts = {
  users: intArg(args, 'users', quick ? 100 : 1000, 1),
  tasksPerUser: intArg(args, 'tasks-per-user', 1000, 1),
  duration: intArg(args, 'duration', quick ? 3 : 10, 1),
  warmup: intArg(args, 'warmup', quick ? 1 : 3, 0),
  jitWarmup: intArg(args, 'jit-warmup', quick ? 6 : 10, 0),
  rounds: intArg(args, 'rounds', quick ? 1 : 3, 1),
  connections: intArg(args, 'connections', 32, 1),
  loginClients: intArg(args, 'login-clients', 8, 1),
  only: typeof args.get('only') === 'string' ? String(args.get('only')).toUpperCase().split(',') : null,
  reseed: args.has('reseed'),
  fanoutUsers: intArg(args, 'fanout-users', 100, 1),
  fanoutSubscriptions: intArg(args, 'fanout-subscriptions', 10, 1),
  fanoutRate: intArg(args, 'fanout-rate', 50, 1),
  profile: args.has('profile'),
  /** Extra environment and node flags for the API server only (to measure tuning; the default is none). */
  serverEnv: Object.fromEntries(
    String(args.get('server-env') ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  ) as Record<string, string>,
  serverNodeArgs: String(args.get('server-node-args') ?? '').split(' ').filter(Boolean),
};
/** Cores used by other processes during a run above which its numbers are flagged as disturbed. */
const OTHER_LOAD_WARNING = 0.15;
const DEEP_TASK = 960; // W2 starts after the cursor of this task (newest first)
const W7_FIRST_TASK = 601; // W7 updates tasks 601 to 700 (newest first), a range no page workload reads
if (opts.tasksPerUser < DEEP_TASK + 20) throw new Error(`--tasks-per-user must be at least ${DEEP_TASK + 20} for W2`);

const WORKLOADS = [
  { id: 'W1', title: 'first page (20 tasks)' },
  { id: 'W2', title: `page after task ${DEEP_TASK}` },
  { id: 'W3', title: 'createTask' },
  { id: 'W4', title: `W1 + ${opts.loginClients} clients logging in` },
  { id: 'W5', title: `search "${SEARCH_TERM}", ${fmtInt(SEARCH_USER_TASKS / 1000)}k tasks` },
  { id: 'W6', title: 'sync(first: 500), a page of 500 changes' },
  { id: 'W7', title: 'updateTasks on 100 ids' },
  { id: 'W8', title: `fan-out: ${opts.fanoutUsers * opts.fanoutSubscriptions} subscriptions, ${opts.fanoutRate} createTask/s` },
] as const;
/** Workloads only the API serves (the floor and the reference implement the Part 1 operations only). */
const API_ONLY: readonly string[] = ['W6', 'W7'];
/** Measured on its own (subscriptions, not request/response): see bench/fanout.ts. */
const FAN_OUT = 'W8';
type WorkloadId = (typeof WORKLOADS)[number]['id'];
const selected = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.id));

const url = benchDatabaseUrl();
/** The node flags of `npm run start:prod` (package.json), so the bench measures what production runs. */
const START_PROD_NODE_ARGS = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts['start:prod'] as string)
  .split(' ').filter((word) => word.startsWith('--'));
function wrkVersion(): string {
  try {
    return /wrk\s+(\S+)/.exec(execSync('wrk --version 2>&1 || true').toString())?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
const jwtSecret = randomBytes(48).toString('base64url');
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

// ---- Processes ----

interface Target {
  name: 'api' | 'reference' | 'floor';
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function start(name: Target['name'], script: string, nodeArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<Target> {
  const port = await freePort();
  let output = '';
  // The API runs as compiled JavaScript (npm run build), as in production; TypeScript scripts go through tsx.
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const target: Target = { name, url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode}:\n${output}`);
    try {
      if ((await fetch(`${target.url}/health`)).status === 200) return target;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

async function stop(target: Target) {
  target.child.kill('SIGTERM');
  const code = await Promise.race([target.exited, sleep(15_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') target.child.kill('SIGKILL');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** user + system CPU time of a process, in ms. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/**
 * The PostgreSQL processes whose CPU counts: the backends connected to the bench database and the server's
 * own background processes (WAL writer, checkpointer, …), not the backends of other databases.
 */
async function postgresPids(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type <> 'client backend'`,
  );
  return rows.map((r) => r.pid);
}

/** CPU ms of this process's children that have exited and been waited for (cutime + cstime). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
}

/** CPU ms of the whole machine (all cores), from /proc/stat: busy, and stolen by the hypervisor. */
function machineCpuMs(): { busy: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: ((user + nice + system + irq + softirq) * 1000) / CLK_TCK, steal: (steal * 1000) / CLK_TCK };
}

/** CPU ms used since the start of the window by: the target, PostgreSQL, this runner, and everything else. */
async function cpuWindow(target: Target, pool: pg.Pool) {
  // Per PostgreSQL process: a backend that exits during the window (another server's idle connection) is
  // left out rather than subtracted; one that starts during it counts from zero.
  const start = new Map((await postgresPids(pool)).map((pid) => [pid, cpuMs(pid)]));
  const t0 = { target: cpuMs(target.child.pid!), self: process.cpuUsage(), children: childrenCpuMs(), machine: machineCpuMs() };
  return async () => {
    const self = process.cpuUsage(t0.self);
    const target1 = cpuMs(target.child.pid!);
    const runner = (self.user + self.system) / 1000 + childrenCpuMs() - t0.children;
    const machine = machineCpuMs();
    let db = 0;
    for (const pid of await postgresPids(pool)) db += Math.max(0, cpuMs(pid) - (start.get(pid) ?? 0));
    // This process and the wrk processes it ran (and waited for) in the window.
    const used = { target: target1 - t0.target, db, runner };
    return {
      ...used,
      other: Math.max(0, machine.busy - t0.machine.busy - used.target - used.db - used.runner),
      // Time the hypervisor gave this VM's cores to someone else: on a shared host it slows every number.
      steal: machine.steal - t0.machine.steal,
    };
  };
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}
const peakRssMb = (pid: number) => statusMb(pid, 'VmHWM');
const currentRssMb = (pid: number) => statusMb(pid, 'VmRSS');

// ---- GraphQL over fetch ----

async function post(target: Target, operation: OperationName, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: requestBody(operation, variables),
  });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (res.status !== 200 || json.errors) {
    throw new Error(`${target.name} ${operation}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  }
  return json.data;
}

async function login(target: Target, n: number): Promise<string> {
  const data = await post(target, 'Login', { input: { email: benchEmail(n), password: benchPassword(n) } });
  if (data.login.__typename !== 'AuthPayload') throw new Error(`login of user ${n}: ${data.login.__typename}`);
  return data.login.accessToken as string;
}

// ---- Load ----

interface Variant {
  /** The request body; given `unique`, a body that differs per request puts it where its unique part goes. */
  body: (unique?: string) => string;
  token?: string;
}

interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  cpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  /** Cores used by the load generator (wrk and this process) and by processes unrelated to the benchmark. */
  loadgenCores: number;
  otherCores: number;
  stealCores: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Several rounds of one measurement as one: medians of the rates and latencies, totals of the counts. */
function combine(results: LoadResult[]): LoadResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const perRequest = (pick: (r: LoadResult) => number) =>
    results.reduce((sum, r) => sum + pick(r) * r.requests, 0) / (requests || 1);
  return {
    requests,
    rps: median(results.map((r) => r.rps)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    cpuMsPerRequest: perRequest((r) => r.cpuMsPerRequest),
    dbCpuMsPerRequest: perRequest((r) => r.dbCpuMsPerRequest),
    loadgenCores: Math.max(...results.map((r) => r.loadgenCores)),
    otherCores: Math.max(...results.map((r) => r.otherCores)),
    stealCores: Math.max(...results.map((r) => r.stealCores)),
  };
}

/**
 * One wrk run (`threads` threads, `connections` keep-alive connections), each request taking the next variant
 * in turn. wrk is C and far cheaper per request than any Node.js load generator, so on this machine's shared
 * cores it leaves the CPU to the servers (the validity check in main() shows it). A response fails when it
 * is not 200, or its body lacks `expect` or has "errors".
 */
async function wrk(target: Target, variants: Variant[], connections: number, seconds: number, expect: string, threads = 1): Promise<RunSummary> {
  const lua = (text: string) => `[==[${text}]==]`;
  const entries = variants.map((v) => {
    const headers = `{ ["content-type"] = "application/json"${v.token ? `, ["authorization"] = ${lua(`Bearer ${v.token}`)}` : ''} }`;
    // A variant whose body() differs per request is sent as prefix .. unique number .. suffix.
    const [a, b] = [v.body(), v.body()];
    if (a === b) return `{ headers = ${headers}, body = ${lua(a)} }`;
    const [prefix, suffix] = v.body(UNIQUE).split(UNIQUE);
    return `{ headers = ${headers}, prefix = ${lua(prefix!)}, suffix = ${lua(suffix!)} }`;
  });
  const script = `
local variants = { ${entries.join(',\n')} }
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
local prepared = {}
local i, n = 0, 0
failures = 0
firstFailure = ""
function init(args)
  for k, v in ipairs(variants) do
    if v.body then prepared[k] = wrk.format("POST", "/graphql", v.headers, v.body) end
  end
end
function request()
  i = i % #variants + 1
  local p = prepared[i]
  if p then return p end
  n = n + 1
  local v = variants[i]
  return wrk.format("POST", "/graphql", v.headers, v.prefix .. tid .. "-" .. n .. v.suffix)
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, ${lua(expect)}, 1, true) or string.find(body, '"errors"', 1, true) then
    failures = failures + 1
    if failures == 1 then firstFailure = status .. " " .. string.sub(body, 1, 300) end
  end
end
function done(summary, latency, requests)
  local f, first = 0, ""
  for _, t in ipairs(threads) do
    f = f + t:get("failures")
    if first == "" then first = t:get("firstFailure") end
  end
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"socketErrors":%d,"failures":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, f))
  if first ~= "" then io.write("FIRST_FAILURE " .. first .. "\\n") end
end
`;
  const file = path.join(tmpdir(), `taskapi-bench-${process.pid}-${++wrkScripts}.lua`);
  writeFileSync(file, script);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        'wrk',
        [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, `${target.url}/graphql`],
        { maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(`${stdout}${stderr}`)),
      );
    });
    const line = /^WRK (.*)$/m.exec(out);
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const r = JSON.parse(line[1]!) as { requests: number; durationUs: number; p50Us: number; p99Us: number; socketErrors: number; failures: number };
    const first = /^FIRST_FAILURE (.*)$/m.exec(out);
    if (first) {
      console.error(`  first failure on ${target.name}: ${first[1]}`);
      // What the server logged about it (LOG_LEVEL=warn keeps only warnings and errors).
      const logged = target.output().trim().split('\n').slice(-5).join('\n');
      if (logged) console.error(`  ${target.name} logged last:\n${logged.slice(-3000)}`);
    }
    return {
      requests: r.requests,
      rps: r.requests / (r.durationUs / 1e6),
      p50Ms: r.p50Us / 1000,
      p99Ms: r.p99Us / 1000,
      failures: r.failures + r.socketErrors,
    };
  } finally {
    if (!process.env.BENCH_KEEP_LUA) rmSync(file, { force: true });
  }
}
const UNIQUE = 'UNIQUE_PART_7f3a';
let wrkScripts = 0;

interface RunSummary {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

async function measure(
  target: Target,
  pool: pg.Pool,
  runs: { variants: Variant[]; connections: number; expect: string }[],
  warmup = opts.warmup,
  duration = opts.duration,
): Promise<LoadResult[]> {
  if (warmup > 0) await Promise.all(runs.map((r) => wrk(target, r.variants, r.connections, warmup, r.expect)));
  const window = await cpuWindow(target, pool);
  const started = performance.now();
  const summaries = await Promise.all(runs.map((r) => wrk(target, r.variants, r.connections, duration, r.expect)));
  const seconds = performance.now() - started;
  const cpu = await window();
  const all = summaries.reduce((sum, s) => sum + s.requests, 0) || 1;
  return summaries.map((s) => ({
    ...s,
    cpuMsPerRequest: cpu.target / all,
    dbCpuMsPerRequest: cpu.db / all,
    loadgenCores: cpu.runner / seconds,
    otherCores: cpu.other / seconds,
    stealCores: cpu.steal / seconds,
  }));
}

// ---- The run ----

interface Users {
  /** Tokens of users 1..K, one per connection (the same tokens serve the API and the floor). */
  tokens: { n: number; token: string; deepCursor: string; syncToken: string; taskIds: string[] }[];
  searchToken: string;
}

async function ensureSeeded(): Promise<SeedMarker> {
  const marker = await readMarker(url);
  const wanted = { users: opts.users, tasksPerUser: opts.tasksPerUser, searchUserTasks: SEARCH_USER_TASKS };
  const matches = marker && marker !== 'foreign' && marker.complete && marker.version === SEED_VERSION &&
    marker.users === wanted.users && marker.tasksPerUser === wanted.tasksPerUser && marker.searchUserTasks === wanted.searchUserTasks;
  if (matches && !opts.reseed) {
    console.log(`Database ${url.replace(/\/\/[^@]*@/, '//')} already seeded (${fmtInt(marker.users)} users x ${fmtInt(marker.tasksPerUser)} tasks, ${marker.seededAt}); --reseed to redo`);
    return marker;
  }
  return seed({ url, ...wanted });
}

/** Undoes what earlier runs added (tasks made by W3, sessions), so every run starts from the same data. */
async function resetDatabase(pool: pg.Pool, marker: SeedMarker) {
  const t = performance.now();
  const tasks = await pool.query(`DELETE FROM tasks WHERE created_at > $1`, [marker.createdUntil]);
  const sessions = await pool.query(`DELETE FROM sessions`);
  await pool.query('VACUUM (ANALYZE) tasks, sessions, refresh_tokens');
  console.log(`Reset: removed ${fmtInt(tasks.rowCount ?? 0)} tasks and ${fmtInt(sessions.rowCount ?? 0)} sessions of earlier runs, vacuumed (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

async function prepareUsers(api: Target, pool: pg.Pool): Promise<Users> {
  const count = Math.min(opts.connections, opts.users);
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  const t = performance.now();
  const [tokens, searchToken] = await Promise.all([Promise.all(numbers.map((n) => login(api, n))), login(api, SEARCH_USER)]);
  console.log(`Logged in ${count + 1} users through the API (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  const withCursors = await Promise.all(
    numbers.map(async (n, i) => {
      const { rows } = await pool.query<{ id: string; created_at: Date }>(
        `SELECT t.id, t.created_at FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email = $1
         ORDER BY t.created_at DESC, t.id DESC OFFSET $2 LIMIT 1`,
        [benchEmail(n), DEEP_TASK - 1],
      );
      const row = rows[0]!;
      // W7 updates 100 tasks that no page workload reads: an update moves rows to other heap pages, which
      // would otherwise make the pages W1 and W2 read (and compare in buffers) cheaper after every run.
      const updated = await pool.query<{ id: string }>(
        `SELECT t.id FROM tasks t JOIN users u ON u.id = t.user_id WHERE u.email = $1
         ORDER BY t.created_at DESC, t.id DESC OFFSET $2 LIMIT 100`,
        [benchEmail(n), W7_FIRST_TASK - 1],
      );
      // W6 continues a full sync after its first page: the next 500 objects.
      const first = await post(api, 'SyncPage', {}, tokens[i]!);
      return {
        n,
        token: tokens[i]!,
        deepCursor: encodeCursor(DEFAULT_ORDER, { id: row.id, createdAt: row.created_at } as Task),
        syncToken: first.sync.syncToken as string,
        taskIds: updated.rows.map((r) => Buffer.from(`Task:${r.id}`, 'utf8').toString('base64url')),
      };
    }),
  );
  return { tokens: withCursors, searchToken };
}

let created = 0;
function variantsFor(workload: Exclude<WorkloadId, 'W8'> | 'LOGIN', users: Users): Variant[] {
  switch (workload) {
    case 'W1':
    case 'W4': {
      const body = requestBody('FirstPage');
      return users.tokens.map(({ token }) => ({ token, body: () => body }));
    }
    case 'W2':
      return users.tokens.map(({ token, deepCursor }) => {
        const body = requestBody('DeepPage', { after: deepCursor });
        return { token, body: () => body };
      });
    case 'W3': {
      const prefix = requestBody('CreateTask', { input: { title: '@' } }).split('"@"');
      return users.tokens.map(({ token }) => ({ token, body: (unique) => `${prefix[0]}"Bench task ${unique ?? ++created}"${prefix[1]}` }));
    }
    case 'W5': {
      const body = requestBody('Search', { search: SEARCH_TERM });
      return [{ token: users.searchToken, body: () => body }];
    }
    case 'W6':
      return users.tokens.map(({ token, syncToken }) => {
        const body = requestBody('SyncPage', { after: syncToken });
        return { token, body: () => body };
      });
    case 'W7':
      return users.tokens.map(({ token, taskIds }) => {
        const body = requestBody('UpdateTasks', { input: { ids: taskIds, set: { priority: 'HIGH' } } });
        return { token, body: () => body };
      });
    case 'LOGIN':
      // Every user in turn: the per-account login throttle (10 failures per 15 min) never comes near.
      return Array.from({ length: opts.users }, (_, i) => {
        const body = requestBody('Login', { input: { email: benchEmail(i + 1), password: benchPassword(i + 1) } });
        return { body: () => body };
      });
  }
}

const EXPECT: Record<WorkloadId, string> = {
  W1: '"edges"', W2: '"edges"', W3: '"TaskPayload"', W4: '"edges"', W5: '"edges"', W6: '"syncToken"', W7: '"changedCount":100', W8: '"changes"',
};

/** Same answers from the API and the floor: the floor does the same work, not less. */
async function checkResponses(api: Target, floor: Target, reference: Target, users: Users) {
  const { token, deepCursor } = users.tokens[0]!;
  const pairs: [string, OperationName, Record<string, unknown>, string][] = [
    ['W1', 'FirstPage', {}, token],
    ['W2', 'DeepPage', { after: deepCursor }, token],
    ['W5', 'Search', { search: SEARCH_TERM }, users.searchToken],
  ];
  for (const [id, operation, variables, auth] of pairs) {
    const [a, f, r] = await Promise.all([api, floor, reference].map((target) => post(target, operation, variables, auth)));
    for (const [name, other] of [['floor', f], ['reference', r]] as const) {
      if (JSON.stringify(a) !== JSON.stringify(other)) {
        throw new Error(`${id}: the ${name}'s answer differs from the API's:\nAPI:   ${JSON.stringify(a).slice(0, 400)}\n${name}: ${JSON.stringify(other).slice(0, 400)}`);
      }
    }
    if (a.tasks.edges.length !== 20) throw new Error(`${id}: expected 20 tasks, got ${a.tasks.edges.length}`);
  }
  for (const target of [api, floor, reference]) {
    const data = await post(target, 'CreateTask', { input: { title: 'Bench check' } }, token);
    if (data.createTask.__typename !== 'TaskPayload' || data.createTask.task.title !== 'Bench check') throw new Error(`${target.name} createTask failed`);
    await login(target, opts.users);
  }
  console.log('Checked: the API, the yoga reference and the floor return the same pages (W1, W2, W5); createTask and login work on all three');
}

/**
 * Runs the bench operations through the application in this process (createApp + yoga.fetch, as the server
 * does) on a pool that records every statement, and compares them with the floor's SQL (bench/sql.ts).
 */
async function checkFloorSql(users: Users) {
  const [{ PrismaPg }, { PrismaClient }, { createApp }, { loadConfig }, { postgresRunner }] = await Promise.all([
    import('@prisma/adapter-pg'),
    import('../src/generated/prisma/client.ts'),
    import('../src/yoga.ts'),
    import('../src/config.ts'),
    import('../src/db/sql-runner.ts'),
  ]);
  const seen = new Set<string>();
  let sent = 0;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    client.query = ((config: unknown, ...rest: unknown[]) => {
      sent++;
      seen.add(typeof config === 'string' ? config : String((config as { text?: unknown }).text));
      return query(config, ...rest);
    }) as typeof client.query;
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: jwtSecret, DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const sql = postgresRunner(pool);
  const app = createApp(config, { kind: 'postgres', prisma, sql, migrate: async () => [], ping: async () => {}, close: async () => {} });
  const statements: Partial<Record<WorkloadId, number>> = {};
  let part1 = seen;
  try {
    const run = async (operation: OperationName, variables: Record<string, unknown>, token?: string) => {
      const res = await app.yoga.fetch('http://bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: requestBody(operation, variables),
      });
      const json = (await res.json()) as { data?: any; errors?: unknown };
      if (json.errors) throw new Error(`in-process ${operation}: ${JSON.stringify(json.errors)}`);
      return json.data;
    };
    const { token, deepCursor, syncToken, taskIds } = users.tokens[0]!;
    // Statements per request, counted on the pool (the second of two runs: nothing left to warm).
    const count = async (id: WorkloadId | 'LOGIN', ...call: Parameters<typeof run>) => {
      await run(...call);
      sent = 0;
      await run(...call);
      if (id !== 'LOGIN') statements[id] = sent;
    };
    await count('LOGIN', 'Login', { input: { email: benchEmail(opts.users), password: benchPassword(opts.users) } });
    await count('W1', 'FirstPage', {}, token);
    await count('W2', 'DeepPage', { after: deepCursor }, token);
    await count('W3', 'CreateTask', { input: { title: 'Bench SQL check' } }, token);
    await count('W5', 'Search', { search: SEARCH_TERM }, users.searchToken);
    // Not in the floor's SQL (the floor has no sync or bulk): counted only.
    part1 = new Set(seen);
    await count('W6', 'SyncPage', { after: syncToken }, token);
    await count('W7', 'UpdateTasks', { input: { ids: taskIds, set: { priority: 'HIGH' } } }, token);
  } finally {
    await app.close();
    await prisma.$disconnect();
    await pool.end();
  }
  const expected = new Set(Object.values(FLOOR_SQL));
  const missing = [...expected].filter((s) => !part1.has(s));
  const extra = [...part1].filter((s) => !expected.has(s));
  if (missing.length || extra.length) {
    throw new Error(
      'The API no longer sends the SQL the floor runs (update bench/sql.ts):\n' +
        extra.map((s) => `  API sends:      ${s}`).join('\n') + '\n' + missing.map((s) => `  floor expects:  ${s}`).join('\n'),
    );
  }
  console.log(`Checked: the floor runs exactly the ${expected.size} SQL statements the API sends for these operations`);
  console.log(`Statements per request: ${Object.entries(statements).map(([id, n]) => `${id} ${n}`).join(', ')}`);
  return statements;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

async function explain(pool: pg.Pool, users: Users) {
  const userId = async (n: number) =>
    (await pool.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [benchEmail(n)])).rows[0]!.id;
  const [u1, u0] = await Promise.all([userId(users.tokens[0]!.n), userId(SEARCH_USER)]);
  const [, at, id] = JSON.parse(Buffer.from(users.tokens[0]!.deepCursor, 'base64url').toString()) as [string, string, string];
  const stamp = sqlTimestamp(new Date(at));
  const cases: [string, string, unknown[]][] = [
    ['W1 first page', FIRST_PAGE_SQL, [u1]],
    ...(await Promise.all([DEEP_TASK / 4, DEEP_TASK / 2].map(async (depth): Promise<[string, string, unknown[]]> => {
      const row = (await pool.query<{ id: string; created_at: Date }>(
        'SELECT id, created_at FROM tasks WHERE user_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1', [u1, depth - 1],
      )).rows[0]!;
      const at = sqlTimestamp(row.created_at);
      return [`page after task ${depth}`, AFTER_PAGE_SQL, [u1, at, row.id]];
    }))),
    [`W2 after task ${DEEP_TASK}`, AFTER_PAGE_SQL, [u1, stamp, id]],
    ['W5 search', SEARCH_PAGE_SQL, [u0, SEARCH_TERM, SEARCH_TERM]],
  ];
  const out: Record<string, { buffers: number; ms: number; plan: string }> = {};
  for (const [name, sql, values] of cases) out[name] = await explainOnce(pool, sql, values);
  console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the page SQL (one execution, warm cache):');
  for (const [name, e] of Object.entries(out)) console.log(`  ${name.padEnd(20)} ${String(e.buffers).padStart(5)} buffers  ${e.ms.toFixed(3).padStart(7)} ms  ${e.plan}`);

  // One user's page can straddle two index leaves (two more buffers) where another's does not, so W1 and W2
  // are compared over every user the workloads read, by the median.
  const perUser = await Promise.all(users.tokens.map(async ({ n, deepCursor }) => {
    const [, at, id] = JSON.parse(Buffer.from(deepCursor, 'base64url').toString()) as [string, string, string];
    const stamp = sqlTimestamp(new Date(at));
    const user = await userId(n);
    return { first: (await explainOnce(pool, FIRST_PAGE_SQL, [user])).buffers, deep: (await explainOnce(pool, AFTER_PAGE_SQL, [user, stamp, id])).buffers };
  }));
  const medianOf = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const usersCompared = {
    users: perUser.length,
    w1Median: medianOf(perUser.map((p) => p.first)),
    w2Median: medianOf(perUser.map((p) => p.deep)),
    w1Range: [Math.min(...perUser.map((p) => p.first)), Math.max(...perUser.map((p) => p.first))],
    w2Range: [Math.min(...perUser.map((p) => p.deep)), Math.max(...perUser.map((p) => p.deep))],
  };
  console.log(
    `  over the ${usersCompared.users} workload users: W1 median ${usersCompared.w1Median} buffers (${usersCompared.w1Range.join(' to ')}), ` +
    `W2 median ${usersCompared.w2Median} (${usersCompared.w2Range.join(' to ')})`,
  );
  return { ...out, usersCompared };
}

async function explainOnce(pool: pg.Pool, sql: string, values: unknown[]) {
  await pool.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values }); // warm
  const { rows } = await pool.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values });
  const root = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] })['QUERY PLAN'][0];
  const describe = (node: PlanNode): string => {
    const self = node['Index Name'] ? `${node['Node Type']} on ${node['Index Name']}` : node['Node Type'];
    const children = (node.Plans ?? []).map(describe);
    return children.length ? `${self} <- ${children.join(' + ')}` : self;
  };
  return {
    buffers: root.Plan['Shared Hit Blocks'] + root.Plan['Shared Read Blocks'],
    ms: Math.round(root['Execution Time'] * 1000) / 1000,
    plan: describe(root.Plan),
  };
}

// ---- Report ----

interface TargetStats {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the server process, and of PostgreSQL (the bench database's backends and background work), per request. */
  cpuMsPerRequest: number;
  dbCpuMsPerRequest: number;
  /** This server's req/s over the floor's (the API's is the "ratio to the floor"). */
  ratio?: number;
  /** The req/s of each round, when there were several (rps is their median). */
  rounds?: number[];
  /** The server CPU ms per request of each round, when there were several. */
  cpuRounds?: number[];
  failures: number;
}

interface WorkloadReport {
  title: string;
  requests: number;
  /** Statements sent to the database per request (counted in process on the API's pool). */
  statements: number | null;
  api: TargetStats;
  /** Absent for the workloads only the API serves (W6, W7). */
  reference?: TargetStats;
  floor?: TargetStats;
  /** The API's req/s over the floor's. */
  ratio: number | null;
  /** Cores used by the load generator, and by processes unrelated to the benchmark (should be ~0). */
  loadgenCores: number;
  otherCores: number;
  /** Cores taken by the hypervisor (steal time) during the run. */
  stealCores: number;
  logins?: Partial<Record<Target['name'], LoginStats>>;
  /** W5 with one connection: the search's own latency, per target. */
  singleClient?: Partial<Record<Target['name'], { p50Ms: number; p99Ms: number }>>;
}
interface LoginStats { logins: number; perSecond: number; p50Ms: number; p99Ms: number; failures: number }

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

function pad(cells: string[], widths: number[]) {
  return cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

const us = (ms: number) => `${Math.round(ms * 1000)}`;

function printTable(reports: Partial<Record<WorkloadId, WorkloadReport>>) {
  const header = ['', 'server', 'req/s', 'x floor', 'p50 ms', 'p99 ms', 'server us/req', 'PG us/req', 'SQL/req'];
  const rows: string[][] = [];
  for (const [id, r] of Object.entries(reports)) {
    for (const name of ['api', 'reference', 'floor'] as const) {
      const t = r[name];
      if (!t) continue;
      rows.push([
        name === 'api' ? `${id} ${r.title}` : '', name, fmtInt(Math.round(t.rps)), t.ratio !== undefined ? t.ratio.toFixed(2) : '-',
        t.p50Ms.toFixed(1), t.p99Ms.toFixed(1), us(t.cpuMsPerRequest), us(t.dbCpuMsPerRequest),
        name === 'api' && r.statements !== null ? String(r.statements) : '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  console.log(`\n${pad(header, widths)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(pad(row, widths));
  console.log('x floor = req/s over the floor\'s. us/req = CPU microseconds per request of the server process and of PostgreSQL. SQL/req = statements the API sends per request.');
  for (const [id, r] of Object.entries(reports)) {
    if (r.otherCores > OTHER_LOAD_WARNING || r.stealCores > OTHER_LOAD_WARNING) {
      console.log(`${id}: other processes used ${r.otherCores.toFixed(2)} cores, steal ${r.stealCores.toFixed(2)} cores`);
    }
  }
  const single = reports.W5?.singleClient;
  if (single) {
    console.log(`W5 from 1 client: ${Object.entries(single).map(([name, l]) => `${name} p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms`).join('; ')}`);
  }
  const w4 = reports.W4?.logins;
  if (w4) {
    for (const [name, l] of Object.entries(w4)) {
      console.log(`W4 logins (${name}): ${fmtInt(l.logins)} in ${opts.duration * opts.rounds} s, ${l.perSecond.toFixed(1)}/s, p50 ${l.p50Ms.toFixed(0)} ms, p99 ${l.p99Ms.toFixed(0)} ms (medians of the rounds), ${l.failures} failed`);
    }
  }
}

/**
 * The instrument's check: the floor's W1 with the benchmark's own wrk settings (one thread) must reach at
 * least 70 % of what it reaches with two wrk threads. If one wrk thread cannot saturate the floor, every
 * req/s of the run is bounded by the load generator, not by the servers.
 */
async function checkLoadGenerator(floor: Target, users: Users) {
  const seconds = Math.max(3, Math.round(opts.duration / 2));
  const variants = variantsFor('W1', users);
  const one = await wrk(floor, variants, opts.connections, seconds, EXPECT.W1, 1);
  const two = await wrk(floor, variants, opts.connections, seconds, EXPECT.W1, 2);
  const ratio = one.rps / two.rps;
  const valid = ratio >= 0.7;
  console.log(`\nLoad generator check: the floor's W1 reaches ${fmtInt(Math.round(one.rps))} req/s with 1 wrk thread and ${fmtInt(Math.round(two.rps))} with 2 ` +
    `(${(ratio * 100).toFixed(0)} %): ${valid ? 'valid, the load generator is not the bottleneck' : 'INVALID: the numbers below are load-generator-bound'}`);
  return { oneThreadRps: r1(one.rps), twoThreadsRps: r1(two.rps), ratio: r3(ratio), valid };
}

/** A server's share of CPU profile samples spent in garbage collection: over the measured window, and over its whole run. */
interface GcShare {
  /** After the warm-up, like every other figure of the run: the target. */
  measured: number;
  /** From the process's start: module loading and the JIT's warm-up included. */
  wholeRun: number;
}

/**
 * The share of a server's CPU profile samples spent in garbage collection, under W1 (a separate, profiled
 * run): the API, the yoga reference or the floor, the last two with the API's node flags. The reference shows
 * what yoga's own request pipeline costs in GC under the same heap, the floor what node:http and pg cost.
 * The server is warmed up first, as for every other workload; the samples of the measured seconds are told
 * apart by their time stamps (V8's profile clock is the monotonic clock, as is process.hrtime here).
 */
async function gcShare(users: Users, which: 'api' | 'reference' | 'floor' = 'api'): Promise<GcShare> {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskapi-gc-'));
  const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const server = which === 'api'
    ? await startApi(profiling)
    : await start(which, `bench/${which}.ts`, [...START_PROD_NODE_ARGS, ...opts.serverNodeArgs, ...profiling]);
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  let from = 0;
  let to = 0;
  try {
    if (opts.warmup > 0) await wrk(server, variantsFor('W1', users), opts.connections, opts.warmup, EXPECT.W1);
    from = monotonicUs();
    await wrk(server, variantsFor('W1', users), opts.connections, Math.max(3, Math.round(opts.duration / 2)), EXPECT.W1);
    to = monotonicUs();
  } finally {
    await stop(server);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled API wrote no CPU profile');
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
  };
  rmSync(dir, { recursive: true, force: true });
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const whole = { busy: 0, gc: 0 };
  const measured = { busy: 0, gc: 0 };
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const name = names.get(id);
    if (name === '(idle)') return;
    const isGc = name === '(garbage collector)' ? dt : 0;
    whole.busy += dt;
    whole.gc += isGc;
    if (at >= from && at <= to) {
      measured.busy += dt;
      measured.gc += isGc;
    }
  });
  if (measured.busy === 0) throw new Error(`the ${which} profile has no samples in the measured window`);
  return { measured: measured.gc / measured.busy, wholeRun: whole.busy ? whole.gc / whole.busy : 0 };
}

/**
 * The embedded database's memory: `npm run start:prod` without DATABASE_URL on an empty data directory,
 * RSS idle after start, then the peak while one signed-up user creates tasks (W3's mutation) for a while.
 */
async function pgliteMemory() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'taskapi-pglite-'));
  const api = await startApi([], { DATABASE_URL: '', DATA_DIR: dataDir });
  try {
    await sleep(2_000);
    const idle = currentRssMb(api.child.pid!);
    const data = await post(api, 'Signup', { input: { email: 'bench-pglite@example.com', password: 'bench-password-pglite' } });
    const token = data.signup.accessToken as string;
    const prefix = requestBody('CreateTask', { input: { title: '@' } }).split('"@"');
    const load = await wrk(api, [{ token, body: (unique) => `${prefix[0]}"PGlite task ${unique ?? ++created}"${prefix[1]}` }], 8, opts.duration, EXPECT.W3);
    return { idleRssMb: idle, peakRssMb: peakRssMb(api.child.pid!), createTaskRps: r1(load.rps), failures: load.failures };
  } finally {
    await stop(api);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The API as production runs it: `npm run start:prod`'s node flags, on the bench database unless overridden. */
function startApi(extraArgs: string[] = [], extraEnv: Record<string, string> = {}) {
  return start('api', 'dist/server.js', [...START_PROD_NODE_ARGS, ...opts.serverNodeArgs, ...extraArgs], {
    MALLOC_MMAP_THRESHOLD_: '131072',
    // One load generator address would exhaust any per-address budget: the budgets are measured by their tests.
    COST_BUDGET_PER_USER: '0',
    COST_BUDGET_PER_ADDRESS: '0',
    ...opts.serverEnv,
    ...extraEnv,
  });
}

async function main() {
  const started = performance.now();
  const mode = quick ? 'quick' : 'full';
  if (wrkVersion() === 'unknown') {
    throw new Error('The benchmark loads the servers with wrk, which is not installed: apt-get install -y wrk (Debian/Ubuntu) or brew install wrk.');
  }
  console.log(`Task API benchmark (${mode}): ${availableParallelism()} CPUs, wrk ${wrkVersion()}, ${opts.connections} connections, ${opts.warmup} s warm-up + ${opts.duration} s per run, ${opts.rounds} round${opts.rounds > 1 ? 's' : ''} (medians)`);
  const marker = await ensureSeeded();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const targets: Target[] = [];
  const reports: Partial<Record<WorkloadId, WorkloadReport>> = {};
  let rss: Partial<Record<Target['name'], number | null>> = {};
  let rssBeforeLoad: number | null = null;
  let explained: Awaited<ReturnType<typeof explain>> | undefined;
  let instrument: Awaited<ReturnType<typeof checkLoadGenerator>> | undefined;
  let statements: Partial<Record<WorkloadId, number>> = {};
  const gcRuns: Partial<Record<'api' | 'reference' | 'floor', GcShare>> = {};
  let embedded: Awaited<ReturnType<typeof pgliteMemory>> | null = null;
  let fanout: (FanOutResult & { serverCpuMsPerEvent: number; dbCpuMsPerEvent: number }) | null = null;
  try {
    await resetDatabase(pool, marker);
    const profileDir = fileURLToPath(new URL('./results/profile.tmp/', import.meta.url));
    execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
    const api = await startApi(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    targets.push(api);
    const reference = await start('reference', 'bench/reference.ts');
    targets.push(reference);
    const floor = await start('floor', 'bench/floor.ts');
    targets.push(floor);
    const tuning = [...opts.serverNodeArgs, ...Object.entries(opts.serverEnv).map(([k, v]) => `${k}=${v}`)].join(' ');
    console.log(`API (NODE_ENV=production, ${START_PROD_NODE_ARGS.join(' ')}, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'warn'}${tuning ? `, ${tuning}` : ''}) on ${api.url}, yoga reference on ${reference.url}, floor on ${floor.url}`);

    const users = await prepareUsers(api, pool);
    // Before the checks below create tasks: the plans read the seeded layout, not the bench's own rows.
    explained = await explain(pool, users);
    statements = await checkFloorSql(users);
    await checkResponses(api, floor, reference, users);

    // JIT warm-up: the first thousands of requests run unoptimised code (the API's far more than the floor's).
    rssBeforeLoad = currentRssMb(api.child.pid!);
    // A mix of every workload's requests, so that no workload is measured on colder code than another.
    const mix = [...variantsFor('W1', users), ...variantsFor('W2', users), ...variantsFor('W3', users), ...variantsFor('W5', users)];
    process.stdout.write(`\nJIT warm-up: a mix of W1, W2, W3 and W5 for ${opts.jitWarmup} s on each ... `);
    for (const target of [api, reference, floor]) {
      await wrk(target, mix, opts.connections, opts.jitWarmup, '"data"');
    }
    process.stdout.write('done');
    instrument = await checkLoadGenerator(floor, users);

    // Each round measures every workload on the API, the reference and the floor; the rounds are combined by
    // their median. Two identical runs on this machine's shared cores differed by up to 20 %.
    type Measured = { main: LoadResult; logins?: LoadResult; single?: LoadResult };
    const rounds: Partial<Record<WorkloadId, Partial<Record<Target['name'], Measured[]>>>> = {};
    for (let round = 1; round <= opts.rounds; round++) {
      for (const workload of selected) {
        const id = workload.id;
        if (id === FAN_OUT) continue;
        const perTarget = (rounds[id] ??= {});
        for (const target of API_ONLY.includes(id) ? [api] : [api, reference, floor]) {
          const label = opts.rounds > 1 ? ` (round ${round}/${opts.rounds})` : '';
          process.stdout.write(`\n${id} ${workload.title} on ${target.name}${label} ... `);
          const runs = [{ variants: variantsFor(id, users), connections: opts.connections, expect: EXPECT[id] }];
          if (id === 'W4') runs.push({ variants: variantsFor('LOGIN', users), connections: opts.loginClients, expect: '"AuthPayload"' });
          const [main, logins] = await measure(target, pool, runs);
          const measured: Measured = { main: main!, logins };
          process.stdout.write(`${fmtInt(Math.round(main!.rps))} req/s, p50 ${main!.p50Ms.toFixed(1)} ms, p99 ${main!.p99Ms.toFixed(1)} ms, ` +
            `${us(main!.cpuMsPerRequest)}+${us(main!.dbCpuMsPerRequest)} us CPU/req` +
            (logins ? `; logins ${logins.rps.toFixed(1)}/s, p99 ${logins.p99Ms.toFixed(0)} ms` : '') +
            (main!.failures ? `; ${main!.failures} FAILED` : '') +
            (main!.otherCores > OTHER_LOAD_WARNING ? `; WARNING: other processes used ${main!.otherCores.toFixed(2)} cores` : '') +
            (main!.stealCores > OTHER_LOAD_WARNING ? `; WARNING: the hypervisor took ${main!.stealCores.toFixed(2)} cores (steal)` : ''));
          if (id === 'W5') {
            // The same search from one client: the query's own latency, without 32-deep queueing.
            const [single] = await measure(target, pool, [{ ...runs[0]!, connections: 1 }], 0, Math.max(2, Math.round(opts.duration / 2)));
            measured.single = single;
            process.stdout.write(`; 1 client: p50 ${single!.p50Ms.toFixed(1)} ms, p99 ${single!.p99Ms.toFixed(1)} ms, ${us(single!.cpuMsPerRequest)}+${us(single!.dbCpuMsPerRequest)} us CPU/search`);
          }
          (perTarget[target.name] ??= []).push(measured);
        }
      }
    }
    rss = { api: peakRssMb(api.child.pid!), reference: peakRssMb(reference.child.pid!), floor: peakRssMb(floor.child.pid!) };
    for (const workload of selected) {
      const id = workload.id;
      if (id === FAN_OUT) continue;
      const measured = rounds[id]!;
      const combined = Object.fromEntries(
        Object.entries(measured).map(([name, list]) => [name, combine(list.map((m) => m.main))]),
      ) as Partial<Record<Target['name'], LoadResult>>;
      const a = combined.api!;
      const stats = (name: Target['name']): TargetStats | undefined => {
        const t = combined[name];
        if (!t) return undefined;
        return {
          rps: r1(t.rps), p50Ms: r2(t.p50Ms), p99Ms: r2(t.p99Ms),
          cpuMsPerRequest: r3(t.cpuMsPerRequest), dbCpuMsPerRequest: r3(t.dbCpuMsPerRequest), failures: t.failures,
          ...(combined.floor && { ratio: r3(t.rps / combined.floor.rps) }),
          ...(opts.rounds > 1 && {
            rounds: measured[name]!.map((m) => r1(m.main.rps)),
            cpuRounds: measured[name]!.map((m) => r3(m.main.cpuMsPerRequest)),
          }),
        };
      };
      const logins = (name: Target['name']) => {
        const list = (measured[name] ?? []).flatMap((m) => (m.logins ? [m.logins] : []));
        return list.length ? combine(list) : undefined;
      };
      const loginStats = (l: LoadResult): LoginStats => ({ logins: l.requests, perSecond: r1(l.rps), p50Ms: r1(l.p50Ms), p99Ms: r1(l.p99Ms), failures: l.failures });
      const all = Object.values(combined);
      reports[id] = {
        title: workload.title,
        requests: a.requests,
        statements: statements[id] ?? null,
        api: stats('api')!,
        reference: stats('reference'),
        floor: stats('floor'),
        ratio: combined.floor ? r3(a.rps / combined.floor.rps) : null,
        loadgenCores: r2(Math.max(...all.map((t) => t.loadgenCores))),
        otherCores: r2(Math.max(...all.map((t) => t.otherCores))),
        stealCores: r2(Math.max(...all.map((t) => t.stealCores))),
        ...(id === 'W4' && {
          logins: Object.fromEntries((['api', 'reference', 'floor'] as const).flatMap((name) => {
            const l = logins(name);
            return l ? [[name, loginStats(l)]] : [];
          })),
        }),
        ...(id === 'W5' && {
          singleClient: Object.fromEntries(Object.entries(measured).map(([name, list]) => {
            const single = combine(list.map((m) => m.single!));
            return [name, { p50Ms: r2(single.p50Ms), p99Ms: r2(single.p99Ms), cpuMsPerSearch: r3(single.cpuMsPerRequest), dbCpuMsPerSearch: r3(single.dbCpuMsPerRequest) }];
          })),
        }),
      };
    }
    if (selected.some((w) => w.id === FAN_OUT)) {
      const count = Math.min(opts.fanoutUsers, opts.users);
      process.stdout.write(`\nW8 fan-out: ${count} users x ${opts.fanoutSubscriptions} graphql-ws subscriptions, ${opts.fanoutRate} createTask/s for ${opts.duration} s ... `);
      const tokens = await Promise.all(Array.from({ length: count }, (_, i) => login(api, i + 1)));
      const window = await cpuWindow(api, pool);
      const result = await fanOut(api.url, { tokens, subscriptionsPerUser: opts.fanoutSubscriptions, createsPerSecond: opts.fanoutRate, seconds: opts.duration });
      const cpu = await window();
      fanout = {
        ...result,
        eventsPerSecond: r1(result.eventsPerSecond), p50Ms: r1(result.p50Ms), p99Ms: r1(result.p99Ms), maxMs: r1(result.maxMs),
        serverCpuMsPerEvent: r3(cpu.target / (result.eventsDelivered || 1)), dbCpuMsPerEvent: r3(cpu.db / (result.eventsDelivered || 1)),
      };
      process.stdout.write(`${fmtInt(result.eventsDelivered)} of ${fmtInt(result.eventsExpected)} events, ${fanout.eventsPerSecond}/s, ` +
        `delivery p50 ${fanout.p50Ms} ms, p99 ${fanout.p99Ms} ms, ${us(fanout.serverCpuMsPerEvent)}+${us(fanout.dbCpuMsPerEvent)} us CPU/event`);
    }
    console.log();
    await stop(api);
    targets.splice(targets.indexOf(api), 1);
    const pct = (share: GcShare) => `${(share.measured * 100).toFixed(1)} % (whole run ${(share.wholeRun * 100).toFixed(1)} %)`;
    process.stdout.write('\nGC share: W1 on a profiled API ... ');
    gcRuns.api = await gcShare(users);
    process.stdout.write(`${pct(gcRuns.api)} of CPU samples; the yoga reference with the same flags ... `);
    gcRuns.reference = await gcShare(users, 'reference');
    process.stdout.write(`${pct(gcRuns.reference)}; the floor with the same flags ... `);
    gcRuns.floor = await gcShare(users, 'floor');
    process.stdout.write(`${pct(gcRuns.floor)}\nEmbedded database (PGlite): idle, then createTask ... `);
    embedded = await pgliteMemory();
    process.stdout.write(`idle ${embedded.idleRssMb} MB, peak ${embedded.peakRssMb} MB at ${embedded.createTaskRps} createTask/s\n`);
  } catch (error) {
    for (const target of targets) console.error(`--- ${target.name} output:\n${target.output().slice(-3000)}`);
    throw error;
  } finally {
    await Promise.all(targets.map(stop));
    await pool.end();
  }

  printTable(reports);
  console.log(`API RSS on PostgreSQL: ${rssBeforeLoad} MB before the load, peak (VmHWM) ${rss.api} MB; yoga reference peak ${rss.reference} MB; floor peak ${rss.floor} MB`);
  if (fanout) {
    console.log(`W8 fan-out: ${fanout.subscriptions} subscriptions, ${fanout.tasksCreated} tasks created: ${fmtInt(fanout.eventsDelivered)} of ${fmtInt(fanout.eventsExpected)} events delivered, ` +
      `${fanout.eventsPerSecond}/s, delivery p50 ${fanout.p50Ms} ms, p99 ${fanout.p99Ms} ms (from sending createTask), ${us(fanout.serverCpuMsPerEvent)}+${us(fanout.dbCpuMsPerEvent)} us CPU per event`);
  }
  console.log(`API RSS on PGlite: ${embedded?.idleRssMb} MB idle after start, peak ${embedded?.peakRssMb} MB under createTask`);
  const disturbed = Object.entries(reports).filter(([, r]) => r.otherCores > OTHER_LOAD_WARNING);
  if (disturbed.length) {
    console.log(`WARNING: other processes on this machine used CPU during ${disturbed.map(([id, r]) => `${id} (${r.otherCores} cores)`).join(', ')}: those numbers are disturbed.`);
  }
  const stolen = Object.entries(reports).filter(([, r]) => r.stealCores > OTHER_LOAD_WARNING);
  if (stolen.length) {
    console.log(`WARNING: the hypervisor took CPU from this VM (steal) during ${stolen.map(([id, r]) => `${id} (${r.stealCores} cores)`).join(', ')}: req/s and latencies are low; CPU per request still holds.`);
  }

  const steadiness = machineSteadiness(reports);
  if (steadiness) {
    console.log(`Machine steadiness: the floor's server CPU per request varied by up to ${pctOf(steadiness.spread)} between rounds ` +
      `(${steadiness.workload}: ${steadiness.cpuRoundsUs.join(', ')} us).`);
    if (!steadiness.steady) {
      console.log(`WARNING: the floor did the same work at different CPU cost in different rounds: the host's cores were shared or slowed ` +
        `without showing as steal. Absolute CPU per request and req/s are disturbed; the ratios to the floor and the yoga reference hold better.`);
    }
  }

  const targetsMet = evaluateTargets(reports, rss.api ?? null, explained, instrument, steadiness, gcRuns, embedded);
  if (fanout) {
    targetsMet.push({ name: 'W8 every event delivered', value: `${fanout.eventsDelivered} of ${fanout.eventsExpected}`, limit: 'all', met: fanout.eventsDelivered === fanout.eventsExpected && fanout.createFailures === 0 });
  }
  console.log('\nTargets:');
  for (const t of targetsMet) console.log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value} (${t.limit})`);

  const results = {
    generatedAt: new Date().toISOString(),
    mode,
    machine: {
      cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version, postgres: await serverVersion(), loadGenerator: `wrk ${wrkVersion()}`,
    },
    seed: { users: marker.users, tasksPerUser: marker.tasksPerUser, searchUserTasks: marker.searchUserTasks },
    settings: { serverTuning: { nodeArgs: [...START_PROD_NODE_ARGS, ...opts.serverNodeArgs], env: opts.serverEnv }, connections: opts.connections, wrkThreads: 1, loginClients: opts.loginClients, warmupSeconds: opts.warmup, durationSeconds: opts.duration, rounds: opts.rounds, logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    loadGeneratorCheck: instrument,
    machineSteadiness: steadiness,
    workloads: reports,
    gcShareOfCpuSamples: gcRuns.api ? r3(gcRuns.api.measured) : null,
    gcShareOfCpuSamplesReference: gcRuns.reference ? r3(gcRuns.reference.measured) : null,
    gcShareOfCpuSamplesFloor: gcRuns.floor ? r3(gcRuns.floor.measured) : null,
    // The same three from each process's start (module loading and the JIT's warm-up included).
    gcShareOfCpuSamplesWholeRun: gcRuns.api ? r3(gcRuns.api.wholeRun) : null,
    gcShareOfCpuSamplesWholeRunReference: gcRuns.reference ? r3(gcRuns.reference.wholeRun) : null,
    gcShareOfCpuSamplesWholeRunFloor: gcRuns.floor ? r3(gcRuns.floor.wholeRun) : null,
    serverRssPeakMb: rss.api,
    serverRssBeforeLoadMb: rssBeforeLoad,
    referenceRssPeakMb: rss.reference,
    floorRssPeakMb: rss.floor,
    pglite: embedded,
    fanout,
    explain: explained,
    targets: targetsMet,
  };
  // Partial or tuned runs do not replace the committed results.
  const custom = opts.only !== null || opts.serverNodeArgs.length > 0 || Object.keys(opts.serverEnv).length > 0;
  const file = custom ? 'custom-run.tmp' : quick ? 'quick-run.tmp' : 'latest.json';
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${file}`, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote bench/results/${file} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
  // The run passes its own validity check and the targets, or says it does not.
  if (!instrument?.valid) process.exitCode = 2;
}

function evaluateTargets(
  reports: Partial<Record<WorkloadId, WorkloadReport>>,
  rssMb: number | null,
  explained: Awaited<ReturnType<typeof explain>> | undefined,
  instrument: Awaited<ReturnType<typeof checkLoadGenerator>> | undefined,
  steadiness: ReturnType<typeof machineSteadiness>,
  gcRuns: Partial<Record<'api' | 'reference' | 'floor', GcShare>>,
  embedded: Awaited<ReturnType<typeof pgliteMemory>> | null,
) {
  const out: { name: string; value: string; limit: string; met: boolean }[] = [];
  const { W1, W2, W3, W4, W5 } = reports;
  if (instrument) out.push({ name: 'load generator not the bottleneck', value: `floor 1 thread / 2 threads = ${instrument.ratio.toFixed(2)}`, limit: '>= 0.70', met: instrument.valid });
  if (steadiness) {
    out.push({
      name: 'machine steady between rounds',
      value: `the floor's CPU per request varied by ${pctOf(steadiness.spread)} (${steadiness.workload})`,
      limit: `<= ${pctOf(STEADY_SPREAD)}`,
      met: steadiness.steady,
    });
  }
  for (const [id, r] of [['W1', W1], ['W2', W2], ['W3', W3]] as const) {
    if (r?.ratio != null) out.push({ name: `${id} ratio to floor`, value: r.ratio.toFixed(2), limit: '>= 0.25', met: r.ratio >= 0.25 });
  }
  if (W1) {
    out.push({ name: 'server CPU per W1 request', value: `${us(W1.api.cpuMsPerRequest)} us`, limit: '<= 400 us', met: W1.api.cpuMsPerRequest <= 0.4 });
    out.push({ name: 'PostgreSQL CPU per W1 request', value: `${us(W1.api.dbCpuMsPerRequest)} us`, limit: '<= 120 us', met: W1.api.dbCpuMsPerRequest <= 0.12 });
  }
  if (W1 && W2) {
    const r = W2.api.rps / W1.api.rps;
    out.push({ name: 'W2 req/s vs W1', value: `${r.toFixed(2)} x W1`, limit: '>= 0.9 x W1', met: r >= 0.9 });
  }
  const pages = explained?.usersCompared;
  if (pages) {
    out.push({
      name: 'W2 SQL buffers vs W1',
      value: `median over ${pages.users} users ${pages.w2Median} vs ${pages.w1Median}`,
      limit: '<= W1',
      met: pages.w2Median <= pages.w1Median,
    });
  }
  if (W1 && W4?.logins?.api) {
    const r = W4.api.p99Ms / W1.api.p99Ms;
    out.push({ name: 'W4 p99 vs W1 p99', value: `${W4.api.p99Ms.toFixed(1)} ms = ${r.toFixed(2)} x`, limit: '<= 3 x', met: r <= 3 });
    const l = W4.logins.api;
    out.push({ name: 'W4 logins complete', value: `${l.logins} logins, ${l.failures} failed`, limit: '> 0, none failed', met: l.logins > 0 && l.failures === 0 });
  }
  const single = W5?.singleClient?.api;
  if (single) out.push({ name: 'W5 p99 from one client', value: `${single.p99Ms.toFixed(1)} ms`, limit: '< 50 ms', met: single.p99Ms < 50 });
  if (rssMb !== null) out.push({ name: 'API peak RSS under load', value: `${rssMb} MB`, limit: '< 250 MB', met: rssMb < 250 });
  const gc = gcRuns.api?.measured;
  const gcReference = gcRuns.reference?.measured;
  const gcFloor = gcRuns.floor?.measured;
  if (gc !== undefined) {
    const others = [
      gcReference === undefined ? null : `yoga reference ${(gcReference * 100).toFixed(1)} %`,
      gcFloor === undefined ? null : `floor ${(gcFloor * 100).toFixed(1)} %`,
    ].filter(Boolean);
    out.push({ name: 'GC share of CPU samples (W1)', value: `${(gc * 100).toFixed(1)} %${others.length ? ` (${others.join(', ')})` : ''}`, limit: '< 5 %', met: gc < 0.05 });
  }
  if (embedded?.idleRssMb != null) out.push({ name: 'PGlite RSS idle', value: `${embedded.idleRssMb} MB`, limit: '< 200 MB', met: embedded.idleRssMb < 200 });
  if (embedded?.peakRssMb != null) out.push({ name: 'PGlite RSS under load', value: `${embedded.peakRssMb} MB`, limit: '< 300 MB', met: embedded.peakRssMb < 300 });
  const failed = Object.entries(reports).filter(([, r]) => [r.api, r.reference, r.floor].some((t) => t && t.failures > 0));
  out.push({ name: 'failed requests', value: failed.map(([id]) => id).join(', ') || '0', limit: '0', met: failed.length === 0 });
  return out;
}

/** How much more CPU per request the floor's costliest round took than its cheapest, above which a run is unsteady. */
const STEADY_SPREAD = 0.2;
const pctOf = (fraction: number) => `${Math.round(fraction * 100)} %`;

/**
 * The floor does the same work in every round, so its CPU per request should not move between rounds. On a
 * shared host it does (measured on this machine: 170 to 295 us for the floor's W1 in one run, no steal
 * reported), and then every absolute figure of that run moves with it. Null with one round.
 */
function machineSteadiness(reports: Partial<Record<WorkloadId, WorkloadReport>>) {
  let worst: { workload: string; cpuRoundsUs: number[]; spread: number } | null = null;
  // The page workloads: their work per request is fixed (W3 grows the table, W4 adds logins at their own pace).
  for (const id of ['W1', 'W2'] as const) {
    const rounds = reports[id]?.floor?.cpuRounds;
    if (!rounds || rounds.length < 2) continue;
    const spread = Math.max(...rounds) / Math.min(...rounds) - 1;
    if (!worst || spread > worst.spread) worst = { workload: id, cpuRoundsUs: rounds.map((ms) => Math.round(ms * 1000)), spread: r3(spread) };
  }
  return worst && { ...worst, steady: worst.spread <= STEADY_SPREAD };
}

async function serverVersion(): Promise<string> {
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>('SHOW server_version');
    await client.end();
    return rows[0]!.v;
  } catch {
    return 'unknown';
  }
}

main().then(
  // Some library timers (rate-limit windows, pools) would keep the process alive for a while after the report.
  () => process.exit(0),
).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});


