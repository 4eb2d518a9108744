// Query.sync: full and incremental sync (every kind of change), order, resume tokens, argument errors, query counts, and convergence of a replica under concurrent writes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type GqlResponse, type TestApp } from './helpers/app.ts';
import { testDbKind } from './helpers/database.ts';
import { organizingClient, type OrganizingClient } from './helpers/organizing.ts';
import { expectBadUserInput, globalId, rawId, sleep } from './helpers/tasks.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

// ---- Sync documents and helpers ----

type Kind = 'CREATED' | 'UPDATED' | 'DELETED';
interface Change {
  kind: Kind;
  nodeId: string;
  nodeType: string;
  syncToken: string;
  node: any;
}
interface SyncPage {
  changes: Change[];
  syncToken: string;
  hasMore: boolean;
}

const NODE_FIELDS = `__typename
  ... on Task { id title description completed completedAt dueAt priority position version updatedAt
                subtaskCount completedSubtaskCount list { id } parent { id } labels { id } }
  ... on TaskList { id name color position openTaskCount updatedAt }
  ... on Label { id name color updatedAt }`;
const SYNC = `query Sync($after: String, $first: Int) {
  sync(after: $after, first: $first) { syncToken hasMore changes { kind nodeId nodeType syncToken node { ${NODE_FIELDS} } } }
}`;

interface User {
  userId: string;
  email: string;
  password: string;
  token: string;
  api: OrganizingClient;
}

async function newUser(): Promise<User> {
  const signedUp = await t.signup();
  return { userId: signedUp.userId, email: signedUp.email, password: signedUp.password, token: signedUp.accessToken, api: organizingClient(t, signedUp.accessToken) };
}

/** A second session of the same user (another device). */
async function secondClient(user: User): Promise<OrganizingClient> {
  const res = await t.gql(
    `mutation ($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken } } }`,
    { input: { email: user.email, password: user.password } },
  );
  expect(res.data?.login?.__typename, JSON.stringify(res)).toBe('AuthPayload');
  return organizingClient(t, res.data.login.accessToken);
}

const syncRaw = (api: OrganizingClient, variables: { after?: string; first?: number } = {}): Promise<GqlResponse> => api.gql(SYNC, variables);

/** One page; fails the test on a GraphQL error. */
async function syncPage(api: OrganizingClient, after?: string, first?: number): Promise<SyncPage> {
  const res = await syncRaw(api, { after, first });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.sync;
}

/** Every page from `after` (a full sync without it) until hasMore is false. */
async function drain(api: OrganizingClient, after?: string, first?: number): Promise<{ changes: Change[]; syncToken: string; pages: SyncPage[] }> {
  const pages: SyncPage[] = [];
  let token = after;
  for (;;) {
    const page = await syncPage(api, token, first);
    pages.push(page);
    token = page.syncToken;
    if (!page.hasMore) break;
    expect(pages.length, 'too many sync pages').toBeLessThan(2_000);
  }
  return { changes: pages.flatMap((page) => page.changes), syncToken: token!, pages };
}

/** A token that stands for "now" (the end of a full sync). */
const tokenNow = async (api: OrganizingClient) => (await drain(api)).syncToken;

/** The changes since `after`, as [kind, nodeType, nodeId] in the order reported. */
async function changesSince(api: OrganizingClient, after: string): Promise<Change[]> {
  const { changes } = await drain(api, after);
  expectWellFormed(changes);
  return changes;
}
const summary = (changes: Change[]) => changes.map((c) => [c.kind, c.nodeType, c.nodeId]);
const sortedSummary = (changes: Change[]) => summary(changes).sort((a, b) => a.join().localeCompare(b.join()));
const byId = (changes: Change[], id: string) => {
  const found = changes.filter((c) => c.nodeId === id);
  expect(found, `changes of ${id}`).toHaveLength(1);
  return found[0]!;
};

/** Each change names its object by global id and type; its node is that object (null when DELETED); no object twice. */
function expectWellFormed(changes: Change[]) {
  const ids = changes.map((c) => c.nodeId);
  expect(new Set(ids).size, `an object twice in one sync: ${JSON.stringify(summary(changes))}`).toBe(ids.length);
  for (const change of changes) {
    expect(['Task', 'TaskList', 'Label']).toContain(change.nodeType);
    expect(Buffer.from(change.nodeId, 'base64url').toString('utf8')).toMatch(new RegExp(`^${change.nodeType}:[0-9a-f-]{36}$`));
    expect(change.syncToken).toEqual(expect.any(String));
    if (change.kind === 'DELETED') expect(change.node).toBeNull();
    else expect(change.node).toMatchObject({ __typename: change.nodeType, id: change.nodeId });
  }
}

async function createSubtask(api: OrganizingClient, parentId: string, title: string) {
  return api.createTask({ title, parentId });
}
const setCompleted = (api: OrganizingClient, id: string, completed: boolean) => api.ok('setTaskCompleted', { id, completed }, 'TaskPayload');
const trash = (api: OrganizingClient, id: string, permanently = false) => api.ok('deleteTask', { id, permanently }, 'DeleteTaskPayload');
/** restoreTask, which must answer TaskPayload: the restored task's id and version and the ids that came back with it. */
async function restore(api: OrganizingClient, id: string): Promise<{ task: { id: string; version: number }; alsoChanged: { id: string }[] }> {
  const res = await api.gql(
    `mutation ($input: RestoreTaskInput!) { restoreTask(input: $input) { __typename ... on TaskPayload { task { id version } alsoChanged { id } } } }`,
    { input: { id } },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data.restoreTask.__typename).toBe('TaskPayload');
  return res.data.restoreTask;
}

// ---- Full sync ----

