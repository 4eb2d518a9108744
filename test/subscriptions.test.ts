// Subscription.changes and Subscription.reminders over real SSE and graphql-ws: delivery and commit order, isolation, auth, session binding, resume with after, the per-socket limit, rolled-back writes, and reminders.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.ts';
import { fireDueReminders } from '../src/jobs/reminders.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../src/live/websocket.ts';
import { createApp, type App } from '../src/yoga.ts';
import { startTestApp, TEST_JWT_SECRET, uniqueEmail, type TestApp } from './helpers/app.ts';
import { organizingClient, type OrganizingClient } from './helpers/organizing.ts';
import { sleep } from './helpers/tasks.ts';

let t: TestApp;
let server: Server;
let sockets: WebSocketEndpoint;
let httpUrl: string;
let wsUrl: string;
/** A second app on the same database that issues access tokens living 3 seconds (ACCESS_TOKEN_TTL_SECONDS). */
let shortLived: App;

beforeAll(async () => {
  t = await startTestApp({ env: { SESSION_CHECK_SECONDS: '1' } });
  server = createServer(t.app.yoga);
  sockets = attachWebSocket(server, t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  httpUrl = `http://127.0.0.1:${port}/graphql`;
  wsUrl = `ws://127.0.0.1:${port}/graphql`;
  shortLived = createApp(
    loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'taskapi-test-')),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_ACCOUNT: '1000',
      RATE_LIMIT_PER_ADDRESS: '100000',
      ACCESS_TOKEN_TTL_SECONDS: '3',
    }),
    t.database.db,
  );
});

afterAll(async () => {
  await sockets?.close();
  t?.app.services.sessionWatch.endAll();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await shortLived?.close();
  await t?.close();
});

// ---- Streams over both transports ----

type Transport = 'sse' | 'ws';
const TRANSPORTS: Transport[] = ['sse', 'ws'];

interface GqlError {
  message: string;
  extensions?: { code?: string };
}
interface ExecResult {
  data?: any;
  errors?: GqlError[];
}

/** One subscription: the results it received, whether (and how) it ended. */
class Stream {
  results: ExecResult[] = [];
  ended = false;
  endedAt = 0;
  /** WebSocket close code, when the socket closed under the subscription. */
  closeCode?: number;
  /** HTTP status (SSE). */
  status?: number;
  close: () => void = () => {};
  private listeners = new Set<() => void>();

  push(result: ExecResult) {
    this.results.push(result);
    this.notify();
  }
  end() {
    if (this.ended) return;
    this.ended = true;
    this.endedAt = Date.now();
    this.notify();
  }
  private notify() {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves true as soon as `predicate` holds, false after `timeoutMs` (a bounded wait). */
  until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const listener = () => {
        if (!predicate()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(predicate());
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** Every error of every result. */
  errors(): GqlError[] {
    return this.results.flatMap((result) => result.errors ?? []);
  }
}

/** Streams and clients of the running test, closed after it. */
const opened: { close(): void }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) {
    try {
      item.close();
    } catch {
      // already closed
    }
  }
});

/** A subscription over server-sent events: POST /graphql with Accept: text/event-stream, on the real HTTP server. */
async function subscribeSse(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Stream> {
  const stream = new Stream();
  const controller = new AbortController();
  stream.close = () => controller.abort();
  opened.push(stream);
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  stream.status = response.status;
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    stream.push((await response.json()) as ExecResult);
    stream.end();
    return stream;
  }
  void (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (event === 'next') stream.push(JSON.parse(data.join('\n')) as ExecResult);
          else if (event === 'complete') stream.end();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      stream.end();
    }
  })();
  return stream;
}

interface WsConnection {
  client: Client;
  /** Close codes of the socket, in order. */
  closeCodes: number[];
  connected: boolean;
}

/** A graphql-ws client (graphql-transport-ws) on the real server; `authorization` goes into connectionParams. */
function connectWs(authorization?: string, key = 'authorization'): WsConnection {
  const connection: WsConnection = { closeCodes: [], connected: false } as unknown as WsConnection;
  connection.client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(authorization !== undefined && { connectionParams: { [key]: authorization } }),
    on: {
      connected: () => {
        connection.connected = true;
      },
      closed: (event) => {
        connection.closeCodes.push((event as { code: number }).code);
      },
    },
  });
  opened.push({ close: () => void connection.client.dispose() });
  return connection;
}

/** A subscription on a graphql-ws connection. */
function subscribeOn(connection: WsConnection, query: string, variables: Record<string, unknown> = {}): Stream {
  const stream = new Stream();
  const unsubscribe = connection.client.subscribe(
    { query, variables },
    {
      next: (result) => stream.push(result as ExecResult),
      error: (error) => {
        if (Array.isArray(error)) stream.push({ errors: error as GqlError[] });
        else if (error && typeof (error as { code?: unknown }).code === 'number') stream.closeCode = (error as { code: number }).code;
        else stream.push({ errors: [{ message: String(error) }] });
        stream.end();
      },
      complete: () => stream.end(),
    },
  );
  stream.close = () => unsubscribe();
  opened.push(stream);
  return stream;
}

/** A subscription on a socket of its own. */
async function subscribe(transport: Transport, query: string, variables: Record<string, unknown>, token?: string): Promise<Stream> {
  if (transport === 'sse') return subscribeSse(query, variables, token);
  return subscribeOn(connectWs(token === undefined ? undefined : `Bearer ${token}`), query, variables);
}

// ---- Documents ----

const NODE = `__typename
  ... on Task { id title completed priority version remindAt subtaskCount completedSubtaskCount list { id } parent { id } labels { id } }
  ... on TaskList { id name color openTaskCount }
  ... on Label { id name color }`;
