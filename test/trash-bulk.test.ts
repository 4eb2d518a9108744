// The trash (visibility, trashedTasks, restoreTask, permanent deletes, purgeTrash) and the bulk mutations updateTasks/deleteTasks/restoreTasks, through the public GraphQL API.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeTrash } from '../src/services/trash.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { ORG_TASK_FIELDS, organizingClient, type OrgTask, type Outcome } from './helpers/organizing.ts';
import { expectBadUserInput, globalId, missingTaskId, rawId, sleep } from './helpers/tasks.ts';

// ---- Local helpers ----

const NOT_FOUND = { __typename: 'NotFoundError', message: 'Task not found.' };
const DAY = 86_400_000;

const TASK_PAYLOAD = `... on TaskPayload { task { ${ORG_TASK_FIELDS} } alsoChanged { ${ORG_TASK_FIELDS} } }`;
const VALIDATION = '... on ValidationError { fieldErrors { path message } }';
const DELETE_PAYLOAD = '... on DeleteTaskPayload { deletedTaskId deletedTaskIds }';
const RESTORE_TASK = `mutation ($input: RestoreTaskInput!) { restoreTask(input: $input) { __typename ... on Error { message } ${TASK_PAYLOAD} } }`;
const UPDATE_TASKS = `mutation ($input: UpdateTasksInput!) {
  updateTasks(input: $input) { changedCount results { __typename ... on Error { message } ${VALIDATION} ${TASK_PAYLOAD} } } }`;
const DELETE_TASKS = `mutation ($input: DeleteTasksInput!) {
  deleteTasks(input: $input) { changedCount results { __typename ... on Error { message } ${DELETE_PAYLOAD} } } }`;
const RESTORE_TASKS = `mutation ($input: RestoreTasksInput!) {
  restoreTasks(input: $input) { changedCount results { __typename ... on Error { message } ${TASK_PAYLOAD} } } }`;
const CONNECTION = 'totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

interface Bulk {
  changedCount: number;
  results: Outcome[];
}
interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const idsOf = (connection: Connection) => connection.edges.map((edge) => edge.node.id);
const sorted = (ids: readonly string[]) => [...ids].sort();
/** A well-formed id of a task list: no task can have it. */
const otherTypeId = () => globalId('TaskList', randomUUID());

/** The Part 2 API of one user, with the trash and bulk mutations. */
function client(app: TestApp, token: string) {
  const org = organizingClient(app, token);

  async function bulk(document: string, field: string, input: Record<string, unknown>): Promise<Bulk> {
    const res = await org.gql(document, { input });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data[field];
  }

  /** Creates many tasks in one request (aliased createTask); returns them in input order. */
  async function createMany(inputs: Record<string, unknown>[]): Promise<OrgTask[]> {
    const created: OrgTask[] = [];
    for (let start = 0; start < inputs.length; start += 50) {
      const chunk = inputs.slice(start, start + 50);
      const variables = Object.fromEntries(chunk.map((input, index) => [`i${index}`, input]));
      const document = `mutation (${chunk.map((_, index) => `$i${index}: CreateTaskInput!`).join(', ')}) {
        ${chunk.map((_, index) => `c${index}: createTask(input: $i${index}) { __typename ... on TaskPayload { task { ${ORG_TASK_FIELDS} } } }`).join('\n')} }`;
      const res = await org.gql(document, variables);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      chunk.forEach((_, index) => {
        expect(res.data[`c${index}`].__typename).toBe('TaskPayload');
        created.push(res.data[`c${index}`].task);
      });
    }
    return created;
  }

  return {
    ...org,
    createMany,
    async restoreTask(id: string): Promise<Outcome> {
      const res = await org.gql(RESTORE_TASK, { input: { id } });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data.restoreTask;
    },
    async trash(id: string): Promise<Outcome> {
      return org.ok('deleteTask', { id }, 'DeleteTaskPayload');
    },
    updateTasks: (ids: string[], set: Record<string, unknown>) => bulk(UPDATE_TASKS, 'updateTasks', { ids, set }),
    deleteTasks: (ids: string[], permanently?: boolean) => bulk(DELETE_TASKS, 'deleteTasks', { ids, ...(permanently !== undefined && { permanently }) }),
    restoreTasks: (ids: string[]) => bulk(RESTORE_TASKS, 'restoreTasks', { ids }),
    async tasks(args: Record<string, unknown> = {}): Promise<Connection> {
      return (await org.read<{ tasks: Connection }>(
        `query ($filter: TaskFilter, $orderBy: TaskOrder) { tasks(first: 100, filter: $filter, orderBy: $orderBy) { ${CONNECTION} } }`,
        args,
      )).tasks;
    },
    async trashed(args: Record<string, unknown> = { first: 100 }): Promise<Connection> {
      return (await org.read<{ trashedTasks: Connection }>(
        `query ($first: Int, $after: String, $last: Int, $before: String) { trashedTasks(first: $first, after: $after, last: $last, before: $before) { ${CONNECTION} } }`,
        args,
      )).trashedTasks;
    },
    /** A trashed task as trashedTasks shows it. */
    async inTrash(id: string): Promise<OrgTask | undefined> {
      const { trashedTasks } = await org.read<{ trashedTasks: { edges: { node: OrgTask }[] } }>(
        `{ trashedTasks(first: 100) { edges { node { ${ORG_TASK_FIELDS} } } } }`,
      );
      return trashedTasks.edges.map((edge) => edge.node).find((task) => task.id === id);
    },
  };
}
type Client = ReturnType<typeof client>;

let t: TestApp;
let bob: Client;
let bobTask: OrgTask;
let bobTrashed: OrgTask;

async function newUser(): Promise<Client> {
  return client(t, (await t.signup()).accessToken);
}

beforeAll(async () => {
  t = await startTestApp();
  bob = await newUser();
  bobTask = await bob.createTask({ title: 'bob live' });
  bobTrashed = await bob.createTask({ title: 'bob trashed' });
  await bob.trash(bobTrashed.id);
});
afterAll(() => t?.close());

/** Bob's data is as it was (nothing another user did reached it). */
async function expectBobUntouched() {
  expect(await bob.task(bobTask.id)).toEqual(bobTask);
  expect(await bob.task(bobTrashed.id)).toBeNull();
  expect(idsOf(await bob.trashed())).toEqual([bobTrashed.id]);
}

// ---- Trash visibility ----