describe('full sync (no after)', () => {
  it('an empty account has no changes and a token from which the first change is CREATED', async () => {
    const { api } = await newUser();
    const full = await syncPage(api);
    expect(full).toEqual({ changes: [], hasMore: false, syncToken: expect.any(String) });

    const task = await api.createTask({ title: 'first' });
    const next = await syncPage(api, full.syncToken);
    expect(summary(next.changes)).toEqual([['CREATED', 'Task', task.id]]);
    expect(next.changes[0]!.node).toMatchObject({ __typename: 'Task', id: task.id, title: 'first', version: 1, list: null, parent: null, labels: [] });
    expect(next.hasMore).toBe(false);
    expect((await syncPage(api, next.syncToken)).changes).toEqual([]);
  });

  it('returns every live task, list and label as CREATED with its node; trashed and deleted tasks are absent', async () => {
    const { api } = await newUser();
    const list = await api.createList('Work', { color: '#AABBCC' });
    const label = await api.createLabel('urgent');
    const a = await api.createTask({ title: 'a', listId: list.id, labelIds: [label.id], priority: 'HIGH' });
    const s = await createSubtask(api, a.id, 's');
    const c = await api.createTask({ title: 'c', completed: true });
    const d = await api.createTask({ title: 'trashed' });
    const e = await api.createTask({ title: 'gone' });
    const f = await createSubtask(api, a.id, 'trashed subtask');
    await trash(api, d.id);
    await trash(api, e.id, true);
    await trash(api, f.id);

    const full = await syncPage(api);
    expect(full.hasMore).toBe(false);
    expectWellFormed(full.changes);
    expect(full.changes.every((change) => change.kind === 'CREATED')).toBe(true);
    expect(sortedSummary(full.changes)).toEqual(
      sortedSummary([
        { kind: 'CREATED', nodeType: 'TaskList', nodeId: list.id },
        { kind: 'CREATED', nodeType: 'Label', nodeId: label.id },
        { kind: 'CREATED', nodeType: 'Task', nodeId: a.id },
        { kind: 'CREATED', nodeType: 'Task', nodeId: s.id },
        { kind: 'CREATED', nodeType: 'Task', nodeId: c.id },
      ] as Change[]),
    );
    expect(byId(full.changes, list.id).node).toMatchObject({ name: 'Work', color: '#aabbcc', openTaskCount: 2 });
    expect(byId(full.changes, label.id).node).toMatchObject({ name: 'urgent', color: null });
    expect(byId(full.changes, a.id).node).toMatchObject({
      title: 'a', priority: 'HIGH', list: { id: list.id }, parent: null, labels: [{ id: label.id }], subtaskCount: 1, completedSubtaskCount: 0,
    });
    expect(byId(full.changes, s.id).node).toMatchObject({ title: 's', list: { id: list.id }, parent: { id: a.id } });
    expect(byId(full.changes, c.id).node).toMatchObject({ title: 'c', completed: true, list: null });
  });

  it('a sync right after a full sync reports nothing when nothing changed (also when the last changes were deletions)', async () => {
    const { api } = await newUser();
    const kept = await api.createTask({ title: 'kept' });
    const trashed = await api.createTask({ title: 'trashed' });
    const purged = await api.createTask({ title: 'purged' });
    const list = await api.createList('Short-lived');
    const label = await api.createLabel('short-lived');
    await trash(api, trashed.id);
    await trash(api, purged.id, true);
    await api.ok('deleteTaskList', { id: list.id }, 'DeleteTaskListPayload');
    await api.ok('deleteLabel', { id: label.id }, 'DeleteLabelPayload');

    const full = await syncPage(api);
    expect(summary(full.changes)).toEqual([['CREATED', 'Task', kept.id]]);
    expect(full.hasMore).toBe(false);
    const again = await syncPage(api, full.syncToken);
    expect(summary(again.changes)).toEqual([]);
    expect(again.hasMore).toBe(false);
  });

  it('paging a full sync with first: N and after: <syncToken> yields each object once', async () => {
    const { api } = await newUser();
    const lists = [await api.createList('L1'), await api.createList('L2'), await api.createList('L3')];
    const labels = [await api.createLabel('B1'), await api.createLabel('B2'), await api.createLabel('B3')];
    const live: string[] = [...lists.map((l) => l.id), ...labels.map((l) => l.id)];
    const trashed: string[] = [];
    for (let i = 0; i < 14; i++) {
      const task = await api.createTask({ title: `task ${i}`, listId: i % 4 === 3 ? null : lists[i % 3]!.id, labelIds: i % 2 ? [labels[i % 3]!.id] : [] });
      const family = [task.id];
      if (i % 3 === 0) family.push((await createSubtask(api, task.id, `sub ${i}`)).id);
      if (i % 5 === 4) {
        await trash(api, task.id);
        trashed.push(...family);
      } else live.push(...family);
    }
    // Some objects change again between the creations, so their last change is not in creation order.
    await api.updateTask({ id: live[7]!, title: 'renamed' });
    await api.ok('updateTaskList', { id: lists[0]!.id, name: 'L1 renamed' }, 'TaskListPayload');

    const single = await syncPage(api);
    expect(single.hasMore).toBe(false);
    expect(single.changes.map((c) => c.nodeId).sort()).toEqual([...live].sort());

    for (const first of [1, 4, 7]) {
      const { changes, pages } = await drain(api, undefined, first);
      pages.forEach((page, i) => {
        const last = i === pages.length - 1;
        expect(page.hasMore).toBe(!last);
        if (!last) expect(page.changes).toHaveLength(first);
        else expect(page.changes.length).toBeLessThanOrEqual(first);
      });
      expectWellFormed(changes);
      // Live objects once each, with their state now; DELETED only for objects never live on the client.
      const upserted = changes.filter((c) => c.kind !== 'DELETED');
      expect(upserted.map((c) => c.nodeId).sort()).toEqual([...live].sort());
      for (const change of changes.filter((c) => c.kind === 'DELETED')) expect(trashed).toContain(change.nodeId);
      for (const change of upserted) expect(change.node).toEqual(byId(single.changes, change.nodeId).node);
    }
  });
});

// ---- Incremental sync ----