const CHANGES = `subscription Changes($after: String) { changes(after: $after) { kind nodeId nodeType syncToken node { ${NODE} } } }`;
const REMINDERS = `subscription Reminders { reminders { remindAt task { id title completed remindAt } } }`;
const SYNC = `query Sync($after: String) { sync(after: $after, first: 1000) { syncToken hasMore changes { kind nodeId nodeType syncToken node { ${NODE} } } } }`;

interface Change {
  kind: 'CREATED' | 'UPDATED' | 'DELETED';
  nodeId: string;
  nodeType: string;
  syncToken: string;
  node: any;
}

/** The Change of every result; fails on a result with errors. */
function changesOf(stream: Stream): Change[] {
  return stream.results.map((result) => {
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data.changes as Change;
  });
}

const describeChange = (change: Change) => `${change.kind} ${change.nodeType} ${change.nodeId}`;

/** Waits for at least `count` changes (bounded); fails with what did arrive. */
async function waitChanges(stream: Stream, count: number, timeoutMs = 5_000): Promise<Change[]> {
  const ok = await stream.until(() => stream.results.length >= count || stream.ended, timeoutMs);
  const changes = changesOf(stream);
  expect(ok && changes.length >= count, `expected ${count} changes, got ${JSON.stringify(changes.map(describeChange))} (ended: ${stream.ended})`).toBe(true);
  return changes;
}

/** Waits `ms` and asserts that nothing more arrived than `count` results. */
async function expectQuiet(stream: Stream, count: number, ms = 400) {
  await stream.until(() => stream.results.length > count, ms);
  expect(stream.results.slice(count), 'no further event').toEqual([]);
}

const RESTORE = `mutation ($input: RestoreTaskInput!) { restoreTask(input: $input) { __typename ... on TaskPayload { task { id } } } }`;
const UPDATE_TASKS = `mutation ($input: UpdateTasksInput!) { updateTasks(input: $input) { changedCount results { __typename } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken refreshToken } } }`;

interface User {
  email: string;
  password: string;
  token: string;
  api: OrganizingClient;
}

async function newUser(): Promise<User> {
  const signedUp = await t.signup();
  return { email: signedUp.email, password: signedUp.password, token: signedUp.accessToken, api: organizingClient(t, signedUp.accessToken) };
}

/** Another session (device) of the same user. */
async function login(user: User): Promise<User> {
  const res = await t.gql(LOGIN, { input: { email: user.email, password: user.password } });
  expect(res.data?.login?.__typename, JSON.stringify(res)).toBe('AuthPayload');
  return { ...user, token: res.data.login.accessToken, api: organizingClient(t, res.data.login.accessToken) };
}

/** Every page of sync from `after` (a full sync without it): the changes and the final token. */
async function drainSync(api: OrganizingClient, after?: string): Promise<{ changes: Change[]; syncToken: string }> {
  const changes: Change[] = [];
  let token = after;
  for (;;) {
    const res = await api.gql(SYNC, { after: token });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    changes.push(...res.data.sync.changes);
    token = res.data.sync.syncToken;
    if (!res.data.sync.hasMore) return { changes, syncToken: token! };
  }
}

/** The current sync token of the user (where a stream with after: starts). */
const currentToken = async (api: OrganizingClient) => (await drainSync(api)).syncToken;

const decodeId = (id: string) => Buffer.from(id, 'base64url').toString('utf8');

/** Checks the shape of a change: a global id of its type, node null exactly when DELETED, else the node itself. */
function expectWellFormed(change: Change) {
  expect(['Task', 'TaskList', 'Label']).toContain(change.nodeType);
  expect(decodeId(change.nodeId)).toMatch(new RegExp(`^${change.nodeType}:[0-9a-f-]{36}$`));
  expect(change.syncToken).toEqual(expect.any(String));
  if (change.kind === 'DELETED') expect(change.node).toBeNull();
  else expect(change.node).toMatchObject({ __typename: change.nodeType, id: change.nodeId });
}

/**
 * For a stream without `after`: makes probe tasks until one shows up on the stream, so the stream is live
 * (a change committed before the subscription started is not on it). Returns how many results came so far.
 */
async function goLive(stream: Stream, api: OrganizingClient): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await api.createTask({ title: `probe ${attempt}` });
    const seen = () => stream.results.some((result) => result.data?.changes?.nodeId === probe.id);
    if (await stream.until(seen, 300)) return stream.results.length;
  }
  throw new Error(`the stream never went live: ${JSON.stringify(stream.results)}`);
}

// ---- Delivery ----

