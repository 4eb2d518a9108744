// Two app instances on one PostgreSQL database and one Redis (REDIS_URL, same REDIS_PREFIX): changes reach subscribers on the other instance (graphql-ws and SSE), reminders fire once in total, logout ends streams everywhere, users stay apart, and another prefix is another deployment.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openDatabase, type Database } from '../src/db/database.ts';
import { fireDueReminders } from '../src/jobs/reminders.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../src/live/websocket.ts';
import { createApp, type App } from '../src/yoga.ts';
import { testConfig, uniqueEmail } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { rawId, sleep } from './helpers/tasks.ts';

const redisUrl = process.env.REDIS_TEST_URL;
const missing = [
  !redisUrl && 'REDIS_TEST_URL (a Redis server)',
  process.env.TEST_DB !== 'postgres' && 'TEST_DB=postgres (the postgres project)',
].filter(Boolean);

// Redis outlives test runs and is shared by parallel runs: a prefix of our own for each run.
const runPrefix = `mi-${process.pid}-${randomBytes(6).toString('hex')}`;
const otherPrefix = `${runPrefix}-other`;

/** How long a negative check waits for an event that must not come (after a positive control arrived). */
const QUIET_MS = 700;

// ---- Instances: an app on its own HTTP server with graphql-ws, as src/server.ts serves it ----

interface Instance {
  name: string;
  app: App;
  url: string;
  close(): Promise<void>;
}