describe('incremental sync (after a token)', () => {
  it('reports created objects as CREATED with their node, in the order of creation', async () => {
    const { api } = await newUser();
    const t0 = await tokenNow(api);
    const list = await api.createList('Home');
    const label = await api.createLabel('errand');
    const task = await api.createTask({ title: 'milk', labelIds: [label.id], dueAt: '2026-05-01T10:00:00Z' });

    const changes = await changesSince(api, t0);
    expect(summary(changes)).toEqual([
      ['CREATED', 'TaskList', list.id],
      ['CREATED', 'Label', label.id],
      ['CREATED', 'Task', task.id],
    ]);
    expect(changes[0]!.node).toMatchObject({ name: 'Home', openTaskCount: 0, position: list.position });
    expect(changes[1]!.node).toMatchObject({ name: 'errand' });
    expect(changes[2]!.node).toMatchObject({ title: 'milk', version: 1, dueAt: '2026-05-01T10:00:00.000Z', labels: [{ id: label.id }] });
  });

  it('reports changed objects as UPDATED with their state now', async () => {
    const { api } = await newUser();
    const list = await api.createList('Home');
    const label = await api.createLabel('errand');
    const task = await api.createTask({ title: 'milk' });
    const t0 = await tokenNow(api);

    await api.updateTask({ id: task.id, title: 'oat milk', priority: 'LOW' });
    await api.ok('updateTaskList', { id: list.id, name: 'House' }, 'TaskListPayload');
    await api.ok('updateLabel', { id: label.id, color: '#FF0000' }, 'LabelPayload');

    const changes = await changesSince(api, t0);
    expect(summary(changes)).toEqual([
      ['UPDATED', 'Task', task.id],
      ['UPDATED', 'TaskList', list.id],
      ['UPDATED', 'Label', label.id],
    ]);
    expect(changes[0]!.node).toMatchObject({ title: 'oat milk', priority: 'LOW', version: 2 });
    expect(changes[1]!.node).toMatchObject({ name: 'House' });
    expect(changes[2]!.node).toMatchObject({ color: '#ff0000' });
  });

  it('reports each object once, in the order of its last change', async () => {
    const { api } = await newUser();
    const a = await api.createTask({ title: 'a' });
    const b = await api.createTask({ title: 'b' });
    const c = await api.createTask({ title: 'c' });
    const t0 = await tokenNow(api);
    await api.updateTask({ id: b.id, title: 'b1' });
    await api.updateTask({ id: a.id, title: 'a1' });
    await api.updateTask({ id: c.id, title: 'c1' });
    await api.updateTask({ id: b.id, title: 'b2' });

    const changes = await changesSince(api, t0);
    expect(summary(changes)).toEqual([
      ['UPDATED', 'Task', a.id],
      ['UPDATED', 'Task', c.id],
      ['UPDATED', 'Task', b.id],
    ]);
    expect(changes[2]!.node).toMatchObject({ title: 'b2', version: 3 });
  });

  it('a mutation that changes nothing is not a change', async () => {
    const { api } = await newUser();
    const task = await api.createTask({ title: 'open' });
    const t0 = await tokenNow(api);
    await setCompleted(api, task.id, false);
    await api.ok('updateTask', { id: task.id }, 'TaskPayload');
    expect(await changesSince(api, t0)).toEqual([]);
  });

  it('a trashed task and its subtasks are DELETED with node null; the list that held them is UPDATED', async () => {
    const { api } = await newUser();
    const list = await api.createList('Work');
    const a = await api.createTask({ title: 'a', listId: list.id });
    const s = await createSubtask(api, a.id, 's');
    const g = await createSubtask(api, s.id, 'g');
    const t0 = await tokenNow(api);

    const deleted = await trash(api, a.id);
    expect([...deleted.deletedTaskIds!].sort()).toEqual([a.id, s.id, g.id].sort());
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'DELETED', nodeType: 'Task', nodeId: a.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: s.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: g.id },
        { kind: 'UPDATED', nodeType: 'TaskList', nodeId: list.id },
      ] as Change[]),
    );
    for (const id of [a.id, s.id, g.id]) expect(byId(changes, id)).toMatchObject({ node: null, nodeType: 'Task', nodeId: id });
    expect(byId(changes, list.id).node).toMatchObject({ openTaskCount: 0 });
  });

  it('a task deleted permanently is DELETED, whether it was live or in the trash at the token', async () => {
    const { api } = await newUser();
    const live = await api.createTask({ title: 'live' });
    const liveSub = await createSubtask(api, live.id, 'live sub');
    const inTrash = await api.createTask({ title: 'in trash' });
    await trash(api, inTrash.id);
    const t0 = await tokenNow(api);

    await trash(api, live.id, true);
    await trash(api, inTrash.id, true);
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'DELETED', nodeType: 'Task', nodeId: live.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: liveSub.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: inTrash.id },
      ] as Change[]),
    );
    // The trashed one went last.
    expect(changes.at(-1)!.nodeId).toBe(inTrash.id);
  });

  it('deleting a list reports it DELETED and each of its tasks UPDATED, now in the Inbox', async () => {
    const { api } = await newUser();
    const list = await api.createList('Doomed');
    const a = await api.createTask({ title: 'a', listId: list.id });
    const s = await createSubtask(api, a.id, 's');
    const b = await api.createTask({ title: 'b', listId: list.id, completed: true });
    const other = await api.createTask({ title: 'elsewhere' });
    const t0 = await tokenNow(api);

    await api.ok('deleteTaskList', { id: list.id }, 'DeleteTaskListPayload');
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'DELETED', nodeType: 'TaskList', nodeId: list.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: a.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: s.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: b.id },
      ] as Change[]),
    );
    expect(changes.map((c) => c.nodeId)).not.toContain(other.id);
    for (const task of [a, s, b]) expect(byId(changes, task.id).node).toMatchObject({ list: null, version: task.version + 1 });
    expect(byId(changes, s.id).node).toMatchObject({ parent: { id: a.id } });
  });

  it('deleting a list with deleteTasks: true reports the list and its tasks DELETED', async () => {
    const { api } = await newUser();
    const list = await api.createList('Doomed');
    const a = await api.createTask({ title: 'a', listId: list.id });
    const s = await createSubtask(api, a.id, 's');
    const b = await api.createTask({ title: 'b', listId: list.id });
    const t0 = await tokenNow(api);

    await api.ok('deleteTaskList', { id: list.id, deleteTasks: true }, 'DeleteTaskListPayload');
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'DELETED', nodeType: 'TaskList', nodeId: list.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: a.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: s.id },
        { kind: 'DELETED', nodeType: 'Task', nodeId: b.id },
      ] as Change[]),
    );
  });

  it('deleting a label reports it DELETED and each task that had it UPDATED with a new version', async () => {
    const { api } = await newUser();
    const x = await api.createLabel('x');
    const y = await api.createLabel('y');
    const both = await api.createTask({ title: 'both', labelIds: [x.id, y.id] });
    const onlyX = await api.createTask({ title: 'only x', labelIds: [x.id] });
    const onlyY = await api.createTask({ title: 'only y', labelIds: [y.id] });
    const t0 = await tokenNow(api);

    await api.ok('deleteLabel', { id: x.id }, 'DeleteLabelPayload');
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'DELETED', nodeType: 'Label', nodeId: x.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: both.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: onlyX.id },
      ] as Change[]),
    );
    expect(changes.map((c) => c.nodeId)).not.toContain(onlyY.id);
    expect(byId(changes, both.id).node).toMatchObject({ labels: [{ id: y.id }], version: 2 });
    expect(byId(changes, onlyX.id).node).toMatchObject({ labels: [], version: 2 });
  });

  it('restoreTask reports a task that was in the trash at the token as CREATED, with its subtasks', async () => {
    const { api } = await newUser();
    const a = await api.createTask({ title: 'a' });
    const s = await createSubtask(api, a.id, 's');
    await trash(api, a.id);
    const t0 = await tokenNow(api);

    const restored = await restore(api, a.id);
    expect(restored.alsoChanged.map((task) => task.id)).toEqual([s.id]);
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'CREATED', nodeType: 'Task', nodeId: a.id },
        { kind: 'CREATED', nodeType: 'Task', nodeId: s.id },
      ] as Change[]),
    );
    expect(byId(changes, a.id).node).toMatchObject({ title: 'a', parent: null, subtaskCount: 1, version: restored.task.version });
    expect(byId(changes, s.id).node).toMatchObject({ title: 's', parent: { id: a.id } });
  });

  it('a task that was live at the token, then trashed and restored, is UPDATED', async () => {
    const { api } = await newUser();
    const task = await api.createTask({ title: 'round trip' });
    const t0 = await tokenNow(api);
    await trash(api, task.id);
    await restore(api, task.id);

    const changes = await changesSince(api, t0);
    expect(summary(changes)).toEqual([['UPDATED', 'Task', task.id]]);
    expect(changes[0]!.node).toMatchObject({ title: 'round trip', version: 3 });
  });

  it('a task that goes to the trash and back several times is CREATED exactly when the token fell inside one of its trips', async () => {
    const { api } = await newUser();
    const task = await api.createTask({ title: 'back and forth' });
    const live0 = await tokenNow(api);
    await trash(api, task.id);
    const inTrash1 = await tokenNow(api);
    await restore(api, task.id);
    const live1 = await tokenNow(api);
    await trash(api, task.id);
    const inTrash2 = await tokenNow(api);
    await restore(api, task.id);
    await api.updateTask({ id: task.id, title: 'back again' });

    const kinds = async (token: string) => summary(await changesSince(api, token));
    expect(await kinds(live0)).toEqual([['UPDATED', 'Task', task.id]]);
    expect(await kinds(inTrash1)).toEqual([['CREATED', 'Task', task.id]]);
    expect(await kinds(live1)).toEqual([['UPDATED', 'Task', task.id]]);
    expect(await kinds(inTrash2)).toEqual([['CREATED', 'Task', task.id]]);
    // Permanently deleted, its trips go with it: DELETED from every token.
    await trash(api, task.id, true);
    for (const token of [live0, inTrash1, live1, inTrash2]) expect(await kinds(token)).toEqual([['DELETED', 'Task', task.id]]);
  });

  it('a token that stops midway through one change: a trashed batch restored later is CREATED only where the page had reported it DELETED', async () => {
    const { api } = await newUser();
    const parent = await api.createTask({ title: 'parent' });
    const child = await createSubtask(api, parent.id, 'child');
    const t0 = await tokenNow(api);
    await trash(api, parent.id); // one change: both tasks to the trash
    // The first page stops after the first of the two (change order within one change value is by id).
    const [first, second] = [parent, child].sort((a, b) => (rawId(a.id) < rawId(b.id) ? -1 : 1));
    const page = await syncPage(api, t0, 1);
    expect(summary(page.changes)).toEqual([['DELETED', 'Task', first!.id]]);
    expect(page.hasMore).toBe(true);

    await restore(api, parent.id);
    // At the page's token this client has `first` in its trash and `second` still live.
    const changes = await changesSince(api, page.syncToken);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'CREATED', nodeType: 'Task', nodeId: first!.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: second!.id },
      ] as Change[]),
    );
  });

  it('a token that stops midway through one change: a task created in it after the token is CREATED', async () => {
    const { api } = await newUser();
    const list = await api.createList('L');
    const t0 = await tokenNow(api);
    const task = await api.createTask({ title: 'in L', listId: list.id }); // one change: the task, and its list's count
    const page = await syncPage(api, t0, 1);
    expect(summary(page.changes)).toEqual([['UPDATED', 'TaskList', list.id]]);

    const changes = await changesSince(api, page.syncToken);
    expect(summary(changes)).toEqual([['CREATED', 'Task', task.id]]);
  });

  it('an object created and deleted after the token is reported once, DELETED', async () => {
    const { api } = await newUser();
    const t0 = await tokenNow(api);
    const trashed = await api.createTask({ title: 'trashed' });
    await api.updateTask({ id: trashed.id, title: 'trashed, renamed' });
    await trash(api, trashed.id);
    const purged = await api.createTask({ title: 'purged' });
    await trash(api, purged.id, true);
    const twice = await api.createTask({ title: 'trashed then purged' });
    await trash(api, twice.id);
    await trash(api, twice.id, true);
    const list = await api.createList('brief');
    await api.ok('deleteTaskList', { id: list.id }, 'DeleteTaskListPayload');
    const label = await api.createLabel('brief');
    await api.ok('deleteLabel', { id: label.id }, 'DeleteLabelPayload');

    const changes = await changesSince(api, t0);
    expect(summary(changes)).toEqual([
      ['DELETED', 'Task', trashed.id],
      ['DELETED', 'Task', purged.id],
      ['DELETED', 'Task', twice.id],
      ['DELETED', 'TaskList', list.id],
      ['DELETED', 'Label', label.id],
    ]);
  });

  it('a completion cascade reports every task it changed, and reopening reports the ancestors', async () => {
    const { api } = await newUser();
    const p = await api.createTask({ title: 'p' });
    const c1 = await createSubtask(api, p.id, 'c1');
    const g1 = await createSubtask(api, c1.id, 'g1');
    const c2 = await createSubtask(api, p.id, 'c2');
    await setCompleted(api, c2.id, true);
    const t0 = await tokenNow(api);

    const completed = await setCompleted(api, p.id, true);
    expect(completed.alsoChanged!.map((task) => task.id).sort()).toEqual([c1.id, g1.id].sort());
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([p, c1, g1].map((task) => ({ kind: 'UPDATED', nodeType: 'Task', nodeId: task.id })) as Change[]),
    );
    for (const task of [p, c1, g1]) expect(byId(changes, task.id).node).toMatchObject({ completed: true });
    expect(byId(changes, p.id).node).toMatchObject({ completedSubtaskCount: 2 });
    expect(byId(changes, c1.id).node).toMatchObject({ completedSubtaskCount: 1 });

    const t1 = (await drain(api, t0)).syncToken;
    await setCompleted(api, g1.id, false);
    const reopened = await changesSince(api, t1);
    expect(sortedSummary(reopened)).toEqual(
      sortedSummary([p, c1, g1].map((task) => ({ kind: 'UPDATED', nodeType: 'Task', nodeId: task.id })) as Change[]),
    );
    for (const task of [p, c1, g1]) expect(byId(reopened, task.id).node).toMatchObject({ completed: false });
    expect(reopened.map((c) => c.nodeId)).not.toContain(c2.id);
  });

  it('derived counts: completing or adding a subtask reports the parent UPDATED (same version) and its list UPDATED', async () => {
    const { api } = await newUser();
    const list = await api.createList('Work');
    const parent = await api.createTask({ title: 'parent', listId: list.id });
    const sub = await createSubtask(api, parent.id, 'sub');
    const before = (await api.task(parent.id))!;
    const t0 = await tokenNow(api);

    await setCompleted(api, sub.id, true);
    const changes = await changesSince(api, t0);
    expect(sortedSummary(changes)).toEqual(
      sortedSummary([
        { kind: 'UPDATED', nodeType: 'Task', nodeId: sub.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: parent.id },
        { kind: 'UPDATED', nodeType: 'TaskList', nodeId: list.id },
      ] as Change[]),
    );
    expect(byId(changes, parent.id).node).toMatchObject({ version: before.version, updatedAt: before.updatedAt, subtaskCount: 1, completedSubtaskCount: 1 });
    expect(byId(changes, list.id).node).toMatchObject({ openTaskCount: 1 });
    expect(byId(changes, sub.id).node).toMatchObject({ completed: true, version: sub.version + 1 });

    const t1 = (await drain(api, t0)).syncToken;
    const added = await createSubtask(api, parent.id, 'another');
    const afterAdd = await changesSince(api, t1);
    expect(sortedSummary(afterAdd)).toEqual(
      sortedSummary([
        { kind: 'CREATED', nodeType: 'Task', nodeId: added.id },
        { kind: 'UPDATED', nodeType: 'Task', nodeId: parent.id },
        { kind: 'UPDATED', nodeType: 'TaskList', nodeId: list.id },
      ] as Change[]),
    );
    expect(byId(afterAdd, parent.id).node).toMatchObject({ version: before.version, subtaskCount: 2, completedSubtaskCount: 1 });
    expect(byId(afterAdd, list.id).node).toMatchObject({ openTaskCount: 2 });
  });

  it('derived counts: a change that leaves every count as it was reports no parent and no list', async () => {
    const { api } = await newUser();
    const list = await api.createList('Counts');
    const done = await api.createTask({ title: 'done', listId: list.id, completed: true });
    const parent = await api.createTask({ title: 'parent', listId: list.id });
    const sub = await createSubtask(api, parent.id, 'sub');
    const doneSub = await api.createTask({ title: 'done sub', parentId: parent.id, completed: true });
    const only = (...items: [string, string, string][]) =>
      sortedSummary(items.map(([kind, nodeType, nodeId]) => ({ kind, nodeType, nodeId })) as Change[]);

    // Trashing a completed task: the list's openTaskCount stays.
    let token = await tokenNow(api);
    await trash(api, done.id);
    expect(sortedSummary(await changesSince(api, token))).toEqual(only(['DELETED', 'Task', done.id]));

    // A completed task created in the list: openTaskCount stays.
    token = await tokenNow(api);
    const created = await api.createTask({ title: 'created done', listId: list.id, completed: true });
    expect(sortedSummary(await changesSince(api, token))).toEqual(only(['CREATED', 'Task', created.id]));

    // A subtask moved to the top of the same list: its old parent's counts change, the list's do not.
    token = await tokenNow(api);
    await api.ok('moveTask', { id: sub.id, parentId: null }, 'TaskPayload');
    expect(sortedSummary(await changesSince(api, token))).toEqual(only(['UPDATED', 'Task', sub.id], ['UPDATED', 'Task', parent.id]));

    // Purging a subtask that was already in the trash: the parent's counts had already left it out.
    await trash(api, doneSub.id);
    token = await tokenNow(api);
    await trash(api, doneSub.id, true);
    expect((await changesSince(api, token)).map((change) => change.nodeId)).not.toContain(parent.id);
  });

  it('nodeId is the global id that node(id:) resolves, and nodeType its type name', async () => {
    const { api } = await newUser();
    const t0 = await tokenNow(api);
    const list = await api.createList('L');
    const label = await api.createLabel('B');
    const task = await api.createTask({ title: 'T' });
    const changes = await changesSince(api, t0);
    expect(changes.map((c) => [c.nodeType, rawId(c.nodeId)])).toEqual([
      ['TaskList', rawId(list.id)],
      ['Label', rawId(label.id)],
      ['Task', rawId(task.id)],
    ]);
    for (const change of changes) {
      expect(change.nodeId).toBe(globalId(change.nodeType, rawId(change.nodeId)));
      const read = await api.read(`query ($id: ID!) { node(id: $id) { __typename id } }`, { id: change.nodeId });
      expect(read.node).toEqual({ __typename: change.nodeType, id: change.nodeId });
    }
  });

  it("a Change's syncToken resumes right after that change; first: 1 pages one change at a time", async () => {
    const { api } = await newUser();
    const a = await api.createTask({ title: 'a' });
    const t0 = await tokenNow(api);
    const list = await api.createList('L');
    await api.updateTask({ id: a.id, title: 'a1' });
    const label = await api.createLabel('B');
    const b = await api.createTask({ title: 'b' });
    await trash(api, b.id, true);
    const c = await api.createTask({ title: 'c' });

    const all = await changesSince(api, t0);
    expect(summary(all)).toEqual([
      ['CREATED', 'TaskList', list.id],
      ['UPDATED', 'Task', a.id],
      ['CREATED', 'Label', label.id],
      ['DELETED', 'Task', b.id],
      ['CREATED', 'Task', c.id],
    ]);
    for (let i = 0; i < all.length; i++) {
      const rest = await changesSince(api, all[i]!.syncToken);
      expect(summary(rest)).toEqual(summary(all.slice(i + 1)));
    }

    const { pages } = await drain(api, t0, 1);
    expect(pages.map((page) => page.hasMore)).toEqual([true, true, true, true, false]);
    expect(summary(pages.flatMap((page) => page.changes))).toEqual(summary(all));
    // A page's token is where the next page starts.
    expect(summary((await syncPage(api, pages[1]!.syncToken)).changes)).toEqual(summary(all.slice(2)));
  });

  it("never reports another user's objects", async () => {
    const me = await newUser();
    const other = await newUser();
    const t0 = await tokenNow(me.api);
    const theirList = await other.api.createList('theirs');
    const theirLabel = await other.api.createLabel('theirs');
    const theirTask = await other.api.createTask({ title: 'theirs', listId: theirList.id, labelIds: [theirLabel.id] });
    await trash(other.api, theirTask.id);
    await other.api.ok('deleteLabel', { id: theirLabel.id }, 'DeleteLabelPayload');
    const mine = await me.api.createTask({ title: 'mine' });

    expect(summary(await changesSince(me.api, t0))).toEqual([['CREATED', 'Task', mine.id]]);
    expect(summary((await syncPage(me.api)).changes)).toEqual([['CREATED', 'Task', mine.id]]);
  });
});