describe.each(TRANSPORTS)('changes over %s: delivery', (transport) => {
  it('delivers one change per changed object after each mutation, with the current node', async () => {
    const user = await newUser();
    const { api } = user;
    const stream = await subscribe(transport, CHANGES, {}, user.token);
    let seen = await goLive(stream, api);
    const allChanges: Change[] = [];

    /** Runs one mutation and checks the changes it produced: exactly these objects, each once. */
    async function step(run: () => Promise<unknown>, expected: [Change['kind'], string, string][]) {
      await run();
      const changes = (await waitChanges(stream, seen + expected.length)).slice(seen, seen + expected.length);
      seen += expected.length;
      expect(changes.map(describeChange).sort()).toEqual(expected.map(([kind, type, id]) => `${kind} ${type} ${id}`).sort());
      changes.forEach(expectWellFormed);
      // Each node is the object as it is now (nothing changed since): the same as a query reads it.
      const live = changes.filter((change) => change.kind !== 'DELETED');
      const now = await api.read(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${NODE} } }`, { ids: live.map((change) => change.nodeId) });
      live.forEach((change, i) => expect.soft(change.node, `${describeChange(change)} is current`).toEqual(now.nodes[i]));
      allChanges.push(...changes);
      return new Map(changes.map((change) => [change.nodeId, change.node]));
    }

    // Ids chosen by the client (Part 2 "Ids that clients can make"), so each step knows its objects up front.
    const newId = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64url');
    const list = newId('TaskList');
    const label = newId('Label');
    const parent = newId('Task');
    const child1 = newId('Task');
    const child2 = newId('Task');

    let nodes = await step(() => api.createList('Home', { id: list }), [['CREATED', 'TaskList', list]]);
    expect.soft(nodes.get(list)).toMatchObject({ name: 'Home', openTaskCount: 0 });
    nodes = await step(() => api.createLabel('Errand', { id: label }), [['CREATED', 'Label', label]]);
    expect.soft(nodes.get(label)).toMatchObject({ name: 'Errand' });

    nodes = await step(() => api.createTask({ id: parent, title: 'Parent', listId: list }), [
      ['CREATED', 'Task', parent],
      ['UPDATED', 'TaskList', list],
    ]);
    expect.soft(nodes.get(list)).toMatchObject({ openTaskCount: 1 });

    nodes = await step(() => api.createTask({ id: child1, title: 'Child 1', parentId: parent }), [
      ['CREATED', 'Task', child1],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'TaskList', list],
    ]);
    expect.soft(nodes.get(parent)).toMatchObject({ subtaskCount: 1 });
    expect.soft(nodes.get(child1)).toMatchObject({ parent: { id: parent }, list: { id: list } });

    nodes = await step(() => api.createTask({ id: child2, title: 'Child 2', parentId: parent }), [
      ['CREATED', 'Task', child2],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'TaskList', list],
    ]);
    expect.soft(nodes.get(parent)).toMatchObject({ subtaskCount: 2 });
    expect.soft(nodes.get(list)).toMatchObject({ openTaskCount: 3 });

    nodes = await step(() => api.updateTask({ id: child1, title: 'Child one' }), [['UPDATED', 'Task', child1]]);
    expect.soft(nodes.get(child1)).toMatchObject({ title: 'Child one', version: 2 });

    // Completing the parent completes its subtree; the list's open count drops.
    nodes = await step(() => api.ok('setTaskCompleted', { id: parent, completed: true }, 'TaskPayload'), [
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'Task', child1],
      ['UPDATED', 'Task', child2],
      ['UPDATED', 'TaskList', list],
    ]);
    expect([parent, child1, child2].map((id) => nodes.get(id).completed)).toEqual([true, true, true]);
    expect.soft(nodes.get(parent)).toMatchObject({ completedSubtaskCount: 2 });
    expect.soft(nodes.get(list)).toMatchObject({ openTaskCount: 0 });

    // Reopening a subtask reopens its parent.
    nodes = await step(() => api.ok('setTaskCompleted', { id: child1, completed: false }, 'TaskPayload'), [
      ['UPDATED', 'Task', child1],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'TaskList', list],
    ]);
    expect.soft(nodes.get(parent)).toMatchObject({ completed: false, completedSubtaskCount: 1 });
    expect.soft(nodes.get(list)).toMatchObject({ openTaskCount: 2 });

    // Moving the open subtask out to the Inbox: its old parent and list lose a count.
    nodes = await step(() => api.ok('moveTask', { id: child1, listId: null, parentId: null }, 'TaskPayload'), [
      ['UPDATED', 'Task', child1],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'TaskList', list],
    ]);
    expect.soft(nodes.get(child1)).toMatchObject({ parent: null, list: null });
    expect.soft(nodes.get(parent)).toMatchObject({ subtaskCount: 1 });
    expect.soft(nodes.get(list)).toMatchObject({ openTaskCount: 1 });

    await step(() => api.ok('deleteTask', { id: child1 }, 'DeleteTaskPayload'), [['DELETED', 'Task', child1]]);

    nodes = await step(async () => {
      const res = await api.gql(RESTORE, { input: { id: child1 } });
      expect(res.data?.restoreTask?.__typename, JSON.stringify(res)).toBe('TaskPayload');
    }, [['CREATED', 'Task', child1]]);
    expect.soft(nodes.get(child1)).toMatchObject({ title: 'Child one', completed: false });

    nodes = await step(() => api.ok('updateTaskList', { id: list, name: 'House', color: '#ABCDEF' }, 'TaskListPayload'), [['UPDATED', 'TaskList', list]]);
    expect.soft(nodes.get(list)).toMatchObject({ name: 'House', color: '#abcdef' });

    nodes = await step(() => api.ok('updateLabel', { id: label, name: 'Errands' }, 'LabelPayload'), [['UPDATED', 'Label', label]]);
    expect.soft(nodes.get(label)).toMatchObject({ name: 'Errands' });

    // A bulk mutation: one change per object.
    nodes = await step(async () => {
      const res = await api.gql(UPDATE_TASKS, { input: { ids: [parent, child2, child1], set: { priority: 'HIGH', addLabelIds: [label] } } });
      expect(res.data?.updateTasks?.changedCount, JSON.stringify(res)).toBe(3);
    }, [
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'Task', child2],
      ['UPDATED', 'Task', child1],
    ]);
    for (const id of [parent, child1, child2]) expect.soft(nodes.get(id)).toMatchObject({ priority: 'HIGH', labels: [{ id: label }] });

    // Deleting a label changes every task that had it.
    nodes = await step(() => api.ok('deleteLabel', { id: label }, 'DeleteLabelPayload'), [
      ['DELETED', 'Label', label],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'Task', child2],
      ['UPDATED', 'Task', child1],
    ]);
    for (const id of [parent, child1, child2]) expect.soft(nodes.get(id)).toMatchObject({ labels: [] });

    // Deleting a list moves its tasks to the Inbox.
    nodes = await step(() => api.ok('deleteTaskList', { id: list }, 'DeleteTaskListPayload'), [
      ['DELETED', 'TaskList', list],
      ['UPDATED', 'Task', parent],
      ['UPDATED', 'Task', child2],
    ]);
    expect.soft(nodes.get(parent)).toMatchObject({ list: null });
    expect.soft(nodes.get(child2)).toMatchObject({ list: null, parent: { id: parent } });

    // A last mutation: nothing else arrived in between (the whole sequence lines up exactly).
    const sentinel = newId('Task');
    await step(() => api.createTask({ id: sentinel, title: 'Sentinel' }), [['CREATED', 'Task', sentinel]]);
    await expectQuiet(stream, seen, 200);

    // Every syncToken is distinct, and sync continues from any of them.
    const tokens = changesOf(stream).map((change) => change.syncToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    const last = allChanges.at(-1)!;
    expect((await drainSync(api, last.syncToken)).changes).toEqual([]);
    // From the token of the list rename on: the label, the three tasks, the list and the sentinel changed since.
    const renameIndex = allChanges.findIndex((change) => change.nodeId === list && change.node?.name === 'House');
    const since = await drainSync(api, allChanges[renameIndex]!.syncToken);
    expect(since.changes.map((change) => change.nodeId).sort()).toEqual([label, parent, child1, child2, list, sentinel].sort());
    expect(since.changes.at(-1)!.nodeId).toBe(sentinel);
  });

  it('delivers the events of one user in commit order (20 quick mutations)', async () => {
    const user = await newUser();
    const stream = await subscribe(transport, CHANGES, { after: await currentToken(user.api) }, user.token);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i % 3 === 0) ids.push((await user.api.createList(`List ${i}`)).id);
      else if (i % 3 === 1) ids.push((await user.api.createLabel(`Label ${i}`)).id);
      else ids.push((await user.api.createTask({ title: `Task ${i}` })).id);
    }
    const changes = await waitChanges(stream, 20);
    expect(changes.map((change) => change.nodeId)).toEqual(ids);
    expect(changes.map((change) => change.kind)).toEqual(Array(20).fill('CREATED'));
    changes.forEach(expectWellFormed);
    expect(new Set(changes.map((change) => change.syncToken)).size).toBe(20);
    await expectQuiet(stream, 20, 200);
    // sync after the 10th event's token reports exactly the 10 later objects, in the same order.
    expect((await drainSync(user.api, changes[9]!.syncToken)).changes.map((change) => change.nodeId)).toEqual(ids.slice(10));
    expect((await drainSync(user.api, changes[19]!.syncToken)).changes).toEqual([]);
  });
});

describe.each(TRANSPORTS)('changes over %s: many subscribers of one user', (transport) => {
  it('subscribers woken by the same change share one read of the change log, and each gets the change', async () => {
    const user = await newUser();
    const after = await currentToken(user.api);
    const streams = await Promise.all(Array.from({ length: 6 }, () => subscribe(transport, CHANGES, { after }, user.token)));
    // Every stream has replayed (nothing) and waits for notifications.
    const first = await user.api.createTask({ title: 'Warm-up' });
    for (const stream of streams) expect((await waitChanges(stream, 1))[0]!.nodeId).toBe(first.id);

    const recording = t.database.recordQueries();
    const task = await user.api.createTask({ title: 'Seen by six' });
    for (const stream of streams) {
      const changes = await waitChanges(stream, 2);
      expect(changes[1]).toMatchObject({ kind: 'CREATED', nodeId: task.id, node: { title: 'Seen by six' } });
    }
    recording.stop();
    // The change log's reads: the user's change value, then tasks, lists, labels, deletions (sync.ts), once
    // for the six subscribers rather than six times.
    const changeLogReads = recording.queries.filter((sql) => /"deletions"/.test(sql) && /SELECT/i.test(sql));
    expect(changeLogReads.length).toBeGreaterThanOrEqual(1);
    expect(changeLogReads.length).toBeLessThan(6);
  });
});

// ---- Isolation ----

describe.each(TRANSPORTS)('changes over %s: isolation', (transport) => {
  it("sends a user nothing of another user's writes", async () => {
    const a = await newUser();
    const b = await newUser();
    const streamA = await subscribe(transport, CHANGES, { after: await currentToken(a.api) }, a.token);
    const streamB = await subscribe(transport, CHANGES, { after: await currentToken(b.api) }, b.token);

    const list = await a.api.createList('Private');
    const task = await a.api.createTask({ title: 'Secret', listId: list.id });
    await a.api.updateTask({ id: task.id, title: 'Secret 2' });
    await a.api.ok('deleteTask', { id: task.id }, 'DeleteTaskPayload');
    await streamA.until(() => changesOf(streamA).some((change) => change.kind === 'DELETED' && change.nodeId === task.id), 5_000);
    const aIds = new Set([list.id, task.id]);
    expect(changesOf(streamA).some((change) => change.kind === 'DELETED' && change.nodeId === task.id)).toBe(true);
    expect(changesOf(streamA).every((change) => aIds.has(change.nodeId))).toBe(true);
    await expectQuiet(streamB, 0, 300);

    // B's own write reaches B (the positive control), and A's stream never carries it.
    const countA = streamA.results.length;
    const own = await b.api.createTask({ title: 'Mine' });
    const [mine] = await waitChanges(streamB, 1);
    expect(mine).toMatchObject({ kind: 'CREATED', nodeId: own.id, node: { title: 'Mine' } });
    await expectQuiet(streamA, countA, 300);
    await expectQuiet(streamB, 1, 0);
  });
});

// ---- Authentication ----

describe('changes: authentication', () => {
  it('answers an anonymous subscribe with UNAUTHENTICATED over SSE and graphql-ws', async () => {
    for (const transport of TRANSPORTS) {
      const stream = await subscribe(transport, CHANGES, {});
      await stream.until(() => stream.ended || stream.errors().length > 0, 5_000);
      expect(stream.errors().map((error) => error.extensions?.code), `${transport}: ${JSON.stringify(stream.results)}`).toEqual(['UNAUTHENTICATED']);
      expect(stream.results.every((result) => result.data?.changes == null)).toBe(true);
    }
    const reminders = await subscribe('ws', REMINDERS, {});
    await reminders.until(() => reminders.errors().length > 0, 5_000);
    expect(reminders.errors().map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // An empty authorization (what Apollo's auth link sends when signed out) is no token: anonymous, not 4403.
    const empty = subscribeOn(connectWs(''), CHANGES);
    await empty.until(() => empty.ended || empty.errors().length > 0, 5_000);
    expect(empty.closeCode).toBeUndefined();
    expect(empty.errors().map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('closes a socket with a bad token with 4403 at connection_init, and answers SSE with HTTP 401', async () => {
    const user = await newUser();
    const tampered = `${user.token.slice(0, -3)}${user.token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    for (const [authorization, key] of [['Bearer garbage'], [`Bearer ${tampered}`], ['Basic abc'], ['Bearer garbage', 'Authorization']]) {
      const connection = connectWs(authorization, key);
      const stream = subscribeOn(connection, CHANGES);
      expect(await stream.until(() => stream.ended, 5_000)).toBe(true);
      expect(stream.closeCode, authorization).toBe(4403);
      expect(connection.connected, 'never acknowledged').toBe(false);
      expect(stream.results).toEqual([]);
    }
    const sse = await subscribeSse(CHANGES, {}, tampered);
    expect(sse.status).toBe(401);
    await sse.until(() => sse.ended, 5_000);
    expect(sse.errors().map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(sse.results.every((result) => result.data == null)).toBe(true);
  });

  it('rejects an after token that does not decode or is not the caller\'s with BAD_USER_INPUT', async () => {
    const user = await newUser();
    const other = await newUser();
    const othersToken = await currentToken(other.api);
    for (const transport of TRANSPORTS) {
      for (const after of ['not a token', othersToken]) {
        const stream = await subscribe(transport, CHANGES, { after }, user.token);
        await stream.until(() => stream.ended || stream.errors().length > 0, 5_000);
        expect(stream.errors().map((error) => error.extensions?.code), `${transport} ${after}`).toEqual(['BAD_USER_INPUT']);
      }
    }
  });
});

// ---- Session binding ----

const LOGOUT = `mutation { logout { revokedSessions } }`;
const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }`;

/** A ws and an SSE change stream of `user`, both proven live by one event. */
async function liveStreams(user: User, writer: OrganizingClient) {
  const after = await currentToken(user.api);
  const ws = await subscribe('ws', CHANGES, { after }, user.token);
  const sse = await subscribe('sse', CHANGES, { after }, user.token);
  await writer.createTask({ title: 'ping' });
  await waitChanges(ws, 1);
  await waitChanges(sse, 1);
  return { ws, sse };
}

/** Asserts both streams ended within `limitMs` of `since`, the socket with 4403. */
async function expectEnded(streams: { ws: Stream; sse: Stream }, since: number, limitMs = 5_000) {
  const ended = await streams.ws.until(() => streams.ws.ended, limitMs + 500);
  const sseEnded = await streams.sse.until(() => streams.sse.ended, Math.max(0, since + limitMs + 500 - Date.now()));
  expect(ended && sseEnded, `ws ended: ${ended}, sse ended: ${sseEnded}`).toBe(true);
  expect(streams.ws.closeCode).toBe(4403);
  expect(streams.ws.endedAt - since).toBeLessThanOrEqual(limitMs);
  expect(streams.sse.endedAt - since).toBeLessThanOrEqual(limitMs);
}

describe('changes: a stream lives only as long as its session and token', () => {
  it('ends the streams of a session when it logs out, not those of other sessions', async () => {
    const first = await newUser();
    const second = await login(first);
    const ofSecond = await liveStreams(second, first.api);
    const ofFirst = await liveStreams(first, first.api);

    const res = await second.api.gql(LOGOUT);
    expect(res.data?.logout?.revokedSessions, JSON.stringify(res)).toBe(1);
    const loggedOutAt = Date.now();
    await expectEnded(ofSecond, loggedOutAt);

    // The first session's streams still run and deliver.
    expect(ofFirst.ws.ended || ofFirst.sse.ended).toBe(false);
    const [wsBefore, sseBefore] = [ofFirst.ws.results.length, ofFirst.sse.results.length];
    await first.api.createTask({ title: 'still here' });
    await waitChanges(ofFirst.ws, wsBefore + 1);
    await waitChanges(ofFirst.sse, sseBefore + 1);

    // The revoked token can no longer connect.
    const connection = connectWs(`Bearer ${second.token}`);
    const again = subscribeOn(connection, CHANGES);
    await again.until(() => again.ended, 5_000);
    expect(again.closeCode).toBe(4403);
    expect((await subscribeSse(CHANGES, {}, second.token)).status).toBe(401);
  });

  it('keeps a stream that starts while a session check runs: that check did not read its session', async () => {
    const first = await newUser();
    const second = await login(first);
    const ofFirst = await liveStreams(first, first.api); // a watched stream: the checks run every second
    const after = await currentToken(second.api); // the second session is now remembered: connecting reads nothing

    // Hold the next check in flight: the sessions table locked (on PGlite, the one connection taken).
    let started!: () => void;
    const locked = new Promise<void>((resolve) => (started = resolve));
    const held = t.database.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      started();
      await sleep(2_500);
    }, { timeout: 10_000 });
    await locked;
    await sleep(1_200); // a check has started and waits
    const late = subscribeOn(connectWs(`Bearer ${second.token}`), CHANGES, { after });
    await held;

    // Two more checks run, which read the late stream's session too; it lives on and delivers.
    await sleep(2_500);
    expect(late.ended, `closed with ${late.closeCode}`).toBe(false);
    await first.api.createTask({ title: 'after the check' });
    await waitChanges(late, 1);
    expect(ofFirst.ws.ended || ofFirst.sse.ended).toBe(false);
  });

  it('ends every stream of the user when the password changes', async () => {
    const first = await newUser();
    const second = await login(first);
    const streams = [await liveStreams(first, first.api), await liveStreams(second, first.api)];
    const res = await first.api.gql(CHANGE_PASSWORD, { input: { currentPassword: first.password, newPassword: 'another long password' } });
    expect(res.data?.changePassword?.__typename, JSON.stringify(res)).toBe('AuthPayload');
    const changedAt = Date.now();
    for (const pair of streams) await expectEnded(pair, changedAt);
  });

  it('ends the streams when the access token expires (ACCESS_TOKEN_TTL_SECONDS=3)', async () => {
    const email = uniqueEmail('short');
    const response = await shortLived.yoga.fetch('http://test.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation ($input: SignupInput!) { signup(input: $input) { ... on AuthPayload { accessToken accessTokenExpiresAt } } }`,
        variables: { input: { email, password: 'correct horse battery' } },
      }),
    });
    const { data } = (await response.json()) as { data: { signup: { accessToken: string; accessTokenExpiresAt: string } } };
    const expiresAt = Date.parse(data.signup.accessTokenExpiresAt);
    const user: User = { email, password: 'correct horse battery', token: data.signup.accessToken, api: organizingClient(t, data.signup.accessToken) };
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3_500);

    const streams = await liveStreams(user, user.api);
    expect(streams.ws.ended || streams.sse.ended, 'alive before expiry').toBe(false);
    const ended = await streams.ws.until(() => streams.ws.ended, expiresAt + 5_500 - Date.now());
    await streams.sse.until(() => streams.sse.ended, Math.max(0, expiresAt + 5_500 - Date.now()));
    expect(ended && streams.sse.ended).toBe(true);
    expect(streams.ws.closeCode).toBe(4403);
    for (const stream of [streams.ws, streams.sse]) {
      expect(stream.endedAt).toBeGreaterThanOrEqual(expiresAt - 1_000);
      expect(stream.endedAt).toBeLessThanOrEqual(expiresAt + 5_000);
    }

    // The expired token is refused at connection_init, and over HTTP.
    const connection = connectWs(`Bearer ${user.token}`);
    const again = subscribeOn(connection, CHANGES);
    await again.until(() => again.ended, 5_000);
    expect(again.closeCode).toBe(4403);
    expect(connection.connected).toBe(false);
    expect((await subscribeSse(CHANGES, {}, user.token)).status).toBe(401);
  });
});