async function startInstance(name: string, db: Database, prefix: string): Promise<Instance> {
  const config = testConfig({
    REDIS_URL: redisUrl!,
    REDIS_PREFIX: prefix,
    SESSION_CHECK_SECONDS: '1',
  });
  const app = createApp(config, db);
  const server: Server = createServer(app.yoga);
  const ws: WebSocketEndpoint = attachWebSocket(server, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    app,
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      await ws.close();
      app.services.sessionWatch.endAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** A GraphQL request over real HTTP to one instance; fails the test on GraphQL errors. */
async function gql<T = any>(instance: Instance, query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, `${instance.name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
  return body.data!;
}

interface Account {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

const AUTH = '__typename ... on AuthPayload { accessToken refreshToken user { id } } ... on Error { message }';

async function signup(instance: Instance): Promise<Account> {
  const email = uniqueEmail('multi');
  const password = 'correct horse battery';
  const data = await gql(instance, `mutation ($input: SignupInput!) { signup(input: $input) { ${AUTH} } }`, { input: { email, password } });
  expect(data.signup.__typename, JSON.stringify(data.signup)).toBe('AuthPayload');
  return { email, password, userId: data.signup.user.id, accessToken: data.signup.accessToken, refreshToken: data.signup.refreshToken };
}

/** A second session of the same user. */
async function login(instance: Instance, account: Account): Promise<Account> {
  const data = await gql(instance, `mutation ($input: LoginInput!) { login(input: $input) { ${AUTH} } }`, {
    input: { email: account.email, password: account.password },
  });
  expect(data.login.__typename, JSON.stringify(data.login)).toBe('AuthPayload');
  return { ...account, accessToken: data.login.accessToken, refreshToken: data.login.refreshToken };
}

const TASK = 'id title remindAt version';

async function createTask(instance: Instance, token: string, input: Record<string, unknown>): Promise<{ id: string; title: string; remindAt: string | null; version: number }> {
  const data = await gql(instance, `mutation ($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { ${TASK} } } } }`, { input }, token);
  expect(data.createTask.__typename, JSON.stringify(data.createTask)).toBe('TaskPayload');
  return data.createTask.task;
}

async function renameTask(instance: Instance, token: string, id: string, title: string) {
  const data = await gql(instance, `mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { __typename ... on TaskPayload { task { ${TASK} } } } }`, { input: { id, title } }, token);
  expect(data.updateTask.__typename, JSON.stringify(data.updateTask)).toBe('TaskPayload');
  return data.updateTask.task;
}

async function syncToken(instance: Instance, token: string): Promise<string> {
  const data = await gql(instance, '{ sync(first: 1000) { syncToken hasMore } }', undefined, token);
  expect(data.sync.hasMore).toBe(false);
  return data.sync.syncToken;
}

// ---- Subscribers: what a stream delivered, with bounded waits ----

const CHANGES = `subscription ($after: String) { changes(after: $after) {
  kind nodeId nodeType syncToken node { __typename id ... on Task { title version } ... on TaskList { name } ... on Label { name } } } }`;
const REMINDERS = 'subscription { reminders { remindAt task { id title remindAt } } }';

interface ChangeEvent {
  kind: string;
  nodeId: string;
  nodeType: string;
  syncToken: string;
  node: { __typename: string; id: string; title?: string; version?: number; name?: string } | null;
}
interface ReminderEvent {
  remindAt: string;
  task: { id: string; title: string; remindAt: string | null };
}

class Subscriber {
  /** The `data` of every `next`, in order. */
  readonly events: any[] = [];
  readonly errors: unknown[] = [];
  ended = false;
  /** The WebSocket close code (graphql-ws subscribers). */
  closeCode: number | undefined;
  dispose: () => void = () => {};
  private readonly wakers = new Set<() => void>();

  constructor(readonly label: string) {}

  next(data: unknown) {
    this.events.push(data);
    this.wake();
  }
  fail(error: unknown) {
    this.errors.push(error);
    this.wake();
  }
  end() {
    this.ended = true;
    this.wake();
  }
  wake() {
    for (const waker of [...this.wakers]) waker();
  }

  /** Resolves once `condition` holds; fails after `ms` with what arrived so far. */
  async until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const waker = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.wakers.delete(waker);
        resolve();
      };
      const timer = setTimeout(() => {
        this.wakers.delete(waker);
        reject(new Error(`${this.label}: no ${what} within ${ms} ms; got ${JSON.stringify(this.events)}, errors ${JSON.stringify(this.errors.map(String))}, ended ${this.ended}, close code ${this.closeCode}`));
      }, ms);
      this.wakers.add(waker);
    });
  }

  /** Waits for at least `count` events and returns the first `count`. */
  async take(count: number, ms?: number): Promise<any[]> {
    await this.until(() => this.events.length >= count, `${count} event(s)`, ms);
    return this.events.slice(0, count);
  }
}

const open: Array<{ dispose(): void }> = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const subscriber of open.splice(0)) subscriber.dispose();
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

/** A graphql-ws subscription on one instance (its own socket). */
function wsSubscribe(instance: Instance, token: string, query: string, variables?: Record<string, unknown>): Subscriber {
  const subscriber = new Subscriber(`ws ${instance.name}`);
  const client = createClient({
    url: instance.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: (error) => subscriber.fail(error),
    on: {
      closed: (event) => {
        subscriber.closeCode = (event as { code?: number }).code;
        subscriber.wake();
      },
    },
  });
  clients.push(client);
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (result) => (result.errors ? subscriber.fail(result.errors) : subscriber.next(result.data)),
      error: (error) => subscriber.fail(error),
      complete: () => subscriber.end(),
    },
  );
  subscriber.dispose = unsubscribe;
  open.push(subscriber);
  return subscriber;
}

/** A subscription over server-sent events on one instance (POST with Accept: text/event-stream). */
function sseSubscribe(instance: Instance, token: string, query: string, variables?: Record<string, unknown>): Subscriber {
  const subscriber = new Subscriber(`sse ${instance.name}`);
  const abort = new AbortController();
  subscriber.dispose = () => abort.abort();
  open.push(subscriber);
  void (async () => {
    const response = await fetch(instance.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) {
      subscriber.fail(new Error(`HTTP ${response.status} ${await response.text()}`));
      return;
    }
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
        if (event === 'next') {
          const result = JSON.parse(data) as { data?: unknown; errors?: unknown[] };
          if (result.errors) subscriber.fail(result.errors);
          else subscriber.next(result.data);
        } else if (event === 'complete') {
          subscriber.end();
        }
      }
    }
    subscriber.end();
  })().catch((error) => {
    if (!abort.signal.aborted) subscriber.fail(error);
    subscriber.end();
  });
  return subscriber;
}

const changesOf = (subscriber: Subscriber): ChangeEvent[] => subscriber.events.map((data) => data.changes);
const remindersOf = (subscriber: Subscriber): ReminderEvent[] => subscriber.events.map((data) => data.reminders);

/**
 * A reminder subscription has no replay: probe it until it is live, by publishing a due reminder of a
 * probe task on the bus until the subscriber has one (probe events are told apart by their task id).
 */
async function untilRemindersLive(instance: Instance, account: Account, subscribers: Subscriber[]): Promise<string> {
  const probe = await createTask(instance, account.accessToken, { title: 'probe' });
  const hasProbe = (s: Subscriber) => remindersOf(s).some((r) => r.task.id === probe.id);
  const deadline = Date.now() + 5_000;
  for (;;) {
    await instance.app.services.bus.publishReminder(rawId(account.userId), { taskId: rawId(probe.id), remindAt: new Date().toISOString() });
    try {
      await Promise.all(subscribers.map((s) => s.until(() => hasProbe(s), 'probe reminder', 200)));
      return probe.id;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** One instance's scheduler: batches until one comes back short, as startReminders does. */
async function schedulerRound(instance: Instance, batchSize: number, now: Date): Promise<number> {
  let fired = 0;
  for (;;) {
    const count = await fireDueReminders(instance.app.services.sql, instance.app.services.bus, batchSize, now);
    fired += count;
    if (count < batchSize) return fired;
  }
}

// ---- Tests ----

if (missing.length) {
  describe('two instances on one database and one Redis', () => {
    it('runs only where its environment is set', () => {
      throw new Error(
        `test/multi-instance.test.ts needs ${missing.join(' and ')}; vitest.config.ts must leave it out of runs without them`,
      );
    });
  });
} else {
  describe('two instances on one database and one Redis', () => {
    let database: TestDatabase;
    let secondDb: Database;
    let a: Instance;
    let b: Instance;
    let other: Instance;

    beforeAll(async () => {
      database = await createTestDatabase();
      // Instance B has a connection pool of its own, as a second process would.
      secondDb = await openDatabase({ url: database.url!, poolSize: 5 });
      [a, b, other] = await Promise.all([
        startInstance('A', database.db, runPrefix),
        startInstance('B', secondDb, runPrefix),
        startInstance('other deployment', database.db, otherPrefix),
      ]);
    });
    afterAll(async () => {
      await Promise.all([a, b, other].map((instance) => instance?.close()));
      await secondDb?.close();
      await database?.drop();
    });

    it('a change made through A reaches subscribers on B, over graphql-ws and SSE', async () => {
      const user = await signup(a);
      const after = await syncToken(b, user.accessToken);
      const ws = wsSubscribe(b, user.accessToken, CHANGES, { after });
      const sse = sseSubscribe(b, user.accessToken, CHANGES, { after });

      // The first change may come through the replay after `after`; once it is in, both streams are live.
      const task = await createTask(a, user.accessToken, { title: 'Written through A' });
      for (const subscriber of [ws, sse]) {
        await subscriber.take(1);
        expect(changesOf(subscriber)[0]).toMatchObject({ kind: 'CREATED', nodeId: task.id, nodeType: 'Task', node: { __typename: 'Task', id: task.id, title: 'Written through A' } });
      }

      // From here on only a notification from A, through Redis, makes B read on.
      const renamed = await renameTask(a, user.accessToken, task.id, 'Renamed through A');
      const list = await gql(a, 'mutation ($input: CreateTaskListInput!) { createTaskList(input: $input) { __typename ... on TaskListPayload { taskList { id name } } } }', { input: { name: 'From A' } }, user.accessToken);
      expect(list.createTaskList.__typename).toBe('TaskListPayload');
      for (const subscriber of [ws, sse]) {
        await subscriber.take(3);
        expect(changesOf(subscriber).slice(1), subscriber.label).toMatchObject([
          { kind: 'UPDATED', nodeId: task.id, nodeType: 'Task', node: { id: task.id, title: 'Renamed through A', version: renamed.version } },
          { kind: 'CREATED', nodeId: list.createTaskList.taskList.id, nodeType: 'TaskList', node: { __typename: 'TaskList', name: 'From A' } },
        ]);
        expect(subscriber.errors, subscriber.label).toEqual([]);
      }
      // The last syncToken streamed on B is where sync (through A) stands.
      for (const subscriber of [ws, sse]) {
        const rest = await gql(a, 'query ($after: String) { sync(after: $after) { changes { nodeId } hasMore } }', { after: changesOf(subscriber)[2]!.syncToken }, user.accessToken);
        expect(rest.sync, subscriber.label).toEqual({ changes: [], hasMore: false });
      }
    });

    it('a due reminder fires once in total with both instances scheduling and subscribers on both', async () => {
      const user = await signup(a);
      const subscribers = [
        wsSubscribe(a, user.accessToken, REMINDERS),
        wsSubscribe(b, user.accessToken, REMINDERS),
        sseSubscribe(b, user.accessToken, REMINDERS),
      ];
      const probeId = await untilRemindersLive(a, user, subscribers);

      const remindAt = new Date(Date.now() - 60_000).toISOString();
      const tasks = [];
      for (let i = 0; i < 5; i++) tasks.push(await createTask(i % 2 ? a : b, user.accessToken, { title: `Reminder ${i}`, remindAt }));
      // Not yet due: the schedulers run "now" well past it; a task of the future stays armed.
      const later = await createTask(a, user.accessToken, { title: 'Later', remindAt: new Date(Date.now() + 3_600_000).toISOString() });

      // Both schedulers at once, in small batches so that they interleave.
      const now = new Date();
      const [firedA, firedB] = await Promise.all([schedulerRound(a, 2, now), schedulerRound(b, 2, now)]);
      expect(firedA + firedB).toBe(5);

      const wanted = tasks.map((task) => task.id).sort();
      const real = (s: Subscriber) => remindersOf(s).filter((r) => r.task.id !== probeId);
      for (const subscriber of subscribers) {
        await subscriber.until(() => real(subscriber).length >= 5, '5 reminders');
      }
      // Another round fires nothing: each reminder is spent.
      expect(await Promise.all([schedulerRound(a, 2, now), schedulerRound(b, 2, now)])).toEqual([0, 0]);
      await sleep(QUIET_MS);
      for (const subscriber of subscribers) {
        const received = real(subscriber);
        expect(received.map((r) => r.task.id).sort(), subscriber.label).toEqual(wanted);
        for (const reminder of received) {
          expect(reminder.remindAt, subscriber.label).toBe(remindAt);
          expect(reminder.task.remindAt).toBe(remindAt);
        }
        expect(received.some((r) => r.task.id === later.id)).toBe(false);
        expect(subscriber.errors, subscriber.label).toEqual([]);
      }
    });

    it('logout through A ends the streams of that session on B within 5 seconds (4403), not those of another session', async () => {
      const user = await signup(a);
      const otherSession = await login(a, user);
      const ws = wsSubscribe(b, user.accessToken, CHANGES, { after: await syncToken(b, user.accessToken) });
      const sse = sseSubscribe(b, user.accessToken, CHANGES, { after: await syncToken(b, user.accessToken) });
      const survivor = wsSubscribe(b, otherSession.accessToken, CHANGES, { after: await syncToken(b, otherSession.accessToken) });
      const first = await createTask(a, user.accessToken, { title: 'Before logout' });
      for (const subscriber of [ws, sse, survivor]) await subscriber.take(1);

      const loggedOut = Date.now();
      const data = await gql(a, 'mutation { logout { revokedSessions } }', undefined, user.accessToken);
      expect(data.logout.revokedSessions).toBe(1);

      await ws.until(() => ws.closeCode !== undefined, 'close', 5_000);
      expect(ws.closeCode).toBe(4403);
      await sse.until(() => sse.ended, 'end of stream', 5_000);
      expect(Date.now() - loggedOut).toBeLessThan(5_000);

      // The other session's stream on B goes on, and still hears A.
      const second = await createTask(a, otherSession.accessToken, { title: 'After logout' });
      await survivor.take(2);
      expect(changesOf(survivor).map((c) => c.nodeId)).toEqual([first.id, second.id]);
      expect(survivor.closeCode).toBeUndefined();
      expect(changesOf(ws).map((c) => c.nodeId)).toEqual([first.id]);
    });

    it('revocation takes effect at once on the other instance, although B remembers live sessions (logout, refresh-token logout, change of password)', async () => {
      const status = async (instance: Instance, token: string) =>
        (await fetch(instance.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ me { id } }' }),
        })).status;
      const user = await signup(a);
      const second = await login(a, user);
      const third = await login(a, user);
      // B has checked these sessions and remembers them live (SESSION_CACHE_SECONDS, 10 by default).
      for (const session of [user, second, third]) {
        expect(await status(b, session.accessToken)).toBe(200);
        expect(await status(b, session.accessToken)).toBe(200);
      }

      // Logout of the caller's own session through A: B refuses the very next request with it.
      await gql(a, 'mutation { logout { revokedSessions } }', undefined, user.accessToken);
      expect(await status(b, user.accessToken)).toBe(401);
      expect(await status(b, second.accessToken)).toBe(200);

      // Logout with a refresh token (no access token): the same.
      const byRefresh = await gql(a, 'mutation ($t: String!) { logout(input: { refreshToken: $t }) { revokedSessions } }', { t: second.refreshToken });
      expect(byRefresh.logout.revokedSessions).toBe(1);
      expect(await status(b, second.accessToken)).toBe(401);
      expect(await status(b, third.accessToken)).toBe(200);

      // A change of password through A ends every session: B refuses the last one at once too.
      const fourth = await login(a, user);
      expect(await status(b, fourth.accessToken)).toBe(200);
      const changed = await gql(
        a,
        'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on AuthPayload { accessToken } } }',
        { input: { currentPassword: user.password, newPassword: 'another correct horse' } },
        third.accessToken,
      );
      expect(changed.changePassword.__typename).toBe('AuthPayload');
      expect(await status(b, third.accessToken)).toBe(401);
      expect(await status(b, fourth.accessToken)).toBe(401);
      expect(await status(b, changed.changePassword.accessToken)).toBe(200);
    });

    it("a subscriber on B never receives anything of another user's writes through A", async () => {
      const writer = await signup(a);
      const bystander = await signup(a);
      const writerChanges = wsSubscribe(b, writer.accessToken, CHANGES, { after: await syncToken(b, writer.accessToken) });
      const bystanderChanges = wsSubscribe(b, bystander.accessToken, CHANGES, { after: await syncToken(b, bystander.accessToken) });
      const bystanderSse = sseSubscribe(b, bystander.accessToken, CHANGES, { after: await syncToken(b, bystander.accessToken) });
      const writerReminders = wsSubscribe(b, writer.accessToken, REMINDERS);
      const bystanderReminders = wsSubscribe(b, bystander.accessToken, REMINDERS);
      // The bystander's streams are live once its own first write arrives; the writer's likewise.
      const own = await createTask(a, bystander.accessToken, { title: 'Own task' });
      await bystanderChanges.take(1);
      await bystanderSse.take(1);
      const [writerProbe, bystanderProbe] = await Promise.all([
        untilRemindersLive(a, writer, [writerReminders]),
        untilRemindersLive(a, bystander, [bystanderReminders]),
      ]);
      await writerChanges.take(1); // the writer's probe task

      // The writer's writes through A: a task with a due reminder, an update, a list, a label, a delete.
      const due = await createTask(a, writer.accessToken, { title: 'Secret', remindAt: new Date(Date.now() - 1_000).toISOString() });
      await renameTask(a, writer.accessToken, due.id, 'Secret renamed');
      const list = await gql(a, 'mutation { createTaskList(input: { name: "Secret list" }) { __typename } }', undefined, writer.accessToken);
      const label = await gql(a, 'mutation { createLabel(input: { name: "secret" }) { __typename } }', undefined, writer.accessToken);
      expect([list.createTaskList.__typename, label.createLabel.__typename]).toEqual(['TaskListPayload', 'LabelPayload']);
      const gone = await createTask(a, writer.accessToken, { title: 'Secret, deleted' });
      const deleted = await gql(a, 'mutation ($input: DeleteTaskInput!) { deleteTask(input: $input) { __typename } }', { input: { id: gone.id } }, writer.accessToken);
      expect(deleted.deleteTask.__typename).toBe('DeleteTaskPayload');
      expect(await schedulerRound(a, 10, new Date())).toBe(1);

      // Positive control: all of it reached the writer on B.
      await writerChanges.until(() => changesOf(writerChanges).some((c) => c.nodeId === gone.id && c.kind === 'DELETED'), "the writer's delete");
      await writerReminders.until(() => remindersOf(writerReminders).some((r) => r.task.id === due.id), "the writer's reminder");

      // Then a last write of the bystander's own: it arrives after anything sent before it.
      const last = await createTask(a, bystander.accessToken, { title: 'Own last task' });
      await bystanderChanges.take(2);
      await bystanderSse.take(2);
      await sleep(QUIET_MS);
      for (const subscriber of [bystanderChanges, bystanderSse]) {
        expect(changesOf(subscriber).map((c) => c.nodeId), subscriber.label).toEqual([own.id, bystanderProbe, last.id]);
      }
      const bystanderSeen = JSON.stringify([bystanderChanges.events, bystanderSse.events, bystanderReminders.events]);
      expect(bystanderSeen).not.toContain('Secret');
      for (const id of [due.id, gone.id, writerProbe]) expect(bystanderSeen).not.toContain(id);
      expect(remindersOf(bystanderReminders).every((r) => r.task.id === bystanderProbe)).toBe(true);
    });

    it('an instance with another REDIS_PREFIX does not receive the first deployment’s events', async () => {
      const user = await signup(a);
      const sameDeployment = wsSubscribe(b, user.accessToken, CHANGES, { after: await syncToken(b, user.accessToken) });
      const otherChanges = wsSubscribe(other, user.accessToken, CHANGES, { after: await syncToken(other, user.accessToken) });
      const otherSse = sseSubscribe(other, user.accessToken, CHANGES, { after: await syncToken(other, user.accessToken) });
      const sameReminders = wsSubscribe(b, user.accessToken, REMINDERS);
      const otherReminders = wsSubscribe(other, user.accessToken, REMINDERS);

      // Every stream is live: a write through the other deployment reaches its own subscribers, probes
      // reach each reminder stream (the probe task through A makes B read on).
      const warmUp = await createTask(other, user.accessToken, { title: 'Through the other deployment' });
      for (const subscriber of [otherChanges, otherSse]) await subscriber.take(1);
      const probeA = await untilRemindersLive(a, user, [sameReminders]);
      const probeOther = await untilRemindersLive(other, user, [otherReminders]);
      await sameDeployment.until(() => changesOf(sameDeployment).some((c) => c.nodeId === probeA), 'the probe task through A');
      await otherChanges.until(() => changesOf(otherChanges).length === 3, 'the probe tasks');
      await otherSse.until(() => changesOf(otherSse).length === 3, 'the probe tasks');
      const seenByOther = [changesOf(otherChanges).length, changesOf(otherSse).length, remindersOf(otherReminders).length];

      // The first deployment's events: a change and a reminder through A.
      const task = await createTask(a, user.accessToken, { title: 'Through A', remindAt: new Date(Date.now() - 1_000).toISOString() });
      expect(await schedulerRound(a, 10, new Date())).toBe(1);
      await sameDeployment.until(() => changesOf(sameDeployment).some((c) => c.nodeId === task.id), 'the change through A');
      await sameReminders.until(() => remindersOf(sameReminders).some((r) => r.task.id === task.id), 'the reminder through A');

      await sleep(QUIET_MS);
      expect([changesOf(otherChanges).length, changesOf(otherSse).length, remindersOf(otherReminders).length]).toEqual(seenByOther);
      expect(changesOf(otherChanges).map((c) => c.nodeId)).toEqual([warmUp.id, probeA, probeOther]);
      expect(remindersOf(otherReminders).every((r) => r.task.id === probeOther)).toBe(true);
    });
  });
}
