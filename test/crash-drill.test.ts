// Crash drill: two server processes on one PostgreSQL database and one Redis; a client writes through both
// with client-made ids and Idempotency-Key, retrying on the other instance when one fails; one instance
// is killed with SIGKILL mid-load. Afterwards every acknowledged write exists exactly once, every due
// reminder fired exactly once, a subscriber of the dead instance resumed on the survivor with
// changes(after:) and has every change exactly once, and the request budget counted both instances'
// spending in Redis. Needs TEST_DB=postgres and REDIS_TEST_URL.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_JWT_SECRET, uniqueEmail } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { freePort, startServer, type ServerProcess } from './helpers/process.ts';
import { globalId, sleep } from './helpers/tasks.ts';

const redisUrl = process.env.REDIS_TEST_URL!;
const prefix = `drill-${process.pid}-${randomBytes(6).toString('hex')}`;

const WRITES = 48;
const WRITERS = 3;
/** Acknowledged writes before the kill: the rest of the load runs on the survivor alone. */
const KILL_AFTER = 15;
/** A crashed request's key is free for a retry after this (IDEMPOTENCY_LEASE_SECONDS; 60 by default). */
const LEASE_SECONDS = 2;
const USER_BUDGET = 100_000;

let database: TestDatabase;
let doomed: ServerProcess; // killed mid-load
let survivor: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = (port: number) => ({
    PORT: String(port),
    NODE_ENV: 'production',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'taskapi-drill-')),
    DATABASE_URL: database.url!,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    REMINDER_POLL_SECONDS: '1',
    IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
    COST_BUDGET_PER_USER: String(USER_BUDGET),
    // The address budget is also in Redis; every request here comes from 127.0.0.1.
    COST_BUDGET_PER_ADDRESS: '1000000',
  });
  [doomed, survivor] = await Promise.all([startServer(env(await freePort())), startServer(env(await freePort()))]);
}, 60_000);