// ---- Resume ----

describe.each(TRANSPORTS)('changes(after:) over %s', (transport) => {
  it('replays every change after the token, then live ones, with no gap and no duplicate under concurrent writes', async () => {
    const user = await newUser();
    const writer = await login(user);
    const { api } = user;
    const start = await currentToken(api);

    // 10 changes before subscribing.
    const r: string[] = [];
    for (let i = 1; i <= 8; i++) r.push((await api.createTask({ title: `R${i}` })).id);
    const list = await api.createList('Resume');
    await api.updateTask({ id: r[0]!, title: 'R1 again' });

    // Subscribe with after while another client makes 10 more changes.
    const n: string[] = [];
    const writes = (async () => {
      await writer.api.updateTask({ id: r[1]!, title: 'R2 again' });
      for (let i = 1; i <= 6; i++) n.push((await writer.api.createTask({ title: `N${i}` })).id);
      await writer.api.updateTask({ id: n[0]!, title: 'N1 again' });
      await writer.api.ok('moveTask', { id: r[2]!, listId: list.id }, 'TaskPayload');
      await writer.api.ok('deleteTask', { id: r[3]! }, 'DeleteTaskPayload');
    })();
    const [stream] = await Promise.all([subscribe(transport, CHANGES, { after: start }, user.token), writes]);

    // The server's state now; apply the stream to an empty replica until it matches.
    const final = new Map((await drainSync(api)).changes.map((change) => [change.nodeId, change.node]));
    const replica = () => {
      const state = new Map<string, unknown>();
      for (const change of changesOf(stream)) {
        if (change.kind === 'DELETED') state.delete(change.nodeId);
        else state.set(change.nodeId, change.node);
      }
      return state;
    };
    const matches = () => {
      const state = replica();
      return state.size === final.size && [...final].every(([id, node]) => JSON.stringify(state.get(id)) === JSON.stringify(node));
    };
    await stream.until(matches, 5_000);
    await expectQuiet(stream, stream.results.length, 200);
    // No gap: the replica holds exactly the server's objects, each in its current state.
    expect([...replica().keys()].sort()).toEqual([...final.keys()].sort());
    const differences = () => {
      const state = replica();
      return [...final.keys()]
        .filter((id) => JSON.stringify(state.get(id)) !== JSON.stringify(final.get(id)))
        .map((id) => ({ id: decodeId(id), streamed: state.get(id), server: final.get(id) }));
    };
    expect.soft(differences(), 'streamed nodes differ from the server state').toEqual([]);

    const changes = changesOf(stream);
    changes.forEach(expectWellFormed);
    // Every object appears; the trashed one as DELETED.
    const allIds = [...r, list.id, ...n];
    for (const id of allIds) expect(changes.some((change) => change.nodeId === id), decodeId(id)).toBe(true);
    expect(changes.filter((change) => change.nodeId === r[3]).at(-1)!.kind).toBe('DELETED');
    // No duplicate: each change once (distinct tokens), and an object changed once after the token appears once.
    expect(new Set(changes.map((change) => change.syncToken)).size).toBe(changes.length);
    for (const id of [r[4], r[5], r[6], r[7], n[1], n[2], n[3], n[4], n[5]]) {
      expect(changes.filter((change) => change.nodeId === id).length, decodeId(id!)).toBe(1);
    }
    // An object changed twice after the token appears at most twice.
    for (const id of [r[0], r[1], r[2], r[3], n[0], list.id]) expect(changes.filter((change) => change.nodeId === id).length, decodeId(id!)).toBeLessThanOrEqual(2);
    // And the stream's last token leaves nothing for sync.
    expect((await drainSync(api, changes.at(-1)!.syncToken)).changes).toEqual([]);
  });
});