describe('a trashed task and its descendants disappear from every query and count', () => {
  let api: Client;
  let list: { id: string };
  let label: { id: string };
  let keep: OrgTask; // live, with one live and one trashed subtask
  let keepChild: OrgTask;
  let doomedChild: OrgTask; // a completed subtask of keep, trashed alone
  let doomed: OrgTask; // trashed with its subtree
  let doomedChild1: OrgTask;
  let doomedGrandchild: OrgTask; // completed
  let trashedIds: string[];
  let deleted: Outcome;
  let deletedChild: Outcome;
  let keepBefore: OrgTask;
  let openBefore: number;

  const FILTERS: Record<string, unknown>[] = [];
  const before = new Map<string, string[]>();
  const scoped = new Map<string, string[]>();

  const scopedQueries = () => ({
    me: ['{ me { tasks(first: 100) { edges { node { id } } totalCount } } }', (data: any) => data.me.tasks],
    list: [`{ taskList(id: "${list.id}") { tasks(first: 100) { edges { node { id } } totalCount } } }`, (data: any) => data.taskList.tasks],
    label: [`{ label(id: "${label.id}") { tasks(first: 100) { edges { node { id } } totalCount } } }`, (data: any) => data.label.tasks],
    listAndFilter: [
      `{ taskList(id: "${list.id}") { tasks(first: 100, filter: { search: "zebra", topLevel: false }) { edges { node { id } } totalCount } } }`,
      (data: any) => data.taskList.tasks,
    ],
    labelAndFilter: [
      `{ label(id: "${label.id}") { tasks(first: 100, filter: { completed: true }) { edges { node { id } } totalCount } } }`,
      (data: any) => data.label.tasks,
    ],
  }) as Record<string, [string, (data: any) => Connection]>;

  async function readScoped(): Promise<Map<string, { ids: string[]; totalCount: number }>> {
    const out = new Map<string, { ids: string[]; totalCount: number }>();
    for (const [name, [query, pick]] of Object.entries(scopedQueries())) {
      const connection = pick(await api.read(query));
      out.set(name, { ids: idsOf(connection), totalCount: connection.totalCount });
    }
    return out;
  }

  const openCount = async () => (await api.read<{ taskList: { openTaskCount: number } }>(`{ taskList(id: "${list.id}") { openTaskCount } }`)).taskList.openTaskCount;

  beforeAll(async () => {
    api = await newUser();
    list = await api.createList('Work');
    label = await api.createLabel('urgent');
    const common = { labelIds: [label.id], priority: 'HIGH', dueAt: '2030-06-01T12:00:00.000Z', description: 'zebra stripes' };
    keep = await api.createTask({ title: 'keep', listId: list.id, ...common });
    keepChild = await api.createTask({ title: 'keep child', parentId: keep.id, ...common });
    doomedChild = await api.createTask({ title: 'doomed child of keep', parentId: keep.id, completed: true, ...common });
    doomed = await api.createTask({ title: 'doomed', listId: list.id, ...common });
    doomedChild1 = await api.createTask({ title: 'doomed child', parentId: doomed.id, ...common });
    doomedGrandchild = await api.createTask({ title: 'doomed grandchild', parentId: doomedChild1.id, completed: true, ...common });
    await api.createTask({ title: 'unrelated inbox task' });
    trashedIds = [doomed.id, doomedChild1.id, doomedGrandchild.id, doomedChild.id];

    FILTERS.push(
      {},
      { completed: false },
      { completed: true },
      { priority: ['HIGH'] },
      { search: 'ZEBRA' },
      { dueBefore: '2031-01-01T00:00:00.000Z' },
      { dueAfter: '2029-01-01T00:00:00.000Z' },
      { listId: list.id },
      { inbox: false },
      { labelIds: [label.id] },
      { topLevel: true },
      { topLevel: false },
      { listId: list.id, labelIds: [label.id], search: 'stripes', priority: ['HIGH'] },
    );
    for (const filter of FILTERS) before.set(JSON.stringify(filter), idsOf(await api.tasks({ filter })));
    for (const [name, value] of await readScoped()) scoped.set(name, value.ids);
    keepBefore = (await api.task(keep.id))!;
    openBefore = await openCount();

    deleted = await api.trash(doomed.id);
    deletedChild = await api.trash(doomedChild.id);
  });

  it('deleteTask answers the task asked for and every task it trashed', () => {
    expect(deleted.deletedTaskId).toBe(doomed.id);
    expect(sorted(deleted.deletedTaskIds!)).toEqual(sorted([doomed.id, doomedChild1.id, doomedGrandchild.id]));
    expect(deletedChild).toMatchObject({ deletedTaskId: doomedChild.id, deletedTaskIds: [doomedChild.id] });
  });

  it('tasks and totalCount leave them out under every filter', async () => {
    for (const filter of FILTERS) {
      const was = before.get(JSON.stringify(filter))!;
      // Each filter matched some of the trashed tasks before the deletion, so the check means something.
      expect(was.some((id) => trashedIds.includes(id)), JSON.stringify(filter)).toBe(true);
      const now = await api.tasks({ filter });
      expect(idsOf(now), JSON.stringify(filter)).toEqual(was.filter((id) => !trashedIds.includes(id)));
      expect(now.totalCount, JSON.stringify(filter)).toBe(now.edges.length);
    }
  });

  it('User.tasks, TaskList.tasks and Label.tasks (with and without a filter) leave them out', async () => {
    const now = await readScoped();
    for (const [name, was] of scoped) {
      expect(was.some((id) => trashedIds.includes(id)), name).toBe(true);
      expect(now.get(name)!.ids, name).toEqual(was.filter((id) => !trashedIds.includes(id)));
      expect(now.get(name)!.totalCount, name).toBe(now.get(name)!.ids.length);
    }
  });

  it('task(id), node and nodes answer null for them', async () => {
    for (const id of trashedIds) {
      expect(await api.task(id)).toBeNull();
      expect(await api.read(`query ($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ node: null });
    }
    expect(await api.read('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [doomed.id, keep.id, doomedGrandchild.id, doomedChild.id] }))
      .toEqual({ nodes: [null, { id: keep.id }, null, null] });
  });

  it('subtasks, subtaskCount, completedSubtaskCount and openTaskCount leave them out (the parent keeps its version)', async () => {
    expect(keepBefore).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 1 });
    const { task } = await api.read<{ task: OrgTask & { subtasks: Connection } }>(
      `query ($id: ID!) { task(id: $id) { ${ORG_TASK_FIELDS} subtasks(first: 100) { ${CONNECTION} } } }`,
      { id: keep.id },
    );
    expect(idsOf(task.subtasks)).toEqual([keepChild.id]);
    expect(task.subtasks.totalCount).toBe(1);
    expect(task).toMatchObject({ subtaskCount: 1, completedSubtaskCount: 0, version: keepBefore.version });
    // Open before: keep, keep child, doomed, doomed child (the grandchild and doomedChild are done).
    expect(openBefore).toBe(4);
    expect(await openCount()).toBe(2);
  });

  it('trashedTasks lists every trashed task, descendants included', async () => {
    const trash = await api.trashed();
    expect(sorted(idsOf(trash))).toEqual(sorted(trashedIds));
    expect(trash.totalCount).toBe(4);
    // Most recently trashed first: doomedChild was trashed after doomed's subtree.
    expect(idsOf(trash)[0]).toBe(doomedChild.id);
  });

  it('every mutation on a trashed task (or a trashed descendant) is NotFoundError and changes nothing', async () => {
    for (const task of [doomed, doomedChild1]) {
      const version = (await api.inTrash(task.id))!.version;
      const id = task.id;
      expect(await api.mutate('updateTask', { id, title: 'x' })).toEqual(NOT_FOUND);
      expect(await api.mutate('updateTask', { id, title: 'x', expectedVersion: version })).toEqual(NOT_FOUND);
      expect(await api.mutate('setTaskCompleted', { id, completed: true })).toEqual(NOT_FOUND);
      expect(await api.mutate('toggleTaskCompleted', { id })).toEqual(NOT_FOUND);
      expect(await api.mutate('deleteTask', { id })).toEqual(NOT_FOUND);
      expect(await api.mutate('deleteTask', { id, permanently: false, expectedVersion: version })).toEqual(NOT_FOUND);
      expect(await api.mutate('moveTask', { id, listId: null })).toEqual(NOT_FOUND);
      expect(await api.updateTasks([id], { priority: 'LOW' })).toEqual({ changedCount: 0, results: [NOT_FOUND] });
      expect(await api.deleteTasks([id])).toEqual({ changedCount: 0, results: [NOT_FOUND] });
      expect(await api.deleteTasks([id], false)).toEqual({ changedCount: 0, results: [NOT_FOUND] });
      const after = (await api.inTrash(id))!;
      expect(after).toMatchObject({ title: task.title, priority: 'HIGH', completed: task.completed, version });
    }
    // As a reference, a trashed task is like a missing one.
    const child = await api.mutate('createTask', { title: 'under trash', parentId: doomed.id });
    expect(child.__typename).toBe('ValidationError');
    expect(child.fieldErrors!.map((error) => error.path)).toEqual([['input', 'parentId']]);
    expect(sorted(idsOf(await api.trashed()))).toEqual(sorted(trashedIds));
  });
});

// ---- trashedTasks ----

describe('trashedTasks', () => {
  let api: Client;
  let tasks: OrgTask[];

  beforeAll(async () => {
    api = await newUser();
    tasks = await api.createMany([1, 2, 3, 4, 5].map((n) => ({ title: `t${n}` })));
    await api.createTask({ title: 'live' });
    // Trash in the order t3, t1, t5, t2, t4 (a few ms apart).
    for (const index of [2, 0, 4, 1, 3]) {
      await api.trash(tasks[index]!.id);
      await sleep(5);
    }
  });

  const byRecency = () => [3, 1, 4, 0, 2].map((index) => tasks[index]!.id);

  it('lists the trash most recently trashed first, with totalCount', async () => {
    const trash = await api.trashed();
    expect(idsOf(trash)).toEqual(byRecency());
    expect(trash.totalCount).toBe(5);
    expect(trash.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('pages forward with first/after and backward with last/before', async () => {
    const expected = byRecency();
    const forward: string[] = [];
    let after: string | null = null;
    const flags: boolean[] = [];
    for (;;) {
      const page: Connection = await api.trashed({ first: 2, after });
      forward.push(...idsOf(page));
      flags.push(page.pageInfo.hasNextPage);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(forward).toEqual(expected);
    expect(flags).toEqual([true, true, false]);

    const backward: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const page: Connection = await api.trashed({ last: 2, before });
      backward.unshift(idsOf(page));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backward).toEqual([expected.slice(0, 1), expected.slice(1, 3), expected.slice(3, 5)]);

    const middle = await api.trashed({ first: 2, after: (await api.trashed({ first: 1 })).pageInfo.endCursor });
    expect(idsOf(middle)).toEqual(expected.slice(1, 3));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('a restored task leaves it, and trashing it again puts it first', async () => {
    const t1 = tasks[0]!.id;
    expect((await api.restoreTask(t1)).__typename).toBe('TaskPayload');
    expect(idsOf(await api.trashed())).toEqual(byRecency().filter((id) => id !== t1));
    await sleep(5);
    await api.trash(t1);
    expect(idsOf(await api.trashed())).toEqual([t1, ...byRecency().filter((id) => id !== t1)]);
    // Put the order back as the other tests expect it.
    await api.restoreTask(t1);
    await api.trash(t1);
  });

  it.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['last: 0', { last: 0 }],
    ['last: 101', { last: 101 }],
    ['first with last', { first: 2, last: 2 }],
    ['after: "garbage"', { after: 'garbage' }],
    ['before: "garbage"', { before: 'garbage' }],
  ])('%s is BAD_USER_INPUT', async (_name, args) => {
    const res = await api.gql(
      'query ($first: Int, $after: String, $last: Int, $before: String) { trashedTasks(first: $first, after: $after, last: $last, before: $before) { totalCount } }',
      args,
    );
    expectBadUserInput(res);
    expect(res.data?.trashedTasks ?? null).toBeNull();
  });

  it('a cursor of the tasks connection is BAD_USER_INPUT in trashedTasks', async () => {
    const cursor = (await api.tasks()).pageInfo.endCursor;
    expectBadUserInput(await api.gql('query ($after: String) { trashedTasks(first: 2, after: $after) { totalCount } }', { after: cursor }));
  });

  it('is empty for another user', async () => {
    const other = await newUser();
    expect(await other.trashed()).toMatchObject({ totalCount: 0, edges: [] });
  });
});

// ---- restoreTask ----

describe('restoreTask', () => {
  let api: Client;
  let list: { id: string };

  beforeAll(async () => {
    api = await newUser();
    list = await api.createList('Home');
  });

  /** A top-level task in `list` between two siblings, with a subtask and a grandchild. */
  async function tree(name: string) {
    const first = await api.createTask({ title: `${name} first`, listId: list.id });
    const root = await api.createTask({ title: `${name} root`, listId: list.id });
    const last = await api.createTask({ title: `${name} last`, listId: list.id });
    const child = await api.createTask({ title: `${name} child`, parentId: root.id });
    const child2 = await api.createTask({ title: `${name} child 2`, parentId: root.id });
    const grandchild = await api.createTask({ title: `${name} grandchild`, parentId: child.id });
    return { first, root, last, child, child2, grandchild };
  }

  const positionOrder = async () =>
    idsOf(await api.tasks({ filter: { listId: list.id, topLevel: true }, orderBy: { field: 'POSITION', direction: 'ASC' } }));

  it('brings back the task and its subtree where it was, version +1, the others in alsoChanged', async () => {
    const { root, child, child2, grandchild } = await tree('a');
    const order = await positionOrder();
    const stored = await Promise.all([root, child, child2, grandchild].map((task) => api.task(task.id)));
    await api.trash(root.id);
    const trashedVersions = await Promise.all([root, child, child2, grandchild].map(async (task) => (await api.inTrash(task.id))!.version));
    expect(trashedVersions).toEqual(stored.map((task) => task!.version + 1));

    const outcome = await api.restoreTask(root.id);
    expect(outcome.__typename).toBe('TaskPayload');
    const { task, alsoChanged } = outcome;
    expect(sorted(alsoChanged!.map((other) => other.id))).toEqual(sorted([child.id, child2.id, grandchild.id]));
    const restored = [task!, ...[child, child2, grandchild].map((c) => alsoChanged!.find((other) => other.id === c.id)!)];
    restored.forEach((now, index) => {
      const was = stored[index]!;
      expect(now).toMatchObject({ id: was.id, title: was.title, position: was.position, parent: was.parent, list: was.list, labels: was.labels });
      expect(now.version).toBe(trashedVersions[index]! + 1);
    });
    for (const now of restored) expect(await api.task(now.id)).toEqual(now);
    expect(await positionOrder()).toEqual(order);
    expect((await api.task(root.id))!.subtaskCount).toBe(2);
    expect(idsOf(await api.trashed())).not.toContain(root.id);
  });

  it('leaves in the trash a descendant that an earlier deletion trashed', async () => {
    const { root, child, child2, grandchild } = await tree('b');
    await api.trash(child2.id);
    await api.trash(root.id);
    const { task, alsoChanged } = await api.restoreTask(root.id);
    expect(task!.id).toBe(root.id);
    expect(sorted(alsoChanged!.map((other) => other.id))).toEqual(sorted([child.id, grandchild.id]));
    expect(await api.task(child2.id)).toBeNull();
    expect(idsOf(await api.trashed())).toContain(child2.id);
    expect((await api.task(root.id))!.subtaskCount).toBe(1);

    // It comes back by itself, under its parent.
    const again = await api.restoreTask(child2.id);
    expect(again).toMatchObject({ __typename: 'TaskPayload', task: { id: child2.id, parent: { id: root.id } }, alsoChanged: [] });
  });

  it('brings back the trashed ancestors of a trashed grandchild (trashed by one deletion)', async () => {
    const { root, child, grandchild } = await tree('c');
    await api.trash(root.id);
    const outcome = await api.restoreTask(grandchild.id);
    expect(outcome.__typename).toBe('TaskPayload');
    expect(outcome.task).toMatchObject({ id: grandchild.id, parent: { id: child.id } });
    expect(sorted(outcome.alsoChanged!.map((other) => other.id))).toEqual(sorted([root.id, child.id]));
    for (const task of [root, child, grandchild]) expect(await api.task(task.id)).not.toBeNull();
    expect(await api.task(grandchild.id)).toMatchObject({ parent: { id: child.id }, list: { id: list.id } });
    expect(await api.task(child.id)).toMatchObject({ parent: { id: root.id } });
  });

  it('brings back the trashed ancestors of a trashed grandchild (trashed by two deletions)', async () => {
    const { root, child, grandchild } = await tree('d');
    const rootWas = await api.task(root.id);
    await api.trash(child.id); // trashes child and grandchild
    await api.trash(root.id); // trashes root and child 2
    const outcome = await api.restoreTask(grandchild.id);
    expect(outcome.__typename).toBe('TaskPayload');
    expect(sorted(outcome.alsoChanged!.map((other) => other.id))).toEqual(sorted([root.id, child.id]));
    expect(await api.task(root.id)).toMatchObject({ position: rootWas!.position, parent: null, list: { id: list.id } });
    expect(await api.task(child.id)).toMatchObject({ parent: { id: root.id } });
    expect(await api.task(grandchild.id)).toMatchObject({ parent: { id: child.id } });
  });

  it('is NotFoundError for a task that is not in the trash: live, restored, missing, foreign, deleted for good', async () => {
    const live = await api.createTask({ title: 'live' });
    const restored = await api.createTask({ title: 'restored' });
    await api.trash(restored.id);
    await api.restoreTask(restored.id);
    const gone = await api.createTask({ title: 'gone' });
    await api.trash(gone.id);
    await api.ok('deleteTask', { id: gone.id, permanently: true }, 'DeleteTaskPayload');

    const liveWas = await api.task(live.id);
    const restoredWas = await api.task(restored.id);
    for (const id of [live.id, restored.id, missingTaskId(), bobTrashed.id, bobTask.id, gone.id, otherTypeId()]) {
      expect(await api.restoreTask(id), id).toEqual(NOT_FOUND);
    }
    expect(await api.task(live.id)).toEqual(liveWas);
    expect(await api.task(restored.id)).toEqual(restoredWas);
    expect(await api.task(gone.id)).toBeNull();
    await expectBobUntouched();
  });

  it('restores into the Inbox a task whose list was deleted with its tasks (deleteTasks: true)', async () => {
    const doomedList = await api.createList('Doomed');
    const task = await api.createTask({ title: 'in doomed list', listId: doomedList.id });
    const sub = await api.createTask({ title: 'sub in doomed list', parentId: task.id });
    await api.ok('deleteTaskList', { id: doomedList.id, deleteTasks: true }, 'DeleteTaskListPayload');
    expect(await api.task(task.id)).toBeNull();
    expect(idsOf(await api.trashed())).toEqual(expect.arrayContaining([task.id, sub.id]));

    const outcome = await api.restoreTask(task.id);
    expect(outcome).toMatchObject({ __typename: 'TaskPayload', task: { id: task.id, list: null, parent: null } });
    expect(outcome.alsoChanged!.map((other) => [other.id, other.list, other.parent])).toEqual([[sub.id, null, { id: task.id }]]);
    expect(idsOf(await api.tasks({ filter: { inbox: true } }))).toEqual(expect.arrayContaining([task.id, sub.id]));
  });

  it('gives a restored task a key of its own when a sibling took its key meanwhile, so moveTask places between any two', async () => {
    const home = await api.createList('Keys');
    const order = async (filter: Record<string, unknown>) => idsOf(await api.tasks({ filter, orderBy: { field: 'POSITION', direction: 'ASC' } }));
    const a = await api.createTask({ title: 'a', listId: home.id });
    const b = await api.createTask({ title: 'b', listId: home.id });
    await api.trash(b.id);
    const c = await api.createTask({ title: 'c', listId: home.id }); // goes last among live siblings: b's old key
    expect(c.position).toBe(b.position);
    const restored = await api.restoreTask(b.id);
    expect(restored.task!.position).not.toBe(c.position);
    const keysOf = async (filter: Record<string, unknown>) =>
      (await api.read<{ tasks: { edges: { node: { position: string } }[] } }>('query ($filter: TaskFilter) { tasks(first: 100, filter: $filter) { edges { node { position } } } }', { filter }))
        .tasks.edges.map((edge) => edge.node.position);
    const keys = await keysOf({ listId: home.id, topLevel: true });
    expect(new Set(keys).size).toBe(keys.length);
    const top = { listId: home.id, topLevel: true };
    expect(await order(top)).toEqual([a.id, c.id, b.id]); // right after the task that took its key
    expect(await api.mutate('moveTask', { id: a.id, afterId: c.id })).toMatchObject({ __typename: 'TaskPayload' });
    expect(await order(top)).toEqual([c.id, a.id, b.id]);
    expect(await api.mutate('moveTask', { id: b.id, beforeId: a.id })).toMatchObject({ __typename: 'TaskPayload' });
    expect(await order(top)).toEqual([c.id, b.id, a.id]);

    // The same under a parent, and back into the Inbox from a list deleted with its tasks.
    const parent = await api.createTask({ title: 'parent', listId: home.id });
    const x1 = await api.createTask({ title: 'x1', parentId: parent.id });
    await api.trash(x1.id);
    const x2 = await api.createTask({ title: 'x2', parentId: parent.id });
    expect(x2.position).toBe(x1.position);
    expect((await api.restoreTask(x1.id)).task!.position).not.toBe(x2.position);
    const doomed = await api.createList('Doomed keys');
    const inbox = await api.createTask({ title: 'inbox task' });
    const away = await api.createTask({ title: 'away', listId: doomed.id });
    await api.ok('deleteTaskList', { id: doomed.id, deleteTasks: true }, 'DeleteTaskListPayload');
    const back = await api.restoreTask(away.id);
    expect(back.task).toMatchObject({ list: null });
    const inboxKeys = await keysOf({ inbox: true, topLevel: true });
    expect(new Set(inboxKeys).size).toBe(inboxKeys.length);
    expect(inboxKeys).toContain(inbox.position);
  });

  it('restores into the Inbox a trashed task whose list was deleted afterwards', async () => {
    const doomedList = await api.createList('Doomed too');
    const task = await api.createTask({ title: 'trashed first', listId: doomedList.id });
    await api.trash(task.id);
    await api.ok('deleteTaskList', { id: doomedList.id }, 'DeleteTaskListPayload');
    const outcome = await api.restoreTask(task.id);
    expect(outcome).toMatchObject({ __typename: 'TaskPayload', task: { id: task.id, list: null } });
    expect(await api.task(task.id)).toMatchObject({ list: null });
  });
});

// ---- deleteTask permanently ----

describe('deleteTask permanently: true', () => {
  let api: Client;
  beforeAll(async () => {
    api = await newUser();
  });

  it('deletes a trashed task (and its trashed subtree) for good', async () => {
    const root = await api.createTask({ title: 'root' });
    const child = await api.createTask({ title: 'child', parentId: root.id });
    await api.trash(root.id);
    const outcome = await api.ok('deleteTask', { id: root.id, permanently: true }, 'DeleteTaskPayload');
    expect(outcome.deletedTaskId).toBe(root.id);
    expect(sorted(outcome.deletedTaskIds!)).toEqual(sorted([root.id, child.id]));
    expect(idsOf(await api.trashed())).toEqual([]);
    expect(await api.restoreTask(root.id)).toEqual(NOT_FOUND);
    expect(await api.restoreTask(child.id)).toEqual(NOT_FOUND);
    expect(await api.mutate('deleteTask', { id: root.id, permanently: true })).toEqual(NOT_FOUND);
  });

  it('deletes a live task for good without passing through the trash', async () => {
    const task = await api.createTask({ title: 'live' });
    const child = await api.createTask({ title: 'live child', parentId: task.id });
    const outcome = await api.ok('deleteTask', { id: task.id, permanently: true }, 'DeleteTaskPayload');
    expect(sorted(outcome.deletedTaskIds!)).toEqual(sorted([task.id, child.id]));
    expect(await api.task(task.id)).toBeNull();
    expect(idsOf(await api.trashed())).toEqual([]);
    expect(await api.restoreTask(task.id)).toEqual(NOT_FOUND);
  });

  it('is NotFoundError for a foreign trashed task', async () => {
    expect(await api.mutate('deleteTask', { id: bobTrashed.id, permanently: true })).toEqual(NOT_FOUND);
    await expectBobUntouched();
  });
});

// ---- Bulk: ids ----

describe('bulk mutations: the ids', () => {
  let api: Client;
  let live: OrgTask;
  let trashed: OrgTask;

  beforeAll(async () => {
    api = await newUser();
    live = await api.createTask({ title: 'live', priority: 'LOW' });
    trashed = await api.createTask({ title: 'trashed' });
    await api.trash(trashed.id);
  });

  const cases = () => [
    ['no id', [] as string[]],
    ['101 ids', [live.id, trashed.id, ...Array.from({ length: 99 }, missingTaskId)]],
    ['a repeated id', [live.id, trashed.id, missingTaskId(), live.id]],
    ['a repeated trashed id', [trashed.id, live.id, trashed.id]],
  ] as const;

  it('0 ids, 101 ids or a repeated id is BAD_USER_INPUT for updateTasks, deleteTasks and restoreTasks, and changes nothing', async () => {
    const liveWas = await api.task(live.id);
    for (const [name, ids] of cases()) {
      for (const [document, input] of [
        [UPDATE_TASKS, { ids, set: { priority: 'HIGH', completed: true } }],
        [DELETE_TASKS, { ids }],
        [DELETE_TASKS, { ids, permanently: true }],
        [RESTORE_TASKS, { ids }],
      ] as const) {
        const res = await api.gql(document, { input });
        expectBadUserInput(res);
        expect(res.data ?? null, name).toBeNull();
      }
    }
    expect(await api.task(live.id)).toEqual(liveWas);
    expect(idsOf(await api.trashed())).toEqual([trashed.id]);
  });

  it('100 ids are accepted', async () => {
    const ids = [live.id, ...Array.from({ length: 99 }, missingTaskId)];
    const result = await api.updateTasks(ids, { priority: 'MEDIUM' });
    expect(result.changedCount).toBe(1);
    expect(result.results).toHaveLength(100);
    expect(result.results[0]).toMatchObject({ __typename: 'TaskPayload', task: { id: live.id, priority: 'MEDIUM' } });
    expect(result.results.slice(1).every((item) => item.__typename === 'NotFoundError')).toBe(true);
  });
});

// ---- updateTasks ----

describe('updateTasks', () => {
  let api: Client;
  let list: { id: string };

  beforeAll(async () => {
    api = await newUser();
    list = await api.createList('Target');
  });

  it('answers one result per id in input order: missing, foreign, malformed and trashed ids fail alone', async () => {
    const a = await api.createTask({ title: 'a' });
    const b = await api.createTask({ title: 'b' });
    const trashed = await api.createTask({ title: 'trashed' });
    await api.trash(trashed.id);
    const ids = [missingTaskId(), a.id, bobTask.id, 'abc', b.id, trashed.id, otherTypeId(), bobTrashed.id];
    const result = await api.updateTasks(ids, { priority: 'HIGH' });
    expect(result.changedCount).toBe(2);
    expect(result.results.map((item) => item.__typename)).toEqual([
      'NotFoundError', 'TaskPayload', 'NotFoundError', 'NotFoundError', 'TaskPayload', 'NotFoundError', 'NotFoundError', 'NotFoundError',
    ]);
    for (const index of [0, 2, 3, 5, 6, 7]) expect(result.results[index]).toEqual(NOT_FOUND);
    expect(result.results[1]!.task).toMatchObject({ id: a.id, priority: 'HIGH', version: a.version + 1 });
    expect(result.results[4]!.task).toMatchObject({ id: b.id, priority: 'HIGH', version: b.version + 1 });
    expect(await api.task(a.id)).toEqual(result.results[1]!.task);
    expect(await api.inTrash(trashed.id)).toMatchObject({ priority: 'NONE' });
    await expectBobUntouched();
  });

  it('completed: true cascades to open descendants; a task both asked for and a cascade target gets version +1 once', async () => {
    const parent = await api.createTask({ title: 'parent' });
    const asked = await api.createTask({ title: 'asked child', parentId: parent.id });
    const cascaded = await api.createTask({ title: 'cascaded child', parentId: parent.id });
    const grandchild = await api.createTask({ title: 'grandchild', parentId: asked.id });
    const done = await api.createTask({ title: 'done child', parentId: parent.id, completed: true });
    const versions = new Map<string, number>();
    for (const task of [parent, asked, cascaded, grandchild, done]) versions.set(task.id, (await api.task(task.id))!.version);

    const result = await api.updateTasks([asked.id, parent.id], { completed: true });
    expect(result.changedCount).toBe(2);
    expect(result.results.map((item) => item.task!.id)).toEqual([asked.id, parent.id]);
    const [askedResult, parentResult] = result.results;
    expect(parentResult!.task).toMatchObject({ completed: true, version: versions.get(parent.id)! + 1 });
    expect(askedResult!.task).toMatchObject({ completed: true, version: versions.get(asked.id)! + 1 });
    const completedAt = parentResult!.task!.completedAt;
    const everyAlso = [...askedResult!.alsoChanged!, ...parentResult!.alsoChanged!];
    expect(everyAlso.map((task) => task.id)).toContain(cascaded.id);
    expect(everyAlso.map((task) => task.id)).toContain(grandchild.id);
    expect(everyAlso.map((task) => task.id)).not.toContain(done.id);
    for (const other of [askedResult!, parentResult!]) expect(other.alsoChanged!.map((task) => task.id)).not.toContain(other.task!.id);

    for (const task of [parent, asked, cascaded, grandchild]) {
      const now = (await api.task(task.id))!;
      expect(now, task.title).toMatchObject({ completed: true, completedAt, version: versions.get(task.id)! + 1 });
    }
    const doneNow = (await api.task(done.id))!;
    expect(doneNow).toMatchObject({ completed: true, completedAt: done.completedAt, version: versions.get(done.id) });
  });

  it('completed: false reopens completed ancestors (alsoChanged)', async () => {
    const parent = await api.createTask({ title: 'done parent', completed: true });
    const child = await api.createTask({ title: 'done child', parentId: parent.id, completed: true });
    const other = await api.createTask({ title: 'open one' });
    const parentVersion = (await api.task(parent.id))!.version;
    const result = await api.updateTasks([child.id, other.id], { completed: false });
    expect(result.changedCount).toBe(2);
    expect(result.results[0]).toMatchObject({ task: { id: child.id, completed: false, completedAt: null } });
    expect(result.results[0]!.alsoChanged!.map((task) => [task.id, task.completed])).toEqual([[parent.id, false]]);
    // Already open: not a change.
    expect(result.results[1]!.task).toMatchObject({ id: other.id, version: other.version, updatedAt: other.updatedAt });
    expect(result.results[1]!.alsoChanged).toEqual([]);
    expect(await api.task(parent.id)).toMatchObject({ completed: false, completedAt: null, version: parentVersion + 1 });
  });

  it('completing a recurring task rolls it forward (reopening its subtasks); a plain one completes', async () => {
    const recurring = await api.createTask({ title: 'daily', dueAt: '2026-01-05T09:00:00.000Z', recurrence: 'FREQ=DAILY' });
    const sub = await api.createTask({ title: 'daily sub', parentId: recurring.id, completed: true });
    const plain = await api.createTask({ title: 'plain' });
    const started = Date.now();
    const result = await api.updateTasks([recurring.id, plain.id], { completed: true });
    expect(result.changedCount).toBe(2);
    const rolled = result.results[0]!.task!;
    expect(rolled).toMatchObject({ completed: false, completedAt: null, recurrence: 'FREQ=DAILY', version: recurring.version + 1 });
    const due = Date.parse(rolled.dueAt!);
    expect(due).toBeGreaterThan(started - 1000);
    expect(due).toBeLessThanOrEqual(started + DAY + 1000);
    expect(rolled.dueAt!.slice(11)).toBe('09:00:00.000Z');
    expect(result.results[0]!.alsoChanged!.map((task) => [task.id, task.completed])).toEqual([[sub.id, false]]);
    expect(result.results[1]!.task).toMatchObject({ id: plain.id, completed: true });
  });

  it('dueAt: null is a ValidationError for a recurring task only; the others are cleared', async () => {
    const recurring = await api.createTask({ title: 'weekly', dueAt: '2055-01-04T09:00:00.000Z', recurrence: 'FREQ=WEEKLY' });
    const dated = await api.createTask({ title: 'dated', dueAt: '2055-02-01T00:00:00.000Z' });
    const undated = await api.createTask({ title: 'undated' });
    const result = await api.updateTasks([dated.id, recurring.id, missingTaskId(), undated.id], { dueAt: null });
    expect(result.changedCount).toBe(2);
    expect(result.results[0]!.task).toMatchObject({ id: dated.id, dueAt: null, version: dated.version + 1 });
    expect(result.results[1]).toMatchObject({ __typename: 'ValidationError' });
    expect(result.results[1]!.fieldErrors!.map((error) => error.path)).toEqual([['input', 'set', 'dueAt']]);
    expect(result.results[2]).toEqual(NOT_FOUND);
    expect(result.results[3]!.task).toMatchObject({ id: undated.id, dueAt: null, version: undated.version });
    expect(await api.task(recurring.id)).toEqual(recurring);
  });

  it('sets dueAt on every task', async () => {
    const one = await api.createTask({ title: 'one' });
    const two = await api.createTask({ title: 'two', dueAt: '2020-01-01T00:00:00.000Z' });
    const result = await api.updateTasks([one.id, two.id], { dueAt: '2055-03-01T10:00:00+01:00' });
    expect(result.results.map((item) => item.task!.dueAt)).toEqual(['2055-03-01T09:00:00.000Z', '2055-03-01T09:00:00.000Z']);
  });

  it('listId moves top-level tasks with their subtrees, last in the list; a subtask is a ValidationError; null is the Inbox', async () => {
    const there = await api.createTask({ title: 'already there', listId: list.id });
    const a = await api.createTask({ title: 'a' });
    const aChild = await api.createTask({ title: 'a child', parentId: a.id });
    const aGrandchild = await api.createTask({ title: 'a grandchild', parentId: aChild.id });
    const b = await api.createTask({ title: 'b' });
    const parent = await api.createTask({ title: 'parent stays' });
    const sub = await api.createTask({ title: 'sub', parentId: parent.id });

    const result = await api.updateTasks([a.id, sub.id, b.id], { listId: list.id });
    expect(result.changedCount).toBe(2);
    expect(result.results.map((item) => item.__typename)).toEqual(['TaskPayload', 'ValidationError', 'TaskPayload']);
    expect(result.results[1]!.fieldErrors!.map((error) => error.path)).toEqual([['input', 'set', 'listId']]);
    expect(result.results[0]!.task).toMatchObject({ id: a.id, list: { id: list.id }, parent: null, version: a.version + 1 });
    expect(result.results[2]!.task).toMatchObject({ id: b.id, list: { id: list.id }, version: b.version + 1 });
    expect(sorted(result.results[0]!.alsoChanged!.map((task) => task.id))).toEqual(sorted([aChild.id, aGrandchild.id]));
    for (const task of result.results[0]!.alsoChanged!) expect(task.list).toEqual({ id: list.id });
    expect(result.results[2]!.alsoChanged).toEqual([]);
    expect(await api.task(aGrandchild.id)).toMatchObject({ list: { id: list.id }, parent: { id: aChild.id }, version: aGrandchild.version + 1 });
    // Last in the list, after what was there; subtrees keep their shape.
    const order = idsOf(await api.tasks({ filter: { listId: list.id, topLevel: true }, orderBy: { field: 'POSITION', direction: 'ASC' } }));
    expect(order[0]).toBe(there.id);
    expect(sorted(order.slice(1))).toEqual(sorted([a.id, b.id]));
    expect(await api.task(sub.id)).toEqual(sub);

    const back = await api.updateTasks([b.id, a.id], { listId: null });
    expect(back.changedCount).toBe(2);
    expect(back.results.map((item) => item.task!.list)).toEqual([null, null]);
    expect(await api.task(aGrandchild.id)).toMatchObject({ list: null });
    expect(idsOf(await api.tasks({ filter: { listId: list.id } }))).toEqual([there.id]);
  });

  it('listId places the moved tasks last in the list in input order', async () => {
    const target = await api.createList('In input order');
    const tasks: OrgTask[] = [];
    for (const title of ['one', 'two', 'three', 'four', 'five']) tasks.push(await api.createTask({ title }));
    const ids = [3, 0, 4, 1, 2].map((index) => tasks[index]!.id);
    expect((await api.updateTasks(ids, { listId: target.id })).changedCount).toBe(5);
    expect(idsOf(await api.tasks({ filter: { listId: target.id }, orderBy: { field: 'POSITION', direction: 'ASC' } }))).toEqual(ids);
  });

  it('listId of the list a task is in moves it last there, as moveTask with only listId does', async () => {
    const home = await api.createList('Same list');
    const [a, b, c] = [await api.createTask({ title: 'a', listId: home.id }), await api.createTask({ title: 'b', listId: home.id }), await api.createTask({ title: 'c', listId: home.id })];
    const order = async () => idsOf(await api.tasks({ filter: { listId: home.id, topLevel: true }, orderBy: { field: 'POSITION', direction: 'ASC' } }));
    // Already last: nothing changes, as moveTask would leave it.
    const alone = await api.updateTasks([c!.id], { listId: home.id });
    expect(alone.results[0]!.task).toEqual(await api.task(c!.id));
    expect(alone.results[0]!.task).toMatchObject({ position: c!.position, version: c!.version });
    // Not last: it goes last, a change like any other.
    const moved = await api.updateTasks([a!.id], { listId: home.id });
    expect(moved.results[0]!.task).toMatchObject({ version: a!.version + 1, list: { id: home.id } });
    expect(await order()).toEqual([b!.id, c!.id, a!.id]);
    const twin = await api.mutate('moveTask', { id: b!.id, listId: home.id });
    expect(twin).toMatchObject({ __typename: 'TaskPayload' });
    expect(await order()).toEqual([c!.id, a!.id, b!.id]);
    // Several, one after the other in input order: the last one of the list given first keeps its place.
    const several = await api.updateTasks([b!.id, c!.id, a!.id], { listId: home.id });
    expect(several.results.map((item) => item.task!.version)).toEqual([b!.version + 1, c!.version + 1, a!.version + 2]);
    expect(await order()).toEqual([b!.id, c!.id, a!.id]);
    // A subtask stays in its list and goes last under its parent.
    const parent = await api.createTask({ title: 'parent', listId: home.id });
    const [s1, s2] = [await api.createTask({ title: 's1', parentId: parent.id }), await api.createTask({ title: 's2', parentId: parent.id })];
    const sub = await api.updateTasks([s1!.id], { listId: home.id });
    expect(sub.results[0]!.task).toMatchObject({ parent: { id: parent.id }, list: { id: home.id }, version: s1!.version + 1 });
    expect(sub.results[0]!.task!.position > s2!.position).toBe(true);
  });

  it('listId of a missing or foreign list fails every task found with a ValidationError on ["input","set","listId"]', async () => {
    const a = await api.createTask({ title: 'stays in inbox' });
    const bobList = await bob.createList(`bob list ${randomUUID()}`);
    for (const listId of [bobList.id, globalId('TaskList', randomUUID())]) {
      const result = await api.updateTasks([a.id, missingTaskId()], { listId, priority: 'HIGH' });
      expect(result.changedCount).toBe(0);
      expect(result.results[0]!.__typename).toBe('ValidationError');
      expect(result.results[0]!.fieldErrors!.map((error) => error.path)).toEqual([['input', 'set', 'listId']]);
      // Existence is checked first, as moveTask does: a missing task is NotFoundError.
      expect(result.results[1]).toEqual(NOT_FOUND);
    }
    expect(await api.task(a.id)).toEqual(a);
  });

  it('addLabelIds and removeLabelIds change labels; a task at the 20-label limit fails alone', async () => {
    const names = Array.from({ length: 21 }, (_, index) => `label ${String(index).padStart(2, '0')}`);
    const created = await api.read<Record<string, { label: { id: string } }>>(
      `mutation { ${names.map((name, index) => `l${index}: createLabel(input: { name: "${name}" }) { ... on LabelPayload { label { id } } }`).join(' ')} }`,
    );
    const labels = names.map((_, index) => created[`l${index}`]!.label);
    const full = await api.createTask({ title: 'twenty labels', labelIds: labels.slice(0, 20).map((label) => label.id) });
    const bare = await api.createTask({ title: 'bare' });
    const one = await api.createTask({ title: 'has label 0', labelIds: [labels[0]!.id] });

    const result = await api.updateTasks([full.id, bare.id, one.id], { addLabelIds: [labels[20]!.id, labels[0]!.id] });
    expect(result.changedCount).toBe(2);
    expect(result.results[0]!.__typename).toBe('ValidationError');
    expect(result.results[0]!.fieldErrors!.map((error) => error.path.slice(0, 3))).toEqual([['input', 'set', 'addLabelIds']]);
    expect(sorted(result.results[1]!.task!.labels.map((label) => label.id))).toEqual(sorted([labels[20]!.id, labels[0]!.id]));
    expect(sorted(result.results[2]!.task!.labels.map((label) => label.id))).toEqual(sorted([labels[20]!.id, labels[0]!.id]));
    expect(result.results[1]!.task!.version).toBe(bare.version + 1);
    expect(await api.task(full.id)).toEqual(full);

    // Removing one and adding one keeps the full task at 20.
    const swap = await api.updateTasks([full.id], { removeLabelIds: [labels[0]!.id], addLabelIds: [labels[20]!.id] });
    expect(swap.changedCount).toBe(1);
    expect(sorted(swap.results[0]!.task!.labels.map((label) => label.id))).toEqual(sorted(labels.slice(1, 21).map((label) => label.id)));

    const removed = await api.updateTasks([bare.id, one.id], { removeLabelIds: [labels[0]!.id] });
    expect(removed.changedCount).toBe(2);
    for (const item of removed.results) expect(item.task!.labels).toEqual([{ id: labels[20]!.id }]);
    const { label } = await api.read<{ label: { tasks: Connection } }>(`{ label(id: "${labels[0]!.id}") { tasks(first: 10) { ${CONNECTION} } } }`);
    expect(idsOf(label.tasks)).toEqual([]);

    // Adding a label a task already has changes nothing.
    const again = await api.updateTasks([bare.id], { addLabelIds: [labels[20]!.id] });
    expect(again.results[0]!.task).toEqual(removed.results[0]!.task);
  });

  it('a foreign or missing label id fails every task found with a ValidationError on ["input","set","addLabelIds","0"]', async () => {
    const label = await api.createLabel('mine');
    const a = await api.createTask({ title: 'unchanged a' });
    const b = await api.createTask({ title: 'unchanged b' });
    const bobLabel = await bob.createLabel(`bob label ${randomUUID().slice(0, 8)}`);
    for (const foreign of [bobLabel.id, globalId('Label', randomUUID())]) {
      const result = await api.updateTasks([a.id, missingTaskId(), b.id], { addLabelIds: [foreign, label.id], priority: 'HIGH', completed: true });
      expect(result.changedCount).toBe(0);
      expect(result.results).toHaveLength(3);
      expect(result.results[1]).toEqual(NOT_FOUND);
      for (const item of [result.results[0]!, result.results[2]!]) {
        expect(item.__typename).toBe('ValidationError');
        expect(item.fieldErrors!.map((error) => error.path)).toEqual([['input', 'set', 'addLabelIds', '0']]);
      }
    }
    expect(await api.task(a.id)).toEqual(a);
    expect(await api.task(b.id)).toEqual(b);
  });

  it('null for completed or priority is a ValidationError for every item', async () => {
    const a = await api.createTask({ title: 'null fields' });
    for (const field of ['completed', 'priority']) {
      const result = await api.updateTasks([a.id], { [field]: null, dueAt: '2055-01-01T00:00:00.000Z' });
      expect(result.changedCount).toBe(0);
      expect(result.results[0]!.__typename).toBe('ValidationError');
      expect(result.results[0]!.fieldErrors!.map((error) => error.path)).toEqual([['input', 'set', field]]);
    }
    expect(await api.task(a.id)).toEqual(a);
  });

  it('a bulk that changes nothing for a task leaves its version and updatedAt', async () => {
    const label = await api.createLabel('already');
    const task = await api.createTask({ title: 'steady', priority: 'HIGH', completed: true, labelIds: [label.id], dueAt: '2055-05-05T00:00:00.000Z' });
    const stored = (await api.task(task.id))!;
    const result = await api.updateTasks([task.id], {
      priority: 'HIGH', completed: true, addLabelIds: [label.id], dueAt: '2055-05-05T00:00:00.000Z', listId: null,
    });
    expect(result.changedCount).toBe(1);
    expect(result.results[0]).toMatchObject({ __typename: 'TaskPayload', task: stored, alsoChanged: [] });
    expect(await api.task(task.id)).toEqual(stored);
  });

  it('one change of several fields raises each version by exactly one', async () => {
    const label = await api.createLabel('several');
    const tasks = await api.createMany([{ title: 'x1' }, { title: 'x2', priority: 'LOW' }]);
    const result = await api.updateTasks(tasks.map((task) => task.id), {
      priority: 'MEDIUM', completed: true, addLabelIds: [label.id], dueAt: '2055-06-01T00:00:00.000Z', listId: list.id,
    });
    expect(result.changedCount).toBe(2);
    result.results.forEach((item, index) => {
      expect(item.task).toMatchObject({
        priority: 'MEDIUM', completed: true, labels: [{ id: label.id }], dueAt: '2055-06-01T00:00:00.000Z', list: { id: list.id },
        version: tasks[index]!.version + 1,
      });
    });
  });
});

// ---- deleteTasks and restoreTasks ----

describe('deleteTasks and restoreTasks', () => {
  let api: Client;
  beforeAll(async () => {
    api = await newUser();
  });

  it('deleteTasks trashes each task with its subtree; failures do not stop the others', async () => {
    const a = await api.createTask({ title: 'a' });
    const aChild = await api.createTask({ title: 'a child', parentId: a.id });
    const b = await api.createTask({ title: 'b' });
    const already = await api.createTask({ title: 'already trashed' });
    await api.trash(already.id);
    const keep = await api.createTask({ title: 'keep' });

    const result = await api.deleteTasks([a.id, missingTaskId(), bobTask.id, 'abc', already.id, b.id]);
    expect(result.changedCount).toBe(2);
    expect(result.results[0]).toMatchObject({ __typename: 'DeleteTaskPayload', deletedTaskId: a.id });
    expect(sorted(result.results[0]!.deletedTaskIds!)).toEqual(sorted([a.id, aChild.id]));
    for (const index of [1, 2, 3, 4]) expect(result.results[index]).toEqual(NOT_FOUND);
    expect(result.results[5]).toEqual({ __typename: 'DeleteTaskPayload', deletedTaskId: b.id, deletedTaskIds: [b.id] });
    expect(idsOf(await api.tasks())).toEqual([keep.id]);
    expect(sorted(idsOf(await api.trashed()))).toEqual(sorted([a.id, aChild.id, b.id, already.id]));
    await expectBobUntouched();
  });

  it('restoreTasks brings each back with its subtree; live, missing, foreign and malformed ids fail alone', async () => {
    const a = await api.createTask({ title: 'r a' });
    const aChild = await api.createTask({ title: 'r a child', parentId: a.id });
    const b = await api.createTask({ title: 'r b' });
    const live = await api.createTask({ title: 'r live' });
    await api.deleteTasks([a.id, b.id]);
    const trashedVersions = await Promise.all([a, aChild, b].map(async (task) => (await api.inTrash(task.id))!.version));

    const result = await api.restoreTasks([b.id, live.id, missingTaskId(), bobTrashed.id, 'abc', a.id]);
    expect(result.changedCount).toBe(2);
    expect(result.results.map((item) => item.__typename)).toEqual(['TaskPayload', 'NotFoundError', 'NotFoundError', 'NotFoundError', 'NotFoundError', 'TaskPayload']);
    expect(result.results[0]).toMatchObject({ task: { id: b.id, version: trashedVersions[2]! + 1, position: b.position }, alsoChanged: [] });
    expect(result.results[5]).toMatchObject({ task: { id: a.id, version: trashedVersions[0]! + 1, position: a.position } });
    expect(result.results[5]!.alsoChanged!.map((task) => [task.id, task.parent, task.version])).toEqual([[aChild.id, { id: a.id }, trashedVersions[1]! + 1]]);
    for (const task of [a, aChild, b, live]) expect(await api.task(task.id)).not.toBeNull();
    expect(idsOf(await api.trashed())).not.toEqual(expect.arrayContaining([a.id]));
    await expectBobUntouched();

    // Restoring again: nothing is in the trash any more.
    expect(await api.restoreTasks([a.id, b.id])).toEqual({ changedCount: 0, results: [NOT_FOUND, NOT_FOUND] });
  });

  it('deleteTasks permanently: true deletes live and trashed tasks for good', async () => {
    const live = await api.createTask({ title: 'p live' });
    const liveChild = await api.createTask({ title: 'p live child', parentId: live.id });
    const trashed = await api.createTask({ title: 'p trashed' });
    const trashedChild = await api.createTask({ title: 'p trashed child', parentId: trashed.id });
    await api.trash(trashed.id);

    const result = await api.deleteTasks([trashed.id, bobTrashed.id, live.id], true);
    expect(result.changedCount).toBe(2);
    expect(result.results[0]).toMatchObject({ __typename: 'DeleteTaskPayload', deletedTaskId: trashed.id });
    expect(sorted(result.results[0]!.deletedTaskIds!)).toEqual(sorted([trashed.id, trashedChild.id]));
    expect(result.results[1]).toEqual(NOT_FOUND);
    expect(sorted(result.results[2]!.deletedTaskIds!)).toEqual(sorted([live.id, liveChild.id]));
    const trash = idsOf(await api.trashed());
    for (const task of [live, liveChild, trashed, trashedChild]) {
      expect(trash).not.toContain(task.id);
      expect(await api.task(task.id)).toBeNull();
    }
    expect(await api.restoreTasks([trashed.id, trashedChild.id, live.id])).toEqual({ changedCount: 0, results: [NOT_FOUND, NOT_FOUND, NOT_FOUND] });
    await expectBobUntouched();
  });
});

// ---- Set-based ----

describe('bulk mutations are set-based', () => {
  let api: Client;
  let small: OrgTask[];
  let large: OrgTask[];
  let labelId: string;

  beforeAll(async () => {
    api = await newUser();
    labelId = (await api.createLabel('bulk')).id;
    const parents = await api.createMany(Array.from({ length: 110 }, (_, index) => ({ title: `bulk ${index}`, dueAt: '2055-01-01T00:00:00.000Z' })));
    await api.createMany(parents.map((parent, index) => ({ title: `bulk child ${index}`, parentId: parent.id })));
    small = parents.slice(0, 10);
    large = parents.slice(10);
  });

  async function recorded(run: () => Promise<Bulk>) {
    const recording = t.database.recordQueries();
    try {
      const result = await run();
      return { result, count: recording.queries.length };
    } finally {
      recording.stop();
    }
  }

  const idList = (tasks: OrgTask[]) => tasks.map((task) => task.id);
  const MAX_STATEMENTS = 25;

  it('updateTasks (completed + priority + addLabelIds) runs as many statements for 100 ids as for 10', async () => {
    const set = { completed: true, priority: 'HIGH', addLabelIds: [labelId] };
    const ten = await recorded(() => api.updateTasks(idList(small), set));
    const hundred = await recorded(() => api.updateTasks(idList(large), set));
    expect(ten.result.changedCount).toBe(10);
    expect(hundred.result.changedCount).toBe(100);
    for (const item of hundred.result.results) {
      expect(item.task).toMatchObject({ completed: true, priority: 'HIGH', labels: [{ id: labelId }], version: 2 });
      expect(item.alsoChanged!.map((task) => task.completed)).toEqual([true]);
    }
    expect((await api.tasks({ filter: { completed: true } })).totalCount).toBe(220);
    const { tasks } = await api.read<{ tasks: { totalCount: number } }>('{ tasks(filter: { completed: false }) { totalCount } }');
    expect(tasks.totalCount).toBe(0);
    expect(hundred.count).toBe(ten.count);
    expect(hundred.count).toBeLessThanOrEqual(MAX_STATEMENTS);
  });

  it('deleteTasks and restoreTasks run as many statements for 100 ids as for 10', async () => {
    const deleteTen = await recorded(() => api.deleteTasks(idList(small)));
    const deleteHundred = await recorded(() => api.deleteTasks(idList(large)));
    expect(deleteTen.result.changedCount).toBe(10);
    expect(deleteHundred.result.changedCount).toBe(100);
    expect(deleteHundred.result.results.every((item) => item.deletedTaskIds!.length === 2)).toBe(true);
    expect((await api.trashed()).totalCount).toBe(220);
    expect(deleteHundred.count).toBe(deleteTen.count);
    expect(deleteHundred.count).toBeLessThanOrEqual(MAX_STATEMENTS);

    const restoreTen = await recorded(() => api.restoreTasks(idList(small)));
    const restoreHundred = await recorded(() => api.restoreTasks(idList(large)));
    expect(restoreTen.result.changedCount).toBe(10);
    expect(restoreHundred.result.changedCount).toBe(100);
    expect(restoreHundred.result.results.every((item) => item.alsoChanged!.length === 1)).toBe(true);
    expect((await api.trashed()).totalCount).toBe(0);
    const { tasks } = await api.read<{ tasks: { totalCount: number } }>('{ tasks { totalCount } }');
    expect(tasks.totalCount).toBe(220);
    expect(restoreHundred.count).toBe(restoreTen.count);
    expect(restoreHundred.count).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});

// ---- purgeTrash ----

// Last in the file on purpose: a purge 31 days ahead empties the trash of every user of this database.
describe('purgeTrash', () => {
  let alice: Client;
  let bobP: Client;
  const future = () => new Date(Date.now() + 31 * DAY);

  beforeAll(async () => {
    alice = await newUser();
    bobP = await newUser();
  });

  /** A sync token after every change so far. */
  async function tokenNow(api: Client): Promise<string> {
    let token = (await api.read<{ sync: { syncToken: string } }>('{ sync(first: 1000) { syncToken } }')).sync.syncToken;
    for (;;) {
      const { sync } = await api.read<{ sync: { syncToken: string; changes: unknown[] } }>(
        'query ($after: String) { sync(after: $after, first: 1000) { syncToken changes { kind } } }',
        { after: token },
      );
      if (sync.changes.length === 0) return token;
      token = sync.syncToken;
    }
  }

  const changesAfter = async (api: Client, after: string) =>
    (await api.read<{ sync: { changes: { kind: string; nodeId: string; nodeType: string; node: { id: string } | null }[] } }>(
      'query ($after: String) { sync(after: $after, first: 1000) { changes { kind nodeId nodeType node { id } } } }',
      { after },
    )).sync.changes;

  /** Sets when a trashed task was trashed (to place it before or after the purge cutoff). */
  async function trashedAt(id: string, at: Date) {
    await t.database.db.prisma.task.update({ where: { id: rawId(id) }, data: { deletedAt: at } });
  }

  it('deletes for good the trash older than the retention, of every user, and nothing else', async () => {
    const now = future();
    const old = await alice.createTask({ title: 'old' });
    const oldChild = await alice.createTask({ title: 'old child', parentId: old.id });
    const recent = await alice.createTask({ title: 'recent' });
    const live = await alice.createTask({ title: 'live' });
    const liveChild = await alice.createTask({ title: 'live child of live', parentId: live.id });
    const oldOfLive = await alice.createTask({ title: 'old trashed child of live', parentId: live.id });
    const bobOld = await bobP.createTask({ title: 'bob old' });
    const bobLive = await bobP.createTask({ title: 'bob live' });
    await alice.trash(old.id);
    await alice.trash(recent.id);
    await alice.trash(oldOfLive.id);
    await bobP.trash(bobOld.id);
    // Trashed a day before the purge's clock: kept.
    await trashedAt(recent.id, new Date(now.getTime() - DAY));

    const aliceToken = await tokenNow(alice);
    const bobToken = await tokenNow(bobP);
    const liveBefore = await Promise.all([live, liveChild].map((task) => alice.task(task.id)));
    const bobLiveBefore = await bobP.task(bobLive.id);

    await purgeTrash(t.database.db.sql, 30, now);

    expect(idsOf(await alice.trashed())).toEqual([recent.id]);
    for (const task of [old, oldChild, oldOfLive]) expect(await alice.restoreTask(task.id)).toEqual(NOT_FOUND);
    expect(await Promise.all([live, liveChild].map((task) => alice.task(task.id)))).toEqual(liveBefore);
    expect(idsOf(await bobP.trashed())).toEqual([]);
    expect(await bobP.restoreTask(bobOld.id)).toEqual(NOT_FOUND);
    expect(await bobP.task(bobLive.id)).toEqual(bobLiveBefore);

    // sync from before the purge reports each purged task as DELETED. (The live parent of a purged trashed
    // child may also come as UPDATED: clients upsert, so that is harmless; nothing else may appear.)
    const aliceChanges = await changesAfter(alice, aliceToken);
    const deletions = aliceChanges.filter((change) => change.kind === 'DELETED');
    expect(deletions.map((change) => change.nodeId).sort()).toEqual(sorted([old.id, oldChild.id, oldOfLive.id]));
    for (const change of deletions) expect(change).toMatchObject({ nodeType: 'Task', node: null });
    for (const change of aliceChanges.filter((c) => c.kind !== 'DELETED')) {
      expect(change).toEqual({ kind: 'UPDATED', nodeId: live.id, nodeType: 'Task', node: { id: live.id } });
    }
    // The parent whose trashed child was purged: its counts did not change (the child was already out of them).
    expect((await alice.task(live.id))!.subtaskCount).toBe(1);
    expect(await changesAfter(bobP, bobToken)).toEqual([{ kind: 'DELETED', nodeId: bobOld.id, nodeType: 'Task', node: null }]);

    // The recent trash still restores.
    expect(await alice.restoreTask(recent.id)).toMatchObject({ __typename: 'TaskPayload', task: { id: recent.id } });
  });

  it('is safe to run twice at once (same end state, no error)', async () => {
    const now = future();
    const tasks = await alice.createMany(Array.from({ length: 6 }, (_, index) => ({ title: `concurrent ${index}` })));
    const kept = await alice.createTask({ title: 'kept in trash' });
    for (const task of tasks) await alice.trash(task.id);
    await bobP.trash((await bobP.createTask({ title: 'bob concurrent' })).id);
    await alice.trash(kept.id);
    await trashedAt(kept.id, new Date(now.getTime() - 2 * DAY));
    const liveCount = (await alice.tasks()).totalCount;

    const results = await Promise.allSettled([purgeTrash(t.database.db.sql, 30, now), purgeTrash(t.database.db.sql, 30, now)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);

    expect(idsOf(await alice.trashed())).toEqual([kept.id]);
    expect(idsOf(await bobP.trashed())).toEqual([]);
    expect((await alice.tasks()).totalCount).toBe(liveCount);
    for (const task of tasks) expect(await alice.restoreTask(task.id)).toEqual(NOT_FOUND);
    // Nothing left to purge.
    await purgeTrash(t.database.db.sql, 30, now);
    expect(idsOf(await alice.trashed())).toEqual([kept.id]);
  });
});