afterAll(async () => {
  for (const server of [doomed, survivor]) {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  await database?.drop();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

interface Cost {
  requestedQueryCost: number;
  throttleStatus: { budget: string; currentlyAvailable: number } | null;
}
interface Answer {
  status: number;
  replayed: boolean;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost?: Cost } };
}

async function post(server: ServerProcess, query: string, variables: Record<string, unknown>, token?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', body: (await res.json()) as Answer['body'] };
}

const CREATE = `mutation ($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id title } } ... on ValidationError { fieldErrors { path message } } } }`;

interface Write {
  id: string;
  title: string;
  remindAt?: string;
  key: string;
}

interface Log {
  acknowledged: Write[];
  /** Every budget status the client saw, with the instance that reported it. */
  costs: { server: string; available: number; cost: number }[];
  /** Requests that failed on the network (the killed instance) and were retried elsewhere. */
  networkFailures: number;
  retriedAfterLease: number;
  /** Writes whose first run committed on the dead instance: the retry found their id taken. */
  answeredByTheirId: number;
  /** Called as a write goes out to the instance to be killed. */
  sentToDoomed?: () => void;
}

/**
 * Sends one write until it is acknowledged: starts on `preferred`, and on a network failure, a 5xx or a
 * 409 (the key is still held by a request the dead instance never finished) tries the other instance.
 * A ValidationError on the id means an earlier attempt created the task but its answer was lost.
 */
async function writeUntilAcknowledged(write: Write, preferred: number, token: string, log: Log): Promise<void> {
  const servers = [doomed, survivor];
  for (let attempt = 0, index = preferred; attempt < 60; attempt++, index = 1 - index) {
    const server = servers[index]!;
    let answer: Answer;
    try {
      const sent = post(server, CREATE, { input: { id: write.id, title: write.title, remindAt: write.remindAt } }, token, { 'idempotency-key': write.key });
      if (server === doomed) log.sentToDoomed?.();
      answer = await sent;
    } catch {
      log.networkFailures++;
      continue;
    }
    if (answer.status === 409) {
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      log.retriedAfterLease++;
      await sleep(250);
      continue;
    }
    if (answer.status >= 500) continue;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const cost = answer.body.extensions?.cost;
    if (cost?.throttleStatus && !answer.replayed) log.costs.push({ server: server.url, available: cost.throttleStatus.currentlyAvailable, cost: cost.requestedQueryCost });
    const payload = answer.body.data!.createTask;
    if (payload.__typename === 'TaskPayload') {
      expect(payload.task).toEqual({ id: write.id, title: write.title });
    } else {
      // The first attempt ran to its commit on the dead instance, which died before keeping its answer.
      expect(payload.fieldErrors).toEqual([{ path: ['input', 'id'], message: expect.any(String) }]);
      log.answeredByTheirId++;
    }
    log.acknowledged.push(write);
    return;
  }
  throw new Error(`write ${write.title} never acknowledged`);
}

interface ChangeEvent {
  kind: string;
  nodeId: string;
  syncToken: string;
}

/** A changes(after:) subscriber that, when its instance goes away, resumes on the next one from its last token. */
class ResumingSubscriber {
  events: ChangeEvent[] = [];
  errors: unknown[] = [];
  servedBy: string[] = [];
  private client: Client | null = null;

  constructor(private readonly token: string, private lastToken: string) {}

  follow(servers: ServerProcess[]) {
    const server = servers[0]!;
    this.servedBy.push(server.url);
    const client = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${this.token}` }, retryAttempts: 0 });
    this.client = client;
    const moveOn = () => {
      void client.dispose();
      if (servers.length > 1) this.follow(servers.slice(1));
    };
    client.subscribe<{ changes: ChangeEvent }>(
      { query: 'subscription ($after: String) { changes(after: $after) { kind nodeId syncToken } }', variables: { after: this.lastToken } },
      {
        next: ({ data, errors }) => {
          if (errors) return void this.errors.push(...errors);
          this.events.push(data!.changes);
          this.lastToken = data!.changes.syncToken;
        },
        error: moveOn,
        complete: moveOn,
      },
    );
  }

  async close() {
    await this.client?.dispose();
  }
}

/** Reminders as a subscriber on one instance receives them. */
function reminderSubscriber(server: ServerProcess, token: string) {
  const received: { taskId: string; remindAt: string }[] = [];
  const client = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  client.subscribe<{ reminders: { remindAt: string; task: { id: string } } }>(
    { query: 'subscription { reminders { remindAt task { id } } }' },
    { next: ({ data }) => void received.push({ taskId: data!.reminders.task.id, remindAt: data!.reminders.remindAt }), error: () => {}, complete: () => {} },
  );
  return { received, close: () => client.dispose() };
}

describe('crash drill', () => {
  it('loses and doubles nothing when an instance is killed with SIGKILL mid-load', async () => {
    const started = Date.now();
    const signup = await post(survivor, 'mutation ($input: SignupInput!) { signup(input: $input) { ... on AuthPayload { accessToken } } }', {
      input: { email: uniqueEmail('drill'), password: 'correct horse battery' },
    });
    const token: string = signup.body.data.signup.accessToken;
    const startToken: string = (await post(survivor, '{ sync(first: 1) { syncToken } }', {}, token)).body.data.sync.syncToken;

    // A change subscriber on the instance about to die (it resumes elsewhere), a reminder subscriber on the survivor.
    const changes = new ResumingSubscriber(token, startToken);
    changes.follow([doomed, survivor]);
    const reminders = reminderSubscriber(survivor, token);
    // The reminder stream is live once a reminder due now arrives through it.
    const probe: Write = { id: globalId('Task', randomUUID()), title: 'drill probe', remindAt: new Date().toISOString(), key: randomUUID() };
    const log: Log = { acknowledged: [], costs: [], networkFailures: 0, retriedAfterLease: 0, answeredByTheirId: 0 };
    await writeUntilAcknowledged(probe, 1, token, log);
    await expect.poll(() => reminders.received.length, { timeout: 10_000, interval: 100 }).toBe(1);

    // The load: WRITERS clients, alternating instances, a third of the tasks with a reminder due in 1 to 4 s.
    const writes: Write[] = Array.from({ length: WRITES }, (_, i) => ({
      id: globalId('Task', randomUUID()),
      title: `drill ${i}`,
      key: randomUUID(),
      ...(i % 3 === 0 && { remindAt: new Date(Date.now() + 1_000 + (i / WRITES) * 3_000).toISOString() }),
    }));
    let next = 0;
    let killedAt = 0;
    // Once KILL_AFTER writes are acknowledged, the next write sent to the doomed instance is cut mid-request:
    // SIGKILL a few milliseconds after it goes out (after its key is claimed, or before, or after its commit).
    log.sentToDoomed = () => {
      if (killedAt || log.acknowledged.length < KILL_AFTER) return;
      killedAt = Date.now();
      setTimeout(() => doomed.child.kill('SIGKILL'), 15);
    };
    const writer = async (w: number) => {
      for (let i = next++; i < writes.length; i = next++) {
        await writeUntilAcknowledged(writes[i]!, (i + w) % 2, token, log);
        await sleep(40);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    expect(killedAt).toBeGreaterThan(0);
    expect(await doomed.exited).toBeNull(); // killed by a signal, no exit code
    expect(doomed.child.signalCode).toBe('SIGKILL');
    expect(log.acknowledged).toHaveLength(WRITES + 1);

    // Every acknowledged write is there exactly once (by id and by title), read through the survivor.
    const listed = await post(survivor, '{ tasks(first: 100) { totalCount edges { node { id title } } } }', {}, token);
    expect(listed.body.errors).toBeUndefined();
    const nodes: { id: string; title: string }[] = listed.body.data.tasks.edges.map((e: { node: unknown }) => e.node);
    expect(listed.body.data.tasks.totalCount).toBe(WRITES + 1);
    expect(new Set(nodes.map((n) => n.title)).size).toBe(nodes.length);
    expect(new Map(nodes.map((n) => [n.id, n.title]))).toEqual(new Map(log.acknowledged.map((w) => [w.id, w.title])));

    // Every reminder fires exactly once across both instances' schedulers (including those due while one died).
    const withReminder = [probe, ...writes].filter((w) => w.remindAt);
    const lastDue = Math.max(...withReminder.map((w) => Date.parse(w.remindAt!)));
    await expect.poll(() => reminders.received.length, { timeout: Math.max(0, lastDue - Date.now()) + 8_000, interval: 100 }).toBe(withReminder.length);
    await sleep(1_500); // a second firing of any of them would have arrived by now (polls every second)
    expect(reminders.received.map((r) => r.taskId).sort()).toEqual(withReminder.map((w) => w.id).sort());
    for (const reminder of reminders.received) {
      expect(reminder.remindAt).toBe(withReminder.find((w) => w.id === reminder.taskId)!.remindAt);
    }

    // The change subscriber lost its instance, resumed on the survivor from its last token, and has every
    // change exactly once: one CREATED per task, no gap, no duplicate at the seam.
    await expect.poll(() => changes.events.length, { timeout: 10_000, interval: 100 }).toBe(WRITES + 1);
    expect(changes.errors).toEqual([]);
    expect(changes.servedBy).toEqual([doomed.url, survivor.url]);
    expect(changes.events.every((e) => e.kind === 'CREATED')).toBe(true);
    expect(changes.events.map((e) => e.nodeId).sort()).toEqual(log.acknowledged.map((w) => w.id).sort());

    // The budget is one counter in Redis: every status either instance reported is a distinct point of one
    // sequence (two per-instance counters would both start at the top and repeat values), both instances
    // reported some, and the survivor's count includes everything the dead one charged.
    expect(new Set(log.costs.map((c) => c.server))).toEqual(new Set([doomed.url, survivor.url]));
    const available = log.costs.map((c) => c.available);
    expect(new Set(available).size).toBe(available.length);
    const me = await post(survivor, '{ me { id } }', {}, token);
    const final = me.body.extensions!.cost!.throttleStatus!;
    expect(final.budget).toBe('user');
    const charged = log.costs.reduce((sum, c) => sum + c.cost, 0) + me.body.extensions!.cost!.requestedQueryCost;
    expect(final.currentlyAvailable).toBeLessThanOrEqual(Math.min(...available) - me.body.extensions!.cost!.requestedQueryCost);
    expect(final.currentlyAvailable).toBeLessThanOrEqual(USER_BUDGET - charged);

    await Promise.all([changes.close(), reminders.close()]);
    console.info(`crash drill: ${Date.now() - started} ms, killed after ${killedAt - started} ms; ${log.networkFailures} network failures, ${log.retriedAfterLease} retries waiting out a lease, ${log.answeredByTheirId} answered by their taken id`);
  }, 60_000);
});