// ---- Per-socket limit ----

describe('graphql-ws: at most 20 subscriptions per socket', () => {
  it('refuses the 21st subscription on a socket while 20 keep working, and frees a slot on complete', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const user = await newUser();
    const after = await currentToken(user.api);
    const connection = connectWs(`Bearer ${user.token}`);
    const streams = Array.from({ length: 20 }, () => subscribeOn(connection, CHANGES, { after }));
    const first = await user.api.createTask({ title: 'one' });
    for (const stream of streams) expect((await waitChanges(stream, 1))[0]!.nodeId).toBe(first.id);
    // Twenty listeners on one user's channel are expected, not a leak for Node to warn about on stderr.
    process.off('warning', onWarning);
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);

    const extra = subscribeOn(connection, CHANGES, { after });
    expect(await extra.until(() => extra.ended, 5_000)).toBe(true);
    expect(extra.errors().length).toBeGreaterThan(0);
    expect(extra.results.every((result) => result.data == null)).toBe(true);
    expect(extra.closeCode).toBeUndefined();

    const second = await user.api.createTask({ title: 'two' });
    for (const stream of streams) {
      const changes = await waitChanges(stream, 2);
      expect(changes.map((change) => change.nodeId)).toEqual([first.id, second.id]);
      expect(stream.ended).toBe(false);
    }
    expect(extra.results.filter((result) => result.data)).toEqual([]);

    // Completing one frees its slot.
    streams[0]!.close();
    await sleep(100);
    const replacement = subscribeOn(connection, CHANGES, { after });
    expect((await waitChanges(replacement, 2)).map((change) => change.nodeId)).toEqual([first.id, second.id]);
    expect(replacement.errors()).toEqual([]);

    // Subscriptions that failed (a bad after token) hold no slot: with 19 active, the 20th still works.
    streams[1]!.close();
    await sleep(100);
    for (let i = 0; i < 3; i++) {
      const failed = subscribeOn(connection, CHANGES, { after: 'not a token' });
      await failed.until(() => failed.ended, 5_000);
      expect(failed.errors().map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    const twentieth = subscribeOn(connection, CHANGES, { after });
    expect((await waitChanges(twentieth, 2)).map((change) => change.nodeId)).toEqual([first.id, second.id]);
  });

  it('refuses exactly one of 21 subscriptions sent at once', async () => {
    const user = await newUser();
    const after = await currentToken(user.api);
    const connection = connectWs(`Bearer ${user.token}`);
    const streams = Array.from({ length: 21 }, () => subscribeOn(connection, CHANGES, { after }));
    const task = await user.api.createTask({ title: 'burst' });
    for (const stream of streams) await stream.until(() => stream.ended || stream.results.length >= 1, 5_000);
    const refused = streams.filter((stream) => stream.errors().length > 0);
    const working = streams.filter((stream) => stream.results.some((result) => result.data?.changes?.nodeId === task.id));
    expect({ refused: refused.length, working: working.length }).toEqual({ refused: 1, working: 20 });
  });
});