// ---- Arguments ----

describe('arguments', () => {
  it('first must be 1 to 1000', async () => {
    const { api } = await newUser();
    await api.createTask({ title: 'x' });
    for (const first of [0, -1, 1001, 100_000]) {
      const message = expectBadUserInput(await syncRaw(api, { first }));
      expect(message).toMatch(/1000/);
    }
    const token = await tokenNow(api);
    expectBadUserInput(await syncRaw(api, { after: token, first: 0 }));
    expectBadUserInput(await syncRaw(api, { after: token, first: 1001 }));
    expect((await syncPage(api, undefined, 1)).changes).toHaveLength(1);
    expect((await syncPage(api, undefined, 1000)).changes).toHaveLength(1);
  });

  it('a token that does not decode, is truncated, or belongs to another user is BAD_USER_INPUT', async () => {
    const me = await newUser();
    const other = await newUser();
    await other.api.createTask({ title: 'theirs' });
    const theirFull = await syncPage(other.api);
    const mine = await syncPage(me.api);
    await me.api.createTask({ title: 'mine' });
    const myChange = (await syncPage(me.api, mine.syncToken)).changes[0]!;

    const bad = [
      'garbage',
      '',
      '!!!',
      Buffer.from('{"seq":1}').toString('base64url'),
      Buffer.from(JSON.stringify([1, 2, 3])).toString('base64url'),
      randomUUID(),
      mine.syncToken.slice(0, Math.floor(mine.syncToken.length / 2)),
      mine.syncToken.slice(0, -3),
      myChange.syncToken.slice(0, -2),
      myChange.syncToken.slice(5),
      theirFull.syncToken,
      theirFull.changes[0]!.syncToken,
      'x'.repeat(5000),
      // The caller's own token, forged to a change value past PostgreSQL's bigint.
      Buffer.from(JSON.stringify(['s1', JSON.parse(Buffer.from(mine.syncToken, 'base64url').toString('utf8'))[1], '9999999999999999999', 0, ''])).toString('base64url'),
    ];
    for (const after of bad) {
      const res = await syncRaw(me.api, { after });
      expectBadUserInput(res);
      expect(res.data?.sync ?? null).toBeNull();
    }
    // The user's own tokens still work.
    expect((await syncPage(me.api, mine.syncToken)).changes).toHaveLength(1);
    expect((await syncPage(me.api, myChange.syncToken)).changes).toHaveLength(0);
  });

  it('needs a signed-in user', async () => {
    const res = await t.gql(SYNC, {});
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

// ---- Database round trips ----

describe('a busy database', () => {
  it('a sync page waits for a connection (or PGlite\'s one transaction) longer than Prisma\'s 2 s default', async () => {
    const user = await newUser();
    await user.api.createTask({ title: 'waited for' });
    // Every connection of the test pool (5; PGlite runs one transaction at a time) held for 2.5 s.
    const holders = testDbKind === 'postgres' ? 5 : 1;
    let started = 0;
    const held = Array.from({ length: holders }, () =>
      t.database.db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        started++;
        await sleep(2_500);
      }),
    );
    while (started < holders) await sleep(10);
    const asked = Date.now();
    const page = await syncPage(user.api);
    expect(page.changes.map((change) => change.node?.title)).toContain('waited for');
    // It did wait for the holders: past Prisma's old 2 s limit.
    expect(Date.now() - asked).toBeGreaterThan(2_000);
    await Promise.all(held);
  });
});

describe('database round trips', () => {
  const TASKS = 600;
  let user: User;

  beforeAll(async () => {
    user = await newUser();
    const lists = [await user.api.createList('Q1'), await user.api.createList('Q2'), await user.api.createList('Q3')];
    const labels = [await user.api.createLabel('q1'), await user.api.createLabel('q2'), await user.api.createLabel('q3')];
    const prisma = t.database.db.prisma;
    const userId = rawId(user.userId);
    // Direct inserts, stamped by the triggers like any write: one statement, so one change value for all, and
    // the page order among them is the id order. Ids are handed out in that order so that every page (even of
    // 4 tasks) has top-level tasks and subtasks, tasks in a list and in the Inbox, with and without labels.
    const ids = Array.from({ length: TASKS }, () => randomUUID()).sort();
    const rows = ids.map((id, k) => {
      const parentIndex = k - (k % 3);
      const parentList = parentIndex % 4 === 3 ? null : rawId(lists[parentIndex % 3]!.id);
      return { id, userId, title: `task ${k}`, listId: parentList, parentId: k % 3 ? ids[parentIndex]! : null, completed: k % 5 === 1 };
    });
    await prisma.task.createMany({ data: rows });
    await prisma.taskLabel.createMany({
      data: rows.filter((_, k) => k % 2 === 0).map((row, i) => ({ taskId: row.id, labelId: rawId(labels[i % 3]!.id) })),
    });
  });

  async function recorded(after: string | undefined, first: number | undefined) {
    const recording = t.database.recordQueries();
    const res = await syncRaw(user.api, { after, first });
    recording.stop();
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const page = res.data.sync as SyncPage;
    return { page, queries: recording.queries };
  }
  const types = (page: SyncPage) => [...new Set(page.changes.map((c) => c.nodeType))].sort();

  it('a full sync defaults to pages of 500 and pages through every object once', async () => {
    const first = await syncPage(user.api);
    expect(first.changes).toHaveLength(500);
    expect(first.hasMore).toBe(true);
    const rest = await drain(user.api, first.syncToken);
    const all = [...first.changes, ...rest.changes];
    expectWellFormed(all);
    expect(all).toHaveLength(TASKS + 6);
    // The first page is all CREATED; later pages may say UPDATED for objects the client has not seen yet.
    expect(first.changes.every((c) => c.kind === 'CREATED')).toBe(true);
    expect(rest.changes.every((c) => c.kind !== 'DELETED')).toBe(true);
  });

  it('a page runs the same number of SQL statements for first: 10, 500 and 1000, full and incremental', async () => {
    const small = await recorded(undefined, 10);
    const large = await recorded(undefined, 500);
    const huge = await recorded(undefined, 1000);
    expect(small.page.changes).toHaveLength(10);
    expect(large.page.changes).toHaveLength(500);
    expect(huge.page.changes).toHaveLength(TASKS + 6);
    for (const { page } of [small, large, huge]) expect(types(page)).toEqual(['Label', 'Task', 'TaskList']);
    expect(large.queries.length, large.queries.join('\n')).toBe(small.queries.length);
    expect(huge.queries.length).toBe(small.queries.length);
    expect(small.queries.length, small.queries.join('\n')).toBeLessThanOrEqual(15);

    // An incremental page of 500 changes: every object changed again by one direct transaction.
    const token = huge.page.syncToken;
    const prisma = t.database.db.prisma;
    const userId = rawId(user.userId);
    await prisma.$transaction([
      prisma.taskList.updateMany({ where: { userId }, data: { color: '#123456' } }),
      prisma.label.updateMany({ where: { userId }, data: { color: '#654321' } }),
      prisma.task.updateMany({ where: { userId }, data: { title: 'changed', version: { increment: 1 } } }),
    ]);
    const incSmall = await recorded(token, 10);
    const incLarge = await recorded(token, 500);
    expect(incSmall.page.changes).toHaveLength(10);
    expect(incLarge.page.changes).toHaveLength(500);
    expect(incLarge.page.hasMore).toBe(true);
    expect(incLarge.page.changes.every((c) => c.kind === 'UPDATED')).toBe(true);
    for (const { page } of [incSmall, incLarge]) expect(types(page)).toEqual(['Label', 'Task', 'TaskList']);
    expect(incLarge.queries.length, incLarge.queries.join('\n')).toBe(incSmall.queries.length);
    expect(incSmall.queries.length).toBeLessThanOrEqual(15);
  });
});

// ---- Convergence under concurrent writes ----

/** What a client keeps of a node: the fields it shows (labels as a set). */
function nodeState(node: any) {
  switch (node.__typename) {
    case 'Task':
      return {
        type: 'Task', title: node.title, description: node.description, completed: node.completed, completedAt: node.completedAt,
        dueAt: node.dueAt, priority: node.priority, position: node.position, version: node.version, updatedAt: node.updatedAt,
        subtaskCount: node.subtaskCount, completedSubtaskCount: node.completedSubtaskCount,
        list: node.list?.id ?? null, parent: node.parent?.id ?? null, labels: node.labels.map((l: { id: string }) => l.id).sort(),
      };
    case 'TaskList':
      return { type: 'TaskList', name: node.name, color: node.color, position: node.position, openTaskCount: node.openTaskCount, updatedAt: node.updatedAt };
    case 'Label':
      return { type: 'Label', name: node.name, color: node.color, updatedAt: node.updatedAt };
    default:
      throw new Error(`unexpected node ${JSON.stringify(node)}`);
  }
}

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const WRITE_INPUTS: Record<string, [string, string]> = {
  createTask: ['CreateTaskInput', '... on TaskPayload { task { id } }'],
  updateTask: ['UpdateTaskInput', '... on TaskPayload { task { id } }'],
  setTaskCompleted: ['SetTaskCompletedInput', '... on TaskPayload { task { id } }'],
  moveTask: ['MoveTaskInput', '... on TaskPayload { task { id } }'],
  deleteTask: ['DeleteTaskInput', '... on DeleteTaskPayload { deletedTaskIds }'],
  restoreTask: ['RestoreTaskInput', '... on TaskPayload { task { id } alsoChanged { id } }'],
  createTaskList: ['CreateTaskListInput', '... on TaskListPayload { taskList { id } }'],
  updateTaskList: ['UpdateTaskListInput', '... on TaskListPayload { taskList { id } }'],
  deleteTaskList: ['DeleteTaskListInput', '__typename'],
  createLabel: ['CreateLabelInput', '... on LabelPayload { label { id } }'],
  deleteLabel: ['DeleteLabelInput', '__typename'],
  updateTasks: ['UpdateTasksInput', 'changedCount'],
  deleteTasks: ['DeleteTasksInput', 'changedCount results { ... on DeleteTaskPayload { deletedTaskIds } }'],
  restoreTasks: ['RestoreTasksInput', 'changedCount results { ... on TaskPayload { task { id } alsoChanged { id } } }'],
};

/** A writer that runs `steps` random batches of mutations (1 to 3 at once) through `api`; returns every id it created. */
async function randomWriter(api: OrganizingClient, seed: number, steps: number, log: { mutations: number }) {
  const random = mulberry32(seed);
  const pick = <T>(items: T[]): T | undefined => (items.length ? items[Math.floor(random() * items.length)] : undefined);
  const lists: string[] = [];
  const labels: string[] = [];
  const tasks = new Set<string>();
  const trashed: string[] = [];
  const created = new Set<string>();
  let n = 0;

  async function write(name: string, input: Record<string, unknown>): Promise<any> {
    const [type, selection] = WRITE_INPUTS[name]!;
    const res = await api.gql(`mutation ($input: ${type}!) { r: ${name}(input: $input) { __typename ${selection} } }`, { input });
    expect(res.errors, `${name} ${JSON.stringify(input)}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    log.mutations++;

    return res.data.r;
  }
  const someTasks = (max: number) => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick([...tasks])!))].filter(Boolean);
  const onDeleted = (ids: string[] | undefined, root: string, permanently: boolean) => {
    for (const id of ids ?? []) tasks.delete(id);
    if (ids && !permanently) trashed.push(root);
  };
  const onRestored = (payload: any) => {
    if (!payload?.task) return;
    tasks.add(payload.task.id);
    for (const other of payload.alsoChanged) tasks.add(other.id);
    trashed.splice(trashed.indexOf(payload.task.id), 1);
  };

  async function step(): Promise<void> {
    const r = random();
    const task = pick([...tasks]);
    if (r < 0.24 || !task) {
      const parentId = random() < 0.3 ? task : undefined;
      const input: Record<string, unknown> = { title: `task ${n++}`, priority: pick(['NONE', 'LOW', 'HIGH']) };
      if (parentId) input.parentId = parentId;
      else if (random() < 0.6) input.listId = pick(lists) ?? null;
      if (random() < 0.4 && labels.length) input.labelIds = [...new Set([pick(labels), pick(labels)])];
      const result = await write('createTask', input);
      if (result.task) {
        tasks.add(result.task.id);
        created.add(result.task.id);
      }
    } else if (r < 0.38) {
      const input: Record<string, unknown> = { id: task };
      const which = random();
      if (which < 0.4) input.title = `renamed ${n++}`;
      else if (which < 0.6) input.dueAt = random() < 0.5 ? null : new Date(Date.UTC(2026, 5, 1 + Math.floor(random() * 20))).toISOString();
      else if (labels.length && which < 0.8) input.addLabelIds = [pick(labels)];
      else if (labels.length) input.removeLabelIds = [pick(labels)];
      else input.priority = 'MEDIUM';
      await write('updateTask', input);
    } else if (r < 0.54) {
      await write('setTaskCompleted', { id: task, completed: random() < 0.65 });
    } else if (r < 0.61) {
      const input: Record<string, unknown> = { id: task };
      const where = random();
      if (where < 0.4) input.listId = pick(lists) ?? null;
      else if (where < 0.7) Object.assign(input, { parentId: null, listId: pick(lists) ?? null });
      else input.parentId = pick([...tasks].filter((id) => id !== task)) ?? null;
      await write('moveTask', input);
    } else if (r < 0.69) {
      const permanently = random() < 0.15;
      const result = await write('deleteTask', { id: task, permanently });
      onDeleted(result.deletedTaskIds, task, permanently);
    } else if (r < 0.75) {
      const id = pick(trashed);
      if (id) onRestored(await write('restoreTask', { id }));
    } else if (r < 0.8) {
      const result = await write('createTaskList', { name: `list ${n++}` });
      if (result.taskList) {
        lists.push(result.taskList.id);
        created.add(result.taskList.id);
      }
    } else if (r < 0.82) {
      const id = pick(lists);
      if (id) await write('updateTaskList', { id, name: `list ${n++}`, color: random() < 0.5 ? '#00ff00' : null });
    } else if (r < 0.845) {
      const id = pick(lists);
      if (id) {
        lists.splice(lists.indexOf(id), 1);
        await write('deleteTaskList', { id, deleteTasks: random() < 0.4 });
      }
    } else if (r < 0.89) {
      const result = await write('createLabel', { name: `label ${n++}` });
      if (result.label) {
        labels.push(result.label.id);
        created.add(result.label.id);
      }
    } else if (r < 0.91) {
      const id = pick(labels);
      if (id) {
        labels.splice(labels.indexOf(id), 1);
        await write('deleteLabel', { id });
      }
    } else if (r < 0.95) {
      const set = random() < 0.5 ? { completed: random() < 0.5 } : labels.length ? { addLabelIds: [pick(labels)], priority: 'LOW' } : { priority: 'HIGH' };
      await write('updateTasks', { ids: someTasks(4), set });
    } else if (r < 0.98) {
      const ids = someTasks(3);
      const result = await write('deleteTasks', { ids });
      result.results.forEach((item: any, i: number) => onDeleted(item.deletedTaskIds, ids[i]!, false));
    } else {
      const ids = [...new Set([pick(trashed), pick(trashed)])].filter((id): id is string => Boolean(id));
      if (ids.length) {
        const result = await write('restoreTasks', { ids });
        for (const item of result.results) onRestored(item);
      }
    }
  }

  for (let i = 0; i < steps; i++) {
    const parallel = random() < 0.3 ? 2 + Math.floor(random() * 2) : 1;
    await Promise.all(Array.from({ length: parallel }, () => step()));
    await sleep(1);
  }
  return created;
}

/** A client's copy: nodeId -> node state, built from a full sync and then every page after its token. */
class Replica {
  readonly nodes = new Map<string, ReturnType<typeof nodeState>>();
  readonly problems: string[] = [];
  readonly kindProblems: string[] = [];
  readonly seen = new Set<string>();
  token = '';
  pages = 0;
  /** Whether the copy is the server's state at the token (the last page ended the sync). */
  exact = false;
  /** Pages read from an exact copy (whose kinds were checked). */
  exactPages = 0;

  constructor(private readonly api: OrganizingClient, private readonly name: string) {}

  apply(page: SyncPage) {
    this.pages++;
    const exact = this.exact;
    const ids = page.changes.map((c) => c.nodeId);
    if (new Set(ids).size !== ids.length) this.problems.push(`${this.name}: an object twice in one page: ${JSON.stringify(summary(page.changes))}`);
    for (const change of page.changes) {
      this.seen.add(change.nodeId);
      if (change.kind === 'DELETED') {
        if (change.node !== null) this.problems.push(`${this.name}: DELETED with a node: ${JSON.stringify(change)}`);
        this.nodes.delete(change.nodeId); // unknown ids are ignored
        continue;
      }
      if (change.node?.id !== change.nodeId || change.node?.__typename !== change.nodeType) this.problems.push(`${this.name}: node does not match: ${JSON.stringify(change)}`);
      // CREATED means not live at the token, UPDATED live: so absent from, or present in, a copy that was
      // exact at the token. The copy is exact only where the last page said hasMore: false; in the middle of
      // a sync it lacks what changed again after the page was read (clients upsert, see API.md).
      if (exact && change.kind === 'CREATED' && this.nodes.has(change.nodeId)) {
        this.kindProblems.push(`${this.name}: CREATED for ${change.nodeType} "${change.node?.title ?? change.node?.name}", which was live at the token`);
      }
      if (exact && change.kind === 'UPDATED' && !this.nodes.has(change.nodeId)) {
        this.kindProblems.push(`${this.name}: UPDATED for ${change.nodeType} "${change.node?.title ?? change.node?.name}", which was not live at the token`);
      }
      this.nodes.set(change.nodeId, nodeState(change.node));
    }
    this.token = page.syncToken;
    this.exact = !page.hasMore;
    if (this.exact) this.exactPages++;
  }

  async fullSync() {
    const full = await drain(this.api, undefined, 1000);
    full.pages.forEach((page) => this.apply(page));
  }

  /** One page after the token. */
  async step(first: number): Promise<boolean> {
    const page = await syncPage(this.api, this.token, first);
    this.apply(page);
    return page.hasMore;
  }

  async catchUp() {
    while (await this.step(1000));
  }
}

const sortedEntries = (map: Map<string, unknown>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('convergence under concurrent writes', () => {
  // Several replicas read at once: more reads that can straddle a commit (PGlite: fewer, it has one connection).
  const READERS = testDbKind === 'pglite' ? 3 : 5;
  const replicas: Replica[] = [];
  let fresh: Map<string, ReturnType<typeof nodeState>>;
  let strangerIds: Set<string>;
  let pagesWhileWriting = 0;
  const log = { mutations: 0 };

  beforeAll(async () => {
    const owner = await newUser();
    const writer = await secondClient(owner);
    const stranger = await newUser();

    // Some state before the first full sync.
    const list = await writer.createList('seed list');
    const label = await writer.createLabel('seed label');
    for (let i = 0; i < 6; i++) {
      const task = await writer.createTask({ title: `seed ${i}`, listId: i % 2 ? list.id : null, labelIds: i % 3 ? [label.id] : [] });
      if (i % 2) await createSubtask(writer, task.id, `seed sub ${i}`);
    }
    for (let i = 0; i < READERS; i++) {
      const replica = new Replica(i === 0 ? owner.api : await secondClient(owner), `replica ${i}`);
      await replica.fullSync();
      replicas.push(replica);
    }

    let writing = true;
    const writerRun = randomWriter(writer, 20261130, 160, log).finally(() => {
      writing = false;
    });
    const strangerRun = randomWriter(stranger.api, 99, 30, { mutations: 0 });
    // One page per round, small pages, so that sync runs all the time the writer does.
    const readerRuns = replicas.map(async (replica, i) => {
      const random = mulberry32(i + 1);
      while (writing) {
        const hasMore = await replica.step(1 + Math.floor(random() * 40));
        if (writing) pagesWhileWriting++;
        // PGlite has one connection: read at a pace that leaves it to the writer too. PostgreSQL reads flat out.
        if (testDbKind === 'pglite') await sleep((hasMore ? 5 : 20) + random() * 30);
        else if (!hasMore) await sleep(random() * 10);
      }
    });
    const [, strangerCreated] = await Promise.all([writerRun, strangerRun, ...readerRuns]);
    strangerIds = strangerCreated;

    for (const replica of replicas) await replica.catchUp();
    const check = await drain(owner.api, undefined, 1000);
    fresh = new Map(check.changes.map((c) => [c.nodeId, nodeState(c.node)]));
    // Every object of the stranger's (its own full sync, and what it created and deleted since).
    for (const change of (await drain(stranger.api, undefined, 1000)).changes) strangerIds.add(change.nodeId);
  }, 120_000);

  it('the writer ran a few hundred mutations while sync pages were read', () => {
    expect(log.mutations).toBeGreaterThanOrEqual(150);
    expect(pagesWhileWriting).toBeGreaterThanOrEqual(10 * READERS);
  });

  it('each replica built from sync pages equals a fresh full sync', () => {
    expect(fresh.size).toBeGreaterThan(20);
    for (const replica of replicas) expect(sortedEntries(replica.nodes)).toEqual(sortedEntries(fresh));
  });

  it('every page was well formed (each object at most once, node matching nodeId and nodeType)', () => {
    expect(replicas.flatMap((replica) => replica.problems)).toEqual([]);
  });

  it('CREATED named only objects that were not live at the token, UPDATED only objects that were', () => {
    expect(replicas.flatMap((replica) => replica.kindProblems)).toEqual([]);
    for (const replica of replicas) expect(replica.exactPages).toBeGreaterThanOrEqual(5);
  });

  it('nothing of another user ever reached a replica', () => {
    expect(strangerIds.size).toBeGreaterThan(0);
    for (const replica of replicas) for (const id of strangerIds) expect(replica.seen.has(id), id).toBe(false);
  });
});