// ---- Rolled-back and no-op writes ----

describe.each(TRANSPORTS)('changes over %s: writes that change nothing', (transport) => {
  it('emits no event for a failed or no-op mutation, and one for the next successful one', async () => {
    const user = await newUser();
    const { api } = user;
    await api.createList('Taken');
    const task = await api.createTask({ title: 'Stable' });
    const stream = await subscribe(transport, CHANGES, { after: await currentToken(api) }, user.token);

    expect((await api.mutate('updateTask', { id: task.id, title: '   ' })).__typename).toBe('ValidationError');
    expect((await api.mutate('updateTask', { id: task.id, title: 'Stale', expectedVersion: 7 })).__typename).toBe('StaleTaskError');
    expect((await api.mutate('moveTask', { id: task.id, parentId: task.id })).__typename).toBe('ValidationError');
    expect((await api.mutate('createTaskList', { name: 'taken' })).__typename).toBe('NameTakenError');
    expect((await api.mutate('createTask', { title: 'x'.repeat(201) })).__typename).toBe('ValidationError');
    // No-ops: not a change either.
    expect((await api.mutate('setTaskCompleted', { id: task.id, completed: false })).__typename).toBe('TaskPayload');
    expect((await api.mutate('updateTask', { id: task.id })).__typename).toBe('TaskPayload');
    await expectQuiet(stream, 0, 500);

    await api.updateTask({ id: task.id, title: 'Changed', expectedVersion: 1 });
    const [change] = await waitChanges(stream, 1);
    expect(change).toMatchObject({ kind: 'UPDATED', nodeId: task.id, node: { title: 'Changed', version: 2 } });
    await expectQuiet(stream, 1, 200);
  });
});

// ---- Reminders ----

const fire = () => fireDueReminders(t.app.services.sql, t.app.services.bus, 100);
const past = (secondsAgo = 60) => new Date(Date.now() - secondsAgo * 1000).toISOString();

interface Reminder {
  remindAt: string;
  task: { id: string; title: string; completed: boolean; remindAt: string | null };
}
const PROBE = 'reminder probe';
/** The reminders a stream received, without those of its liveness probe. */
const remindersOf = (stream: Stream): Reminder[] =>
  stream.results
    .map((result) => {
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      return result.data.reminders as Reminder;
    })
    .filter((reminder) => reminder.task.title !== PROBE);

/** Waits (bounded) for `count` reminders, then a quiet moment in which no more come; returns them. */
async function expectReminders(stream: Stream, count: number, quietMs = 300): Promise<Reminder[]> {
  await stream.until(() => remindersOf(stream).length >= count, 5_000);
  await stream.until(() => remindersOf(stream).length > count, quietMs);
  const reminders = remindersOf(stream);
  expect(reminders.length, JSON.stringify(reminders)).toBe(count);
  return reminders;
}

/**
 * Makes the reminder stream provably live: a probe task's due reminder must reach it (re-armed with a new
 * remindAt if it fired before the subscription was listening).
 */
async function remindersLive(stream: Stream, api: OrganizingClient): Promise<void> {
  const probe = await api.createTask({ title: PROBE, remindAt: past(600) });
  const arrived = () => stream.results.some((result) => result.data?.reminders?.task.id === probe.id);
  for (let attempt = 1; attempt <= 10; attempt++) {
    await fire();
    if (await stream.until(arrived, 300)) return;
    await api.updateTask({ id: probe.id, remindAt: past(600 - attempt) });
  }
  throw new Error(`the reminder stream never went live: ${JSON.stringify(stream.results)}`);
}

describe.each(TRANSPORTS)('reminders over %s', (transport) => {
  it('fires a due reminder exactly once, also when fired concurrently, and again once re-armed; firing is not a change for sync', async () => {
    const user = await newUser();
    const stream = await subscribe(transport, REMINDERS, {}, user.token);
    await remindersLive(stream, user.api);

    const remindAt = past(30);
    const due = await user.api.createTask({ title: 'Call mum', remindAt });
    const token = await currentToken(user.api);
    await fire();
    await fire();
    const [first] = await expectReminders(stream, 1);
    expect(first).toEqual({ remindAt, task: { id: due.id, title: 'Call mum', completed: false, remindAt } });

    // Firing changed nothing that sync reports.
    expect((await drainSync(user.api, token)).changes).toEqual([]);

    // Several schedulers at once: still exactly one.
    const other = await user.api.createTask({ title: 'Pay rent', remindAt: past(20) });
    await Promise.all([fire(), fire(), fire()]);
    expect((await expectReminders(stream, 2))[1]!.task.id).toBe(other.id);

    // Changing remindAt re-arms it (a time already past fires at once).
    const again = past(5);
    await user.api.updateTask({ id: due.id, remindAt: again });
    await fire();
    expect((await expectReminders(stream, 3))[2]).toMatchObject({ remindAt: again, task: { id: due.id, remindAt: again } });
  });

  it('a claim that published but did not commit fires again without a second event, edits or not; re-armed to the same time, it fires again', async () => {
    const user = await newUser();
    const stream = await subscribe(transport, REMINDERS, {}, user.token);
    await remindersLive(stream, user.api);

    const remindAt = past(30);
    const due = await user.api.createTask({ title: 'Water the plants', remindAt });
    // The event goes out, then the claim fails before it commits (the database went away in between).
    const { bus } = t.app.services;
    const publishedThenFailed: Pick<typeof bus, 'publishReminder'> = {
      publishReminder: async (userId, reminder) => {
        await bus.publishReminder(userId, reminder);
        throw new Error('the commit was lost');
      },
    };
    await expect(fireDueReminders(t.app.services.sql, publishedThenFailed, 100)).rejects.toThrow('the commit was lost');
    // An edit before the next poll is not a new arming.
    await user.api.updateTask({ id: due.id, title: 'Water the plants today' });
    // The claim rolled back, so the next poll fires the reminder again: the stream has it once.
    expect(await fire()).toBe(1);
    expect(await fire()).toBe(0);
    const [only] = await expectReminders(stream, 1);
    expect(only).toMatchObject({ remindAt, task: { id: due.id, remindAt } });

    // Moved and moved back to the same time: re-armed, so it fires again.
    await user.api.updateTask({ id: due.id, remindAt: past(10) });
    await user.api.updateTask({ id: due.id, remindAt });
    expect(await fire()).toBe(1);
    expect((await expectReminders(stream, 2))[1]).toMatchObject({ remindAt, task: { id: due.id, remindAt } });
  });

  it('does not fire for a completed or trashed task', async () => {
    const user = await newUser();
    const stream = await subscribe(transport, REMINDERS, {}, user.token);
    await remindersLive(stream, user.api);

    await user.api.createTask({ title: 'Done already', remindAt: past(), completed: true });
    const closedLater = await user.api.createTask({ title: 'Closed later', remindAt: past() });
    await user.api.ok('setTaskCompleted', { id: closedLater.id, completed: true }, 'TaskPayload');
    const trashed = await user.api.createTask({ title: 'Thrown away', remindAt: past() });
    await user.api.ok('deleteTask', { id: trashed.id }, 'DeleteTaskPayload');
    const control = await user.api.createTask({ title: 'Control', remindAt: past() });
    await fire();
    await fire();
    expect((await expectReminders(stream, 1)).map((reminder) => reminder.task.title)).toEqual(['Control']);
    expect(control.id).toEqual(remindersOf(stream)[0]!.task.id);
  });

  it("does not deliver a user's reminder to another user", async () => {
    const a = await newUser();
    const b = await newUser();
    const streamA = await subscribe(transport, REMINDERS, {}, a.token);
    const streamB = await subscribe(transport, REMINDERS, {}, b.token);
    await remindersLive(streamA, a.api);
    await remindersLive(streamB, b.api);

    const mine = await a.api.createTask({ title: "A's reminder", remindAt: past() });
    await fire();
    expect((await expectReminders(streamA, 1))[0]!.task.id).toBe(mine.id);
    await expectReminders(streamB, 0);
    expect(streamB.results.every((result) => result.data?.reminders?.task.id !== mine.id)).toBe(true);
  });
});
