// Subtasks, completion cascades, manual order (moveTask, POSITION paging, concurrent moves), versions and expectedVersion, the trash via deleteTask, and client-chosen ids, through the public GraphQL API.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { globalId, missingTaskId, rawId, sleep } from './helpers/tasks.ts';

// ---- Local helpers ----

const FIELDS =
  'id title completed completedAt createdAt updatedAt position version subtaskCount completedSubtaskCount list { id } parent { id }';

interface Task {
  id: string;
  title: string;
  completed: boolean;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
  position: string;
  version: number;
  subtaskCount: number;
  completedSubtaskCount: number;
  list: { id: string } | null;
  parent: { id: string } | null;
}

interface Result {
  __typename: string;
  message?: string;
  task?: Task;
  alsoChanged?: Task[];
  fieldErrors?: { path: string[]; message: string }[];
  deletedTaskId?: string;
  deletedTaskIds?: string[];
}

type Name = 'createTask' | 'updateTask' | 'setTaskCompleted' | 'toggleTaskCompleted' | 'deleteTask' | 'moveTask';

const SELECTION = {
  TaskPayload: `... on TaskPayload { task { ${FIELDS} } alsoChanged { ${FIELDS} } }`,
  ValidationError: '... on ValidationError { fieldErrors { path message } }',
  NotFoundError: '',
  StaleTaskError: `... on StaleTaskError { task { ${FIELDS} } }`,
  DeleteTaskPayload: '... on DeleteTaskPayload { deletedTaskId deletedTaskIds }',
};
const MEMBERS: Record<Name, (keyof typeof SELECTION)[]> = {
  createTask: ['TaskPayload', 'ValidationError'],
  updateTask: ['TaskPayload', 'ValidationError', 'NotFoundError', 'StaleTaskError'],
  setTaskCompleted: ['TaskPayload', 'NotFoundError', 'StaleTaskError'],
  toggleTaskCompleted: ['TaskPayload', 'NotFoundError', 'StaleTaskError'],
  deleteTask: ['DeleteTaskPayload', 'NotFoundError', 'StaleTaskError'],
  moveTask: ['TaskPayload', 'ValidationError', 'NotFoundError', 'StaleTaskError'],
};
const documentOf = (name: Name) =>
  `mutation ($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { __typename ... on Error { message } ${MEMBERS[name].map((m) => SELECTION[m]).join(' ')} } }`;

const CONNECTION = 'totalCount edges { cursor node { id position } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string; position: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
type PageArgs = { first?: number; after?: string | null; last?: number; before?: string | null };
const PAGE_VARS = '$first: Int, $after: String, $last: Int, $before: String';
const PAGE_ARGS = 'first: $first, after: $after, last: $last, before: $before';
const POSITION_ASC = 'orderBy: { field: POSITION, direction: ASC }';

let nameCounter = 0;
const uniqueName = (prefix: string) => `${prefix} ${Date.now()} ${nameCounter++}`;

function client(t: TestApp, token: string) {
  async function gql(query: string, variables?: Record<string, unknown>) {
    const res = await t.gql(query, variables, { token });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  }
  /** The member of the mutation's result union. */
  const run = async (name: Name, input: Record<string, unknown>): Promise<Result> => (await gql(documentOf(name), { input }))[name];
  /** The TaskPayload of a mutation; fails the test on any other result. */
  async function ok(name: Name, input: Record<string, unknown>): Promise<{ task: Task; alsoChanged: Task[] }> {
    const result = await run(name, input);
    expect(result.__typename, JSON.stringify(result)).toBe('TaskPayload');
    return { task: result.task!, alsoChanged: result.alsoChanged! };
  }
  const c = {
    gql,
    run,
    ok,
    create: async (input: Record<string, unknown>) => (await ok('createTask', { title: 'task', ...input })).task,
    move: (input: Record<string, unknown>) => ok('moveTask', input),
    async get(id: string): Promise<Task | null> {
      return (await gql(`query ($id: ID!) { task(id: $id) { ${FIELDS} } }`, { id })).task;
    },
    async getAll(ids: string[]): Promise<Task[]> {
      return Promise.all(ids.map(async (id) => (await c.get(id))!));
    },
    async list(name = uniqueName('List')): Promise<string> {
      const data = await gql(
        'mutation ($input: CreateTaskListInput!) { createTaskList(input: $input) { __typename ... on TaskListPayload { taskList { id } } ... on Error { message } } }',
        { input: { name } },
      );
      expect(data.createTaskList.__typename, JSON.stringify(data)).toBe('TaskListPayload');
      return data.createTaskList.taskList.id;
    },
    async label(name = uniqueName('Label')): Promise<string> {
      const data = await gql(
        'mutation ($input: CreateLabelInput!) { createLabel(input: $input) { __typename ... on LabelPayload { label { id } } ... on Error { message } } }',
        { input: { name } },
      );
      expect(data.createLabel.__typename, JSON.stringify(data)).toBe('LabelPayload');
      return data.createLabel.label.id;
    },
    /** Top-level tasks of a list in POSITION ASC order. */
    async listOrder(listId: string): Promise<{ id: string; position: string }[]> {
      const data = await gql(
        `query ($id: ID!) { taskList(id: $id) { tasks(first: 100, filter: { topLevel: true }, ${POSITION_ASC}) { edges { node { id position } } } } }`,
        { id: listId },
      );
      return data.taskList.tasks.edges.map((e: { node: { id: string; position: string } }) => e.node);
    },
    /** Direct subtasks of a task in their default order. */
    async subtaskIds(id: string): Promise<string[]> {
      const data = await gql(`query ($id: ID!) { task(id: $id) { subtasks(first: 100) { edges { node { id } } } } }`, { id });
      return data.task.subtasks.edges.map((e: { node: { id: string } }) => e.node.id);
    },
    async openTaskCount(listId: string): Promise<number> {
      return (await gql('query ($id: ID!) { taskList(id: $id) { openTaskCount } }', { id: listId })).taskList.openTaskCount;
    },
    async totalCount(): Promise<number> {
      return (await gql('{ tasks { totalCount } }')).tasks.totalCount;
    },
    /** Every live task of the user and its position, across pages. */
    async allPositions(): Promise<Map<string, string>> {
      const positions = new Map<string, string>();
      let after: string | null = null;
      for (;;) {
        const data = await gql(
          `query ($after: String) { tasks(first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { id position } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        for (const edge of data.tasks.edges) positions.set(edge.node.id, edge.node.position);
        if (!data.tasks.pageInfo.hasNextPage) return positions;
        after = data.tasks.pageInfo.endCursor;
      }
    },
  };
  return c;
}
type Client = ReturnType<typeof client>;

/** A ValidationError with exactly one field error, at ["input", ...path]; returns its message. */
function expectFieldError(result: Result, ...path: string[]): string {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.fieldErrors!.map((e) => e.path), JSON.stringify(result)).toEqual([['input', ...path]]);
  expect(result.fieldErrors![0]!.message).not.toBe('');
  return result.fieldErrors![0]!.message;
}

function expectNotFound(result: Result) {
  expect(result.__typename, JSON.stringify(result)).toBe('NotFoundError');
}

function expectIncreasing(positions: string[]) {
  for (let i = 1; i < positions.length; i++) {
    expect(positions[i - 1]! < positions[i]!, `${JSON.stringify(positions[i - 1])} < ${JSON.stringify(positions[i])}`).toBe(true);
  }
}

const idsOf = (tasks: { id: string }[]) => tasks.map((task) => task.id).sort();
const sorted = (ids: string[]) => [...ids].sort();

/** Asserts that no task other than `except` changed its position between two snapshots. */
function expectOthersUnmoved(before: Map<string, string>, after: Map<string, string>, ...except: string[]) {
  const strip = (m: Map<string, string>) => [...m].filter(([id]) => !except.includes(id)).sort(([a], [b]) => (a < b ? -1 : 1));
  expect(strip(after)).toEqual(strip(before));
}

let t: TestApp;
let api: Client;
let bob: Client;
let bobTask: Task;
let bobList: string;

beforeAll(async () => {
  t = await startTestApp();
  api = client(t, (await t.signup()).accessToken);
  bob = client(t, (await t.signup()).accessToken);
  bobList = await bob.list();
  bobTask = await bob.create({ title: 'Bob task', listId: bobList });
});
afterAll(() => t?.close());

// ---- Subtasks ----

describe('subtasks', () => {
  it("createTask with parentId puts the subtask into the parent's list; parent and subtasks show it", async () => {
    const list = await api.list();
    const parent = await api.create({ title: 'Parent', listId: list });
    expect(parent.parent).toBeNull();
    const child = await api.create({ title: 'Child', parentId: parent.id });
    expect(child.parent).toEqual({ id: parent.id });
    expect(child.list).toEqual({ id: list });
    const child2 = await api.create({ title: 'Child 2', parentId: parent.id, listId: list });
    expect(child2.list).toEqual({ id: list });
    expect(child2.parent).toEqual({ id: parent.id });
    expect(await api.subtaskIds(parent.id)).toEqual([child.id, child2.id]);
    expect((await api.get(parent.id))!.subtaskCount).toBe(2);

    // A parent in the Inbox: the subtask is in the Inbox too (listId null agrees with it).
    const inboxParent = await api.create({ title: 'Inbox parent' });
    const inboxChild = await api.create({ title: 'Inbox child', parentId: inboxParent.id, listId: null });
    expect(inboxChild.list).toBeNull();
    expect(inboxChild.parent).toEqual({ id: inboxParent.id });
    const nested = await api.gql(`query ($id: ID!) { task(id: $id) { parent { id parent { id } } } }`, { id: inboxChild.id });
    expect(nested.task.parent).toEqual({ id: inboxParent.id, parent: null });
  });

  it("a listId other than the parent's is ValidationError on listId, also null for a parent in a list", async () => {
    const listA = await api.list();
    const listB = await api.list();
    const parent = await api.create({ title: 'Parent in A', listId: listA });
    expectFieldError(await api.run('createTask', { title: 'x', parentId: parent.id, listId: listB }), 'listId');
    expectFieldError(await api.run('createTask', { title: 'x', parentId: parent.id, listId: null }), 'listId');
    const inboxParent = await api.create({ title: 'Inbox parent' });
    expectFieldError(await api.run('createTask', { title: 'x', parentId: inboxParent.id, listId: listA }), 'listId');
    // Nothing was created.
    expect((await api.get(parent.id))!.subtaskCount).toBe(0);
    expect((await api.get(inboxParent.id))!.subtaskCount).toBe(0);
    expect(await api.openTaskCount(listB)).toBe(0);
  });

  it('a chain of 4 levels works; a 5th level is ValidationError on parentId', async () => {
    const level1 = await api.create({ title: 'L1' });
    const level2 = await api.create({ title: 'L2', parentId: level1.id });
    const level3 = await api.create({ title: 'L3', parentId: level2.id });
    const level4 = await api.create({ title: 'L4', parentId: level3.id });
    const chain = await api.gql(`query ($id: ID!) { task(id: $id) { parent { id parent { id parent { id parent { id } } } } } }`, { id: level4.id });
    expect(chain.task.parent).toEqual({ id: level3.id, parent: { id: level2.id, parent: { id: level1.id, parent: null } } });
    const before = await api.totalCount();
    expectFieldError(await api.run('createTask', { title: 'L5', parentId: level4.id }), 'parentId');
    expect(await api.totalCount()).toBe(before);
    expect((await api.get(level4.id))!.subtaskCount).toBe(0);
  });

  it('a missing, foreign, trashed or malformed parentId is ValidationError on parentId, with one message', async () => {
    const trashed = await api.create({ title: 'Trashed parent' });
    expect((await api.run('deleteTask', { id: trashed.id })).__typename).toBe('DeleteTaskPayload');
    const list = await api.list();
    const before = await api.totalCount();
    const messages = [];
    for (const parentId of [
      missingTaskId(),
      bobTask.id,
      trashed.id,
      'not a global id!',
      globalId('Task', 'not-a-uuid'),
      list, // a TaskList id
    ]) {
      messages.push(expectFieldError(await api.run('createTask', { title: 'Orphan', parentId }), 'parentId'));
    }
    expect(new Set(messages).size).toBe(1);
    expect(await api.totalCount()).toBe(before);
  });

  it('subtasks defaults to POSITION ASC, holds only direct children, and accepts filter and orderBy', async () => {
    const parent = await api.create({ title: 'Parent' });
    const banana = await api.create({ title: 'Banana', parentId: parent.id });
    const apple = await api.create({ title: 'Apple', parentId: parent.id, completed: true });
    const cherry = await api.create({ title: 'Cherry', parentId: parent.id });
    await api.create({ title: 'Grandchild', parentId: banana.id });
    // Manual order now differs from creation order: cherry, banana, apple.
    await api.move({ id: cherry.id, beforeId: banana.id });

    const res = await api.gql(
      `query ($id: ID!) { task(id: $id) {
        byDefault: subtasks { totalCount edges { node { id position } } }
        open: subtasks(filter: { completed: false }) { totalCount edges { node { id } } }
        newest: subtasks(orderBy: { field: CREATED_AT, direction: DESC }) { edges { node { id } } }
        byTitle: subtasks(orderBy: { field: TITLE, direction: ASC }) { edges { node { id } } }
        firstTwo: subtasks(first: 2) { edges { node { id } } pageInfo { hasNextPage } }
      } }`,
      { id: parent.id },
    );
    const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id);
    expect(ids(res.task.byDefault)).toEqual([cherry.id, banana.id, apple.id]);
    expect(res.task.byDefault.totalCount).toBe(3);
    expectIncreasing(res.task.byDefault.edges.map((e: { node: { position: string } }) => e.node.position));
    expect(ids(res.task.open)).toEqual([cherry.id, banana.id]);
    expect(res.task.open.totalCount).toBe(2);
    expect(ids(res.task.newest)).toEqual([cherry.id, apple.id, banana.id]);
    expect(ids(res.task.byTitle)).toEqual([apple.id, banana.id, cherry.id]);
    expect(ids(res.task.firstTwo)).toEqual([cherry.id, banana.id]);
    expect(res.task.firstTwo.pageInfo.hasNextPage).toBe(true);
  });

  it('subtaskCount and completedSubtaskCount count direct children outside the trash', async () => {
    const parent = await api.create({ title: 'Parent' });
    const open = await api.create({ title: 'Open', parentId: parent.id });
    await api.create({ title: 'Done', parentId: parent.id, completed: true });
    const doomedDone = await api.create({ title: 'Doomed done', parentId: parent.id, completed: true });
    const doomedOpen = await api.create({ title: 'Doomed open', parentId: parent.id });
    await api.create({ title: 'Grandchild done', parentId: open.id, completed: true });
    await api.create({ title: 'Grandchild open', parentId: open.id });

    expect(await api.get(parent.id)).toMatchObject({ subtaskCount: 4, completedSubtaskCount: 2 });
    expect(await api.get(open.id)).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 1 });
    await api.run('deleteTask', { id: doomedDone.id });
    await api.run('deleteTask', { id: doomedOpen.id });
    expect(await api.get(parent.id)).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 1 });
    // Completing a child shows in the counts.
    await api.ok('setTaskCompleted', { id: open.id, completed: true });
    expect(await api.get(parent.id)).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 2 });
    expect(await api.get(open.id)).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 2 });
  });
});

// ---- Completion cascades ----

const COMPLETE: [string, (id: string) => [Name, Record<string, unknown>]][] = [
  ['setTaskCompleted', (id) => ['setTaskCompleted', { id, completed: true }]],
  ['toggleTaskCompleted', (id) => ['toggleTaskCompleted', { id }]],
  ['updateTask(completed: true)', (id) => ['updateTask', { id, completed: true }]],
];
const REOPEN: [string, (id: string) => [Name, Record<string, unknown>]][] = [
  ['setTaskCompleted', (id) => ['setTaskCompleted', { id, completed: false }]],
  ['toggleTaskCompleted', (id) => ['toggleTaskCompleted', { id }]],
  ['updateTask(completed: false)', (id) => ['updateTask', { id, completed: false }]],
];

describe('completion cascades', () => {
  it.each(COMPLETE)('completing a task completes its open descendants with the same completedAt (%s)', async (_, call) => {
    const root = await api.create({ title: 'Root' });
    const a = await api.create({ title: 'A', parentId: root.id });
    const a1 = await api.create({ title: 'A1', parentId: a.id });
    const a1x = await api.create({ title: 'A1x', parentId: a1.id });
    const doneEarlier = await api.create({ title: 'Done earlier', parentId: root.id, completed: true });
    const doneDeep = await api.create({ title: 'Done deep', parentId: a.id, completed: true });
    const bystander = await api.create({ title: 'Bystander' });
    await sleep(10);

    const { task, alsoChanged } = await api.ok(...call(root.id));
    expect(task).toMatchObject({ id: root.id, completed: true, version: 2 });
    expect(task.completedAt).not.toBeNull();
    // Every other task changed, and only those: not the task itself, not the ones already done.
    expect(idsOf(alsoChanged)).toEqual(sorted([a.id, a1.id, a1x.id]));
    for (const other of alsoChanged) {
      expect(other).toMatchObject({ completed: true, completedAt: task.completedAt, version: 2 });
    }
    for (const id of [a.id, a1.id, a1x.id]) expect(await api.get(id)).toMatchObject({ completed: true, completedAt: task.completedAt, version: 2 });
    // Already-completed descendants keep their completedAt (and version).
    expect(await api.get(doneEarlier.id)).toEqual(doneEarlier);
    expect(await api.get(doneDeep.id)).toMatchObject({ completedAt: doneDeep.completedAt, version: 1, updatedAt: doneDeep.updatedAt });
    expect(await api.get(bystander.id)).toEqual(bystander);
  });

  it.each(REOPEN)('reopening a subtask reopens its completed ancestors (%s)', async (_, call) => {
    const root = await api.create({ title: 'Root' });
    const a = await api.create({ title: 'A', parentId: root.id });
    const a1 = await api.create({ title: 'A1', parentId: a.id });
    const sibling = await api.create({ title: 'Sibling', parentId: a.id });
    const uncle = await api.create({ title: 'Uncle', parentId: root.id });
    await api.ok('setTaskCompleted', { id: root.id, completed: true });
    const [sibBefore, uncleBefore] = await api.getAll([sibling.id, uncle.id]);

    const { task, alsoChanged } = await api.ok(...call(a1.id));
    expect(task).toMatchObject({ id: a1.id, completed: false, completedAt: null, version: 3 });
    expect(idsOf(alsoChanged)).toEqual(sorted([a.id, root.id]));
    for (const other of alsoChanged) expect(other).toMatchObject({ completed: false, completedAt: null, version: 3 });
    expect(await api.get(root.id)).toMatchObject({ completed: false, completedAt: null, version: 3 });
    // Siblings and other descendants of the ancestors stay as they were.
    expect(await api.get(sibling.id)).toEqual(sibBefore);
    expect(await api.get(uncle.id)).toEqual(uncleBefore);
  });

  it('reopening reports only the ancestors that were completed', async () => {
    const root = await api.create({ title: 'Open root' });
    const a = await api.create({ title: 'A', parentId: root.id });
    const a1 = await api.create({ title: 'A1', parentId: a.id });
    await api.ok('setTaskCompleted', { id: a.id, completed: true });
    const rootBefore = (await api.get(root.id))!;
    const { alsoChanged } = await api.ok('setTaskCompleted', { id: a1.id, completed: false });
    expect(idsOf(alsoChanged)).toEqual([a.id]);
    expect(alsoChanged[0]).toMatchObject({ completed: false, completedAt: null, version: 3 });
    // The open root is not touched (only its derived completedSubtaskCount drops).
    expect(await api.get(root.id)).toEqual({ ...rootBefore, completedSubtaskCount: 0 });
    // Completing a leaf changes nothing else.
    expect((await api.ok('setTaskCompleted', { id: a1.id, completed: true })).alsoChanged).toEqual([]);
  });
});

// ---- Manual order ----

describe('manual order', () => {
  it('a new task goes last among its siblings, by plain string compare', async () => {
    const list = await api.list();
    const tops: Task[] = [];
    for (let i = 0; i < 6; i++) tops.push(await api.create({ title: `Top ${i}`, listId: list }));
    expectIncreasing(tops.map((task) => task.position));
    expect((await api.listOrder(list)).map((n) => n.id)).toEqual(tops.map((task) => task.id));

    // After moving the last one to the front, a new one still goes after every sibling.
    await api.move({ id: tops[5]!.id, beforeId: tops[0]!.id });
    const newest = await api.create({ title: 'Newest', listId: list });
    const order = await api.listOrder(list);
    expect(order.at(-1)!.id).toBe(newest.id);
    expectIncreasing(order.map((n) => n.position));

    const parent = tops[2]!;
    const kids: Task[] = [];
    for (let i = 0; i < 4; i++) kids.push(await api.create({ title: `Kid ${i}`, parentId: parent.id }));
    expectIncreasing(kids.map((task) => task.position));
    expect(await api.subtaskIds(parent.id)).toEqual(kids.map((task) => task.id));

    // Inbox top level: the new task sorts last there too.
    const inboxLast = await api.create({ title: 'Inbox newest' });
    const last = await api.gql(`{ tasks(first: 1, filter: { inbox: true, topLevel: true }, orderBy: { field: POSITION, direction: DESC }) { edges { node { id } } } }`);
    expect(last.tasks.edges[0].node.id).toBe(inboxLast.id);
  });

  it('moveTask with afterId, beforeId and neither; no other position changes', async () => {
    const list = await api.list();
    const [a, b, c, d, e] = await (async () => {
      const tasks: Task[] = [];
      for (const title of ['A', 'B', 'C', 'D', 'E']) tasks.push(await api.create({ title, listId: list }));
      return tasks as [Task, Task, Task, Task, Task];
    })();
    const order = async () => (await api.listOrder(list)).map((n) => n.id);

    let before = await api.allPositions();
    const afterA = await api.move({ id: e.id, afterId: a.id });
    expect(afterA.task).toMatchObject({ id: e.id, version: 2 });
    expect(afterA.alsoChanged).toEqual([]);
    expect(await order()).toEqual([a.id, e.id, b.id, c.id, d.id]);
    expectOthersUnmoved(before, await api.allPositions(), e.id);

    before = await api.allPositions();
    await api.move({ id: b.id, beforeId: a.id });
    expect(await order()).toEqual([b.id, a.id, e.id, c.id, d.id]);
    expectOthersUnmoved(before, await api.allPositions(), b.id);

    before = await api.allPositions();
    await api.move({ id: a.id });
    expect(await order()).toEqual([b.id, e.id, c.id, d.id, a.id]);
    expectOthersUnmoved(before, await api.allPositions(), a.id);

    before = await api.allPositions();
    await api.move({ id: d.id, beforeId: c.id });
    await api.move({ id: c.id, afterId: a.id });
    expect(await order()).toEqual([b.id, e.id, d.id, a.id, c.id]);
    expectOthersUnmoved(before, await api.allPositions(), c.id, d.id);
    expectIncreasing((await api.listOrder(list)).map((n) => n.position));
  });

  it('moveTask across lists and to the Inbox; the subtree moves along and is in alsoChanged', async () => {
    const from = await api.list();
    const to = await api.list();
    const task = await api.create({ title: 'Mover', listId: from });
    const child = await api.create({ title: 'Child', parentId: task.id });
    const grandchild = await api.create({ title: 'Grandchild', parentId: child.id });
    const x = await api.create({ title: 'X', listId: to });
    const y = await api.create({ title: 'Y', listId: to });
    const stay = await api.create({ title: 'Stays', listId: from });

    let before = await api.allPositions();
    const moved = await api.move({ id: task.id, listId: to, afterId: x.id });
    expect(moved.task).toMatchObject({ id: task.id, list: { id: to }, parent: null, version: 2 });
    expect(idsOf(moved.alsoChanged)).toEqual(sorted([child.id, grandchild.id]));
    for (const other of moved.alsoChanged) expect(other).toMatchObject({ list: { id: to }, version: 2 });
    expect((await api.listOrder(to)).map((n) => n.id)).toEqual([x.id, task.id, y.id]);
    expect((await api.listOrder(from)).map((n) => n.id)).toEqual([stay.id]);
    expect(await api.get(child.id)).toMatchObject({ list: { id: to }, parent: { id: task.id } });
    expect(await api.get(grandchild.id)).toMatchObject({ list: { id: to }, parent: { id: child.id } });
    expect(await api.subtaskIds(task.id)).toEqual([child.id]);
    expect(await api.openTaskCount(from)).toBe(1);
    expect(await api.openTaskCount(to)).toBe(5);
    // Subtasks keep their positions; nothing else moved.
    expectOthersUnmoved(before, await api.allPositions(), task.id);

    before = await api.allPositions();
    const toInbox = await api.move({ id: task.id, listId: null });
    expect(toInbox.task).toMatchObject({ list: null, parent: null, version: 3 });
    expect(idsOf(toInbox.alsoChanged)).toEqual(sorted([child.id, grandchild.id]));
    for (const other of toInbox.alsoChanged) expect(other).toMatchObject({ list: null, version: 3 });
    const last = await api.gql(`{ tasks(first: 1, filter: { inbox: true, topLevel: true }, orderBy: { field: POSITION, direction: DESC }) { edges { node { id } } } }`);
    expect(last.tasks.edges[0].node.id).toBe(task.id);
    expect(await api.openTaskCount(to)).toBe(2);
    expectOthersUnmoved(before, await api.allPositions(), task.id);
    const inboxSubtasks = await api.gql(
      `query ($id: ID!) { task(id: $id) { subtasks { edges { node { id list { id } } } } } }`,
      { id: task.id },
    );
    expect(inboxSubtasks.task.subtasks.edges).toEqual([{ node: { id: child.id, list: null } }]);
  });

  it('moveTask to another parent and to the top level', async () => {
    const list = await api.list();
    const other = await api.list();
    const p1 = await api.create({ title: 'P1', listId: list });
    const p2 = await api.create({ title: 'P2', listId: list });
    const kid = await api.create({ title: 'Kid', parentId: p2.id });
    const q = await api.create({ title: 'Q', listId: list });
    const qChild = await api.create({ title: 'Q child', parentId: q.id });
    const p3 = await api.create({ title: 'P3', listId: other });

    let before = await api.allPositions();
    const under = await api.move({ id: q.id, parentId: p2.id });
    expect(under.task).toMatchObject({ parent: { id: p2.id }, list: { id: list }, version: 2 });
    expect(under.alsoChanged).toEqual([]);
    expect(await api.subtaskIds(p2.id)).toEqual([kid.id, q.id]);
    expect((await api.listOrder(list)).map((n) => n.id)).toEqual([p1.id, p2.id]);
    expectOthersUnmoved(before, await api.allPositions(), q.id);

    await api.move({ id: q.id, parentId: p1.id });
    expect(await api.subtaskIds(p1.id)).toEqual([q.id]);
    expect(await api.subtaskIds(p2.id)).toEqual([kid.id]);
    await api.move({ id: q.id, parentId: p2.id, beforeId: kid.id });
    expect(await api.subtaskIds(p2.id)).toEqual([q.id, kid.id]);
    expect(await api.get(qChild.id)).toMatchObject({ parent: { id: q.id }, list: { id: list } });

    // Under a parent in another list: the task and its subtree change list.
    before = await api.allPositions();
    const across = await api.move({ id: q.id, parentId: p3.id });
    expect(across.task).toMatchObject({ parent: { id: p3.id }, list: { id: other } });
    expect(idsOf(across.alsoChanged)).toEqual([qChild.id]);
    expect(await api.get(qChild.id)).toMatchObject({ list: { id: other }, parent: { id: q.id } });
    expectOthersUnmoved(before, await api.allPositions(), q.id);

    // With a parent, a listId must be the parent's list.
    expectFieldError(await api.run('moveTask', { id: q.id, listId: list }), 'listId');
    expectFieldError(await api.run('moveTask', { id: q.id, parentId: p1.id, listId: other }), 'listId');
    expect((await api.move({ id: q.id, parentId: p1.id, listId: list })).task).toMatchObject({ parent: { id: p1.id }, list: { id: list } });

    // Back to the top level: last among the list's top-level tasks.
    const top = await api.move({ id: q.id, parentId: null });
    expect(top.task).toMatchObject({ parent: null, list: { id: list } });
    expect((await api.listOrder(list)).map((n) => n.id)).toEqual([p1.id, p2.id, q.id]);
    expect(await api.subtaskIds(p1.id)).toEqual([]);
    // To the top level of the Inbox, in one step, placed before a given Inbox task.
    const inboxAnchor = await api.create({ title: 'Inbox anchor' });
    await api.move({ id: kid.id, parentId: null, listId: null, beforeId: inboxAnchor.id });
    expect(await api.get(kid.id)).toMatchObject({ parent: null, list: null });
    const inbox = await api.gql(`{ tasks(first: 2, filter: { inbox: true, topLevel: true }, orderBy: { field: POSITION, direction: DESC }) { edges { node { id } } } }`);
    expect(inbox.tasks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([inboxAnchor.id, kid.id]);
  });

  it('cycles and a depth over 4 are ValidationError on parentId, and change nothing', async () => {
    const a = await api.create({ title: 'a' });
    const b = await api.create({ title: 'b', parentId: a.id });
    const c = await api.create({ title: 'c', parentId: b.id });
    const d = await api.create({ title: 'd', parentId: c.id });
    const x = await api.create({ title: 'x' });
    const y = await api.create({ title: 'y', parentId: x.id });
    const z = await api.create({ title: 'z' });
    const all = [a, b, c, d, x, y, z];
    const snapshot = await api.getAll(all.map((task) => task.id));

    expectFieldError(await api.run('moveTask', { id: a.id, parentId: a.id }), 'parentId');
    expectFieldError(await api.run('moveTask', { id: a.id, parentId: d.id }), 'parentId');
    expectFieldError(await api.run('moveTask', { id: b.id, parentId: c.id }), 'parentId');
    expectFieldError(await api.run('moveTask', { id: z.id, parentId: d.id }), 'parentId'); // depth 5
    expectFieldError(await api.run('moveTask', { id: x.id, parentId: c.id }), 'parentId'); // y would be at depth 5
    expect(await api.getAll(all.map((task) => task.id))).toEqual(snapshot);

    // Exactly 4 is fine.
    expect((await api.move({ id: x.id, parentId: b.id })).task.parent).toEqual({ id: b.id });
    expect((await api.move({ id: z.id, parentId: c.id })).task.parent).toEqual({ id: c.id });
  });

  it('afterId/beforeId must be a sibling at the destination; both together is a ValidationError', async () => {
    const list = await api.list();
    const other = await api.list();
    const a = await api.create({ title: 'A', listId: list });
    const b = await api.create({ title: 'B', listId: list });
    const parent = await api.create({ title: 'Parent', listId: list });
    const kid = await api.create({ title: 'Kid', parentId: parent.id });
    const x = await api.create({ title: 'X', listId: other });
    const trashed = await api.create({ title: 'Trashed', listId: list });
    await api.run('deleteTask', { id: trashed.id });
    const snapshot = await api.allPositions();
    const aBefore = await api.get(a.id);

    expectFieldError(await api.run('moveTask', { id: a.id, afterId: x.id }), 'afterId'); // another list
    expectFieldError(await api.run('moveTask', { id: a.id, beforeId: kid.id }), 'beforeId'); // a subtask
    expectFieldError(await api.run('moveTask', { id: a.id, afterId: a.id }), 'afterId'); // itself
    expectFieldError(await api.run('moveTask', { id: a.id, beforeId: a.id }), 'beforeId');
    expectFieldError(await api.run('moveTask', { id: a.id, afterId: trashed.id }), 'afterId');
    expectFieldError(await api.run('moveTask', { id: a.id, listId: other, afterId: b.id }), 'afterId'); // not at the destination
    expectFieldError(await api.run('moveTask', { id: kid.id, parentId: null, beforeId: kid.id }), 'beforeId');
    expectFieldError(await api.run('moveTask', { id: a.id, parentId: parent.id, beforeId: b.id }), 'beforeId');
    const missing = expectFieldError(await api.run('moveTask', { id: a.id, afterId: missingTaskId() }), 'afterId');
    const foreign = expectFieldError(await api.run('moveTask', { id: a.id, afterId: bobTask.id }), 'afterId');
    expect(foreign).toBe(missing);
    const missingBefore = expectFieldError(await api.run('moveTask', { id: a.id, beforeId: missingTaskId() }), 'beforeId');
    expect(expectFieldError(await api.run('moveTask', { id: a.id, beforeId: bobTask.id }), 'beforeId')).toBe(missingBefore);

    const both = await api.run('moveTask', { id: a.id, afterId: b.id, beforeId: parent.id });
    expect(both.__typename).toBe('ValidationError');
    expect(both.fieldErrors!.length).toBeGreaterThan(0);
    for (const error of both.fieldErrors!) expect([['input', 'afterId'], ['input', 'beforeId']]).toContainEqual(error.path);

    expect(await api.allPositions()).toEqual(snapshot);
    expect(await api.get(a.id)).toEqual(aBefore);
    // Valid at the destination: after X in the other list; before Kid under Parent.
    expect((await api.move({ id: a.id, listId: other, afterId: x.id })).task.list).toEqual({ id: other });
    expect((await api.move({ id: b.id, parentId: parent.id, beforeId: kid.id })).task.parent).toEqual({ id: parent.id });
    expect(await api.subtaskIds(parent.id)).toEqual([b.id, kid.id]);
  });

  it('moving a task to where it already is changes nothing', async () => {
    const list = await api.list();
    const a = await api.create({ title: 'A', listId: list });
    const b = await api.create({ title: 'B', listId: list });
    const c = await api.create({ title: 'C', listId: list });
    const k1 = await api.create({ title: 'K1', parentId: a.id });
    const k2 = await api.create({ title: 'K2', parentId: a.id });
    await sleep(10);
    const unchanged = async (input: Record<string, unknown>, task: Task) => {
      const result = await api.move(input);
      expect(result.task, JSON.stringify(input)).toEqual(task);
      expect(result.alsoChanged).toEqual([]);
    };
    const [a0, b0, c0, k10, k20] = await api.getAll([a.id, b.id, c.id, k1.id, k2.id]);
    await unchanged({ id: b.id, afterId: a.id }, b0!);
    await unchanged({ id: b.id, beforeId: c.id }, b0!);
    await unchanged({ id: c.id }, c0!);
    await unchanged({ id: a.id, beforeId: b.id }, a0!);
    await unchanged({ id: b.id, listId: list, afterId: a.id }, b0!);
    await unchanged({ id: c.id, listId: list, parentId: null }, c0!);
    await unchanged({ id: k2.id, parentId: a.id }, k20!);
    await unchanged({ id: k1.id, parentId: a.id, beforeId: k2.id }, k10!);
    expect(await api.getAll([a.id, b.id, c.id, k1.id, k2.id])).toEqual([a0, b0, c0, k10, k20]);
  });

  describe('POSITION paging', () => {
    let carol: Client;
    beforeAll(async () => {
      carol = client(t, (await t.signup()).accessToken);
    });

    /** Creates 25 siblings (via `create`), reorders a few, and returns the expected order of ids. */
    async function seed(create: (i: number) => Promise<Task>): Promise<string[]> {
      const tasks: Task[] = [];
      for (let i = 0; i < 25; i++) tasks.push(await create(i));
      await carol.move({ id: tasks[20]!.id, beforeId: tasks[0]!.id });
      await carol.move({ id: tasks[5]!.id, afterId: tasks[15]!.id });
      await carol.move({ id: tasks[3]!.id });
      const ids = tasks.map((task) => task.id);
      const order = ids.filter((id) => ![tasks[20]!.id, tasks[5]!.id, tasks[3]!.id].includes(id));
      order.unshift(tasks[20]!.id);
      order.splice(order.indexOf(tasks[15]!.id) + 1, 0, tasks[5]!.id);
      order.push(tasks[3]!.id);
      return order;
    }

    async function checkPaging(page: (args: PageArgs) => Promise<Connection>, expected: string[]) {
      const all = await page({ first: 100 });
      expect(all.totalCount).toBe(25);
      expect(all.edges.map((e) => e.node.id)).toEqual(expected);
      expectIncreasing(all.edges.map((e) => e.node.position));

      const forward: string[] = [];
      const sizes: number[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const conn: Connection = await page({ first: 10, after });
        forward.push(...conn.edges.map((e) => e.node.id));
        sizes.push(conn.edges.length);
        if (i === 0) expect(conn.pageInfo.hasPreviousPage).toBe(false);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(sizes).toEqual([10, 10, 5]);
      expect(forward).toEqual(expected);

      const backward: string[][] = [];
      let before: string | null = null;
      for (let i = 0; i < 5; i++) {
        const conn: Connection = await page({ last: 10, before });
        backward.unshift(conn.edges.map((e) => e.node.id));
        if (!conn.pageInfo.hasPreviousPage) break;
        before = conn.pageInfo.startCursor;
      }
      expect(backward.map((p) => p.length)).toEqual([5, 10, 10]);
      expect(backward.flat()).toEqual(expected);
    }

    it('pages the Inbox top level with first/after and last/before', async () => {
      const expected = await seed((i) => carol.create({ title: `Inbox ${i}` }));
      // Noise that the filter leaves out: subtasks in the Inbox, and a task in a list.
      await carol.create({ title: 'Inbox subtask', parentId: expected[0] });
      await carol.create({ title: 'Inbox subtask 2', parentId: expected[24] });
      await carol.create({ title: 'Elsewhere', listId: await carol.list() });
      const page = async (args: PageArgs): Promise<Connection> =>
        (await carol.gql(`query (${PAGE_VARS}) { tasks(${PAGE_ARGS}, filter: { inbox: true, topLevel: true }, ${POSITION_ASC}) { ${CONNECTION} } }`, args)).tasks;
      await checkPaging(page, expected);
    });

    it('pages the top level of a list with first/after and last/before', async () => {
      const list = await carol.list();
      const expected = await seed((i) => carol.create({ title: `Listed ${i}`, listId: list }));
      await carol.create({ title: 'Listed subtask', parentId: expected[3] });
      const viaList = async (args: PageArgs): Promise<Connection> =>
        (await carol.gql(`query ($id: ID!, ${PAGE_VARS}) { taskList(id: $id) { tasks(${PAGE_ARGS}, filter: { topLevel: true }, ${POSITION_ASC}) { ${CONNECTION} } } }`, { id: list, ...args })).taskList.tasks;
      await checkPaging(viaList, expected);
      const viaFilter = async (args: PageArgs): Promise<Connection> =>
        (await carol.gql(`query ($id: ID!, ${PAGE_VARS}) { tasks(${PAGE_ARGS}, filter: { listId: $id, topLevel: true }, ${POSITION_ASC}) { ${CONNECTION} } }`, { id: list, ...args })).tasks;
      await checkPaging(viaFilter, expected);
    });
  });

  it('concurrent creates in one list each get a key of their own, after the tasks already there', async () => {
    const list = await api.list();
    const first = await api.create({ title: 'first', listId: list });
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => api.create({ title: `racer ${i}`, listId: list })));
    const order = await api.listOrder(list);
    expect(order[0]!.id).toBe(first.id);
    expect(sorted(order.slice(1).map((n) => n.id))).toEqual(sorted(created.map((task) => task.id)));
    // Distinct keys: there is room between any two neighbours, so moveTask can always place between them.
    expect(new Set(order.map((n) => n.position)).size).toBe(order.length);
    const [, second, third] = order;
    expect((await api.run('moveTask', { id: first.id, afterId: second!.id })).__typename).toBe('TaskPayload');
    expect((await api.listOrder(list)).slice(0, 3).map((n) => n.id)).toEqual([second!.id, first.id, third!.id]);
  });

  it('next to two siblings that share a key (left by an older version), a move never takes a third sibling\'s key', async () => {
    const list = await api.list();
    const [x, y, z] = [await api.create({ title: 'X', listId: list }), await api.create({ title: 'Y', listId: list }), await api.create({ title: 'Z', listId: list })];
    const [m, n] = [await api.create({ title: 'M', listId: list }), await api.create({ title: 'N', listId: list })];
    await t.database.db.prisma.task.update({ where: { id: rawId(y.id) }, data: { position: x.position } });
    const [first, second] = (await api.listOrder(list)).slice(0, 2).map((node) => node.id);
    expect((await api.run('moveTask', { id: m.id, afterId: first })).__typename).toBe('TaskPayload');
    expect((await api.run('moveTask', { id: n.id, beforeId: second })).__typename).toBe('TaskPayload');
    const order = await api.listOrder(list);
    expect(order.map((node) => node.id)).toEqual([n.id, first, second, m.id, z.id]);
    const keys = order.map((node) => node.position);
    expect(new Set(keys).size).toBe(keys.length - 1); // only the old pair still shares a key
  });

  it('two concurrent moves into the same gap both land between the neighbours, in a total and stable order', async () => {
    for (let round = 0; round < 3; round++) {
      const list = await api.list();
      const a = await api.create({ title: 'A', listId: list });
      const b = await api.create({ title: 'B', listId: list });
      const x = await api.create({ title: 'X', listId: list });
      const y = await api.create({ title: 'Y', listId: list });
      const before = await api.allPositions();

      const results = await Promise.all([api.run('moveTask', { id: x.id, afterId: a.id }), api.run('moveTask', { id: y.id, afterId: a.id })]);
      expect(results.map((r) => r.__typename)).toEqual(['TaskPayload', 'TaskPayload']);

      const first = await api.listOrder(list);
      const second = await api.listOrder(list);
      expect(second).toEqual(first);
      const ids = first.map((n) => n.id);
      expect(ids[0]).toBe(a.id);
      expect(ids[3]).toBe(b.id);
      expect(sorted(ids.slice(1, 3))).toEqual(sorted([x.id, y.id]));
      const pos = new Map(first.map((n) => [n.id, n.position]));
      for (const moved of [x.id, y.id]) {
        expect(pos.get(a.id)! < pos.get(moved)!).toBe(true);
        expect(pos.get(moved)! < pos.get(b.id)!).toBe(true);
      }
      // Total: every (position, id) pair distinct, and the order is by position, then id.
      expect(new Set(first.map((n) => `${n.position} ${n.id}`)).size).toBe(first.length);
      for (let i = 1; i < first.length; i++) {
        const [p, q] = [first[i - 1]!, first[i]!];
        expect(p.position < q.position || (p.position === q.position && rawId(p.id) < rawId(q.id))).toBe(true);
      }
      expectOthersUnmoved(before, await api.allPositions(), x.id, y.id);
    }
  });
});

// ---- Versions and expectedVersion ----

describe('versions', () => {
  it('starts at 1 and grows by exactly one per mutation that changes something', async () => {
    const list = await api.list();
    const task = await api.create({ title: 'Versioned' });
    expect(task.version).toBe(1);
    await sleep(5);
    const v2 = (await api.ok('updateTask', { id: task.id, title: 'Renamed', description: 'New', priority: 'HIGH', dueAt: '2026-09-01T00:00:00.000Z' })).task;
    expect(v2.version).toBe(2);
    expect(v2.updatedAt > task.updatedAt).toBe(true);
    expect((await api.ok('setTaskCompleted', { id: task.id, completed: true })).task.version).toBe(3);
    expect((await api.ok('toggleTaskCompleted', { id: task.id })).task.version).toBe(4);
    expect((await api.move({ id: task.id, listId: list })).task.version).toBe(5);
    const v6 = (await api.ok('updateTask', { id: task.id, priority: 'LOW', completed: true })).task;
    expect(v6.version).toBe(6);
    expect(await api.get(task.id)).toEqual(v6);
  });

  it('a mutation that leaves everything as it was changes neither version nor updatedAt', async () => {
    const task = await api.create({ title: 'Steady', description: 'Same', priority: 'MEDIUM' });
    await sleep(10);
    for (const [name, input] of [
      ['updateTask', { id: task.id, title: 'Steady' }],
      ['updateTask', { id: task.id, title: '  Steady  ', description: 'Same', priority: 'MEDIUM' }],
      ['updateTask', { id: task.id }],
      ['updateTask', { id: task.id, completed: false }],
      ['setTaskCompleted', { id: task.id, completed: false }],
    ] as [Name, Record<string, unknown>][]) {
      const result = await api.ok(name, input);
      expect(result.task, `${name} ${JSON.stringify(input)}`).toEqual(task);
      expect(result.alsoChanged).toEqual([]);
    }
    const done = (await api.ok('setTaskCompleted', { id: task.id, completed: true })).task;
    expect(done.version).toBe(2);
    await sleep(10);
    const again = await api.ok('setTaskCompleted', { id: task.id, completed: true });
    expect(again.task).toEqual(done);
    expect(await api.get(task.id)).toEqual(done);
  });

  it("side effects raise the other tasks' versions too", async () => {
    const list = await api.list();
    const parent = await api.create({ title: 'Parent' });
    const kid = await api.create({ title: 'Kid', parentId: parent.id });
    const grandkid = await api.create({ title: 'Grandkid', parentId: kid.id });
    await api.ok('setTaskCompleted', { id: parent.id, completed: true });
    expect((await api.getAll([parent.id, kid.id, grandkid.id])).map((x) => x.version)).toEqual([2, 2, 2]);
    await api.ok('setTaskCompleted', { id: grandkid.id, completed: false });
    expect((await api.getAll([parent.id, kid.id, grandkid.id])).map((x) => x.version)).toEqual([3, 3, 3]);
    const moved = await api.move({ id: parent.id, listId: list });
    expect(moved.task.version).toBe(4);
    expect(moved.alsoChanged.map((x) => x.version)).toEqual([4, 4]);
    expect((await api.getAll([parent.id, kid.id, grandkid.id])).map((x) => x.version)).toEqual([4, 4, 4]);
    // Counts of the parent are derived: adding a subtask does not raise its version.
    await api.create({ title: 'Another kid', parentId: parent.id });
    expect(await api.get(parent.id)).toMatchObject({ version: 4, subtaskCount: 2 });
  });

  const STALE: [Name, (id: string, other: string) => Record<string, unknown>][] = [
    ['updateTask', (id) => ({ id, title: 'Stale write' })],
    ['setTaskCompleted', (id) => ({ id, completed: true })],
    ['toggleTaskCompleted', (id) => ({ id })],
    ['deleteTask', (id) => ({ id })],
    ['moveTask', (id, other) => ({ id, listId: other })],
  ];
  it.each(STALE)('%s with a stale expectedVersion is StaleTaskError with the task as it is now, and changes nothing', async (name, input) => {
    const list = await api.list();
    const other = await api.list();
    const task = await api.create({ title: 'Contested', listId: list });
    const kid = await api.create({ title: 'Kid', parentId: task.id });
    await api.ok('updateTask', { id: task.id, title: 'Second version' });
    const current = (await api.get(task.id))!;
    expect(current.version).toBe(2);
    const kidBefore = await api.get(kid.id);
    await sleep(5);

    for (const expectedVersion of [1, 3]) {
      const result = await api.run(name, { ...input(task.id, other), expectedVersion });
      expect(result).toEqual({ __typename: 'StaleTaskError', message: expect.any(String), task: current });
      expect(await api.get(task.id)).toEqual(current);
      expect(await api.get(kid.id)).toEqual(kidBefore);
    }
    // The current version passes.
    const result = await api.run(name, { ...input(task.id, other), expectedVersion: 2 });
    expect(result.__typename).toBe(name === 'deleteTask' ? 'DeleteTaskPayload' : 'TaskPayload');
    if (result.task) expect(result.task.version).toBe(3);
  });

  it('errors come in order: ValidationError, then NotFoundError, then StaleTaskError', async () => {
    const task = await api.create({ title: 'Ordered' });
    const kid = await api.create({ title: 'Kid', parentId: task.id });
    const missing = missingTaskId();
    // Bad input before existence.
    expectFieldError(await api.run('updateTask', { id: missing, title: '' }), 'title');
    expectFieldError(await api.run('updateTask', { id: missing, title: '', expectedVersion: 99 }), 'title');
    expectFieldError(await api.run('updateTask', { id: task.id, title: '   ', expectedVersion: 99 }), 'title');
    expect((await api.run('moveTask', { id: missing, afterId: kid.id, beforeId: kid.id, expectedVersion: 99 })).__typename).toBe('ValidationError');
    // A task as its own parent or neighbour is the input alone too, whether it exists or its version matches.
    for (const id of [task.id, missing]) {
      expectFieldError(await api.run('moveTask', { id, parentId: id, expectedVersion: 99 }), 'parentId');
      expectFieldError(await api.run('moveTask', { id, afterId: id, expectedVersion: 99 }), 'afterId');
      expectFieldError(await api.run('moveTask', { id, beforeId: id, expectedVersion: 99 }), 'beforeId');
    }
    // Existence before expectedVersion.
    expectNotFound(await api.run('updateTask', { id: missing, title: 'Fine', expectedVersion: 99 }));
    expectNotFound(await api.run('setTaskCompleted', { id: missing, completed: true, expectedVersion: 99 }));
    expectNotFound(await api.run('toggleTaskCompleted', { id: missing, expectedVersion: 99 }));
    expectNotFound(await api.run('deleteTask', { id: missing, expectedVersion: 99 }));
    expectNotFound(await api.run('moveTask', { id: missing, expectedVersion: 99 }));
    expectNotFound(await api.run('updateTask', { id: bobTask.id, title: 'Fine', expectedVersion: 99 }));
    // expectedVersion before the rules that need the stored state (a cycle).
    expect((await api.run('moveTask', { id: task.id, parentId: kid.id, expectedVersion: 99 })).__typename).toBe('StaleTaskError');
    expectFieldError(await api.run('moveTask', { id: task.id, parentId: kid.id, expectedVersion: 1 }), 'parentId');
    expect(await api.get(task.id)).toMatchObject({ title: 'Ordered', version: 1, parent: null });
  });

  it('two concurrent updates with the same expectedVersion: exactly one wins, the other is stale', async () => {
    for (let round = 0; round < 3; round++) {
      const task = await api.create({ title: `Race ${round}` });
      const results = await Promise.all([
        api.run('updateTask', { id: task.id, title: 'First writer', expectedVersion: 1 }),
        api.run('updateTask', { id: task.id, title: 'Second writer', expectedVersion: 1 }),
      ]);
      expect(results.map((r) => r.__typename).sort()).toEqual(['StaleTaskError', 'TaskPayload']);
      const winner = results.find((r) => r.__typename === 'TaskPayload')!.task!;
      const loser = results.find((r) => r.__typename === 'StaleTaskError')!.task!;
      expect(winner.version).toBe(2);
      expect(loser).toEqual(winner);
      expect(await api.get(task.id)).toEqual(winner);
    }
  });
});

// ---- Trash via deleteTask ----

describe('trash', () => {
  it('deleteTask trashes the subtree; trashed tasks vanish from every query and count', async () => {
    const word = `trashword${Date.now()}`;
    const list = await api.list();
    const root = await api.create({ title: `${word} root`, listId: list });
    const a = await api.create({ title: `${word} a`, parentId: root.id, completed: true });
    const a1 = await api.create({ title: `${word} a1`, parentId: a.id });
    const a1x = await api.create({ title: `${word} a1x`, parentId: a1.id });
    const b = await api.create({ title: `${word} b`, parentId: root.id });
    expect(await api.get(root.id)).toMatchObject({ subtaskCount: 2, completedSubtaskCount: 1 });
    expect(await api.openTaskCount(list)).toBe(4); // root, a1, a1x, b
    const total = await api.totalCount();

    const result = await api.run('deleteTask', { id: a.id });
    expect(result.__typename).toBe('DeleteTaskPayload');
    expect(result.deletedTaskId).toBe(a.id);
    expect(sorted(result.deletedTaskIds!)).toEqual(sorted([a.id, a1.id, a1x.id]));

    const gone = [a.id, a1.id, a1x.id];
    for (const id of gone) expect(await api.get(id)).toBeNull();
    const nodes = await api.gql(`query ($ids: [ID!]!, $id: ID!) { node(id: $id) { id } nodes(ids: $ids) { id } }`, { id: a1.id, ids: [a.id, b.id, a1x.id] });
    expect(nodes).toEqual({ node: null, nodes: [null, { id: b.id }, null] });
    expect(await api.totalCount()).toBe(total - 3);
    const search = await api.gql(`query ($word: String!, $list: ID!) {
      all: tasks(first: 100, filter: { search: $word }) { totalCount edges { node { id } } }
      inList: tasks(first: 100, filter: { listId: $list }) { totalCount }
      subs: tasks(first: 100, filter: { search: $word, topLevel: false }) { totalCount }
      done: tasks(first: 100, filter: { search: $word, completed: true }) { totalCount }
      list: taskList(id: $list) { openTaskCount tasks { totalCount } }
    }`, { word, list });
    expect(sorted(search.all.edges.map((e: { node: { id: string } }) => e.node.id))).toEqual(sorted([root.id, b.id]));
    expect(search.all.totalCount).toBe(2);
    expect(search.inList.totalCount).toBe(2);
    expect(search.subs.totalCount).toBe(1);
    expect(search.done.totalCount).toBe(0);
    expect(search.list).toEqual({ openTaskCount: 2, tasks: { totalCount: 2 } });
    expect(await api.subtaskIds(root.id)).toEqual([b.id]);
    expect(await api.get(root.id)).toMatchObject({ subtaskCount: 1, completedSubtaskCount: 0 });
    const mine = await api.gql('{ me { tasks(first: 100, filter: { completed: true }) { edges { node { id } } } } }');
    expect(mine.me.tasks.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(a.id);

    // Deleting the root trashes what is left of the tree.
    const rest = await api.run('deleteTask', { id: root.id });
    expect(rest.deletedTaskId).toBe(root.id);
    expect(sorted(rest.deletedTaskIds!)).toContain(b.id);
    expect(rest.deletedTaskIds).toContain(root.id);
    expect(await api.openTaskCount(list)).toBe(0);
    expect(await api.totalCount()).toBe(total - 5);
  });

  it('every mutation on a trashed task is NotFoundError', async () => {
    const list = await api.list();
    const parent = await api.create({ title: 'Parent', listId: list });
    const kid = await api.create({ title: 'Kid', parentId: parent.id });
    const sibling = await api.create({ title: 'Sibling', listId: list });
    await api.run('deleteTask', { id: parent.id });
    for (const id of [parent.id, kid.id]) {
      expectNotFound(await api.run('updateTask', { id, title: 'Back?' }));
      expectNotFound(await api.run('setTaskCompleted', { id, completed: true }));
      expectNotFound(await api.run('toggleTaskCompleted', { id }));
      expectNotFound(await api.run('moveTask', { id, listId: null }));
      expectNotFound(await api.run('moveTask', { id, afterId: sibling.id }));
      expectNotFound(await api.run('deleteTask', { id }));
      expectNotFound(await api.run('deleteTask', { id, permanently: false }));
    }
    // As references, trashed tasks do not resolve either.
    expectFieldError(await api.run('moveTask', { id: sibling.id, parentId: parent.id }), 'parentId');
    expectFieldError(await api.run('createTask', { title: 'Under trash', parentId: kid.id }), 'parentId');
    expect(await api.get(sibling.id)).toMatchObject({ version: 1, parent: null });
  });

  it('deleteTask with permanently: true deletes for good, also a task already in the trash', async () => {
    const live = await api.create({ title: 'Live' });
    const liveKid = await api.create({ title: 'Live kid', parentId: live.id });
    const total = await api.totalCount();
    const purged = await api.run('deleteTask', { id: live.id, permanently: true });
    expect(purged.__typename).toBe('DeleteTaskPayload');
    expect(purged.deletedTaskId).toBe(live.id);
    expect(sorted(purged.deletedTaskIds!)).toEqual(sorted([live.id, liveKid.id]));
    expect(await api.totalCount()).toBe(total - 2);
    expect(await api.get(liveKid.id)).toBeNull();
    // Gone for good: not even in the trash any more.
    expectNotFound(await api.run('deleteTask', { id: live.id, permanently: true }));
    expectNotFound(await api.run('deleteTask', { id: liveKid.id, permanently: true }));

    const trashed = await api.create({ title: 'Trashed' });
    const trashedKid = await api.create({ title: 'Trashed kid', parentId: trashed.id });
    await api.run('deleteTask', { id: trashed.id });
    // A trashed task cannot be trashed again, but can be deleted for good.
    expectNotFound(await api.run('deleteTask', { id: trashed.id }));
    const fromTrash = await api.run('deleteTask', { id: trashed.id, permanently: true });
    expect(fromTrash.__typename).toBe('DeleteTaskPayload');
    expect(fromTrash.deletedTaskId).toBe(trashed.id);
    expect(sorted(fromTrash.deletedTaskIds!)).toEqual(sorted([trashed.id, trashedKid.id]));
    expectNotFound(await api.run('deleteTask', { id: trashed.id, permanently: true }));
    expectNotFound(await api.run('deleteTask', { id: trashedKid.id, permanently: true }));
  });
});

// ---- Client-chosen ids ----

describe('client ids', () => {
  it('createTask uses a client-chosen id', async () => {
    const id = globalId('Task', randomUUID());
    const task = await api.create({ id, title: 'Made offline' });
    expect(task.id).toBe(id);
    expect(await api.get(id)).toEqual(task);
    const kid = await api.create({ id: globalId('Task', randomUUID()), title: 'Offline kid', parentId: id });
    expect(kid.parent).toEqual({ id });
  });

  const CREATES = [
    { name: 'createTask', type: 'Task', payload: '... on TaskPayload { task { id } }' },
    { name: 'createTaskList', type: 'TaskList', payload: '... on TaskListPayload { taskList { id } }' },
    { name: 'createLabel', type: 'Label', payload: '... on LabelPayload { label { id } }' },
  ] as const;
  it.each(CREATES)('$name: reused, malformed and other-type ids are one ValidationError on ["input","id"]', async ({ name, type, payload }) => {
    const document = `mutation ($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { __typename ... on Error { message } ... on ValidationError { fieldErrors { path message } } ${payload} } }`;
    const create = async (id: string) =>
      (await api.gql(document, { input: { ...(type === 'Task' ? { title: 'Again' } : { name: uniqueName(type) }), id } }))[name];

    const own = globalId(type, randomUUID());
    const made = await create(own);
    expect(made.__typename).toBe(name === 'createTask' ? 'TaskPayload' : name === 'createTaskList' ? 'TaskListPayload' : 'LabelPayload');
    const madeId = (made.task ?? made.taskList ?? made.label).id;
    expect(madeId).toBe(own);

    // Someone else's object of this type.
    const foreignId =
      type === 'Task' ? bobTask.id : type === 'TaskList' ? bobList : await bob.label();
    const others = (['Task', 'TaskList', 'Label', 'User'] as const).filter((other) => other !== type);
    const bad = [
      own, // reused
      foreignId, // used by another user
      'not-a-global-id!',
      Buffer.from(`${type}:`, 'utf8').toString('base64url'),
      globalId(type, 'not-a-uuid'),
      globalId(type, '00000000-0000-0000-0000-000000000000'),
      randomUUID(), // a bare uuid
      ...others.map((other) => globalId(other, randomUUID())),
    ];
    const results: Result[] = [];
    for (const id of bad) results.push(await create(id));
    // Every case at once, so a failure shows which ids are answered wrongly.
    expect(results.map((r) => [r.__typename, r.fieldErrors?.map((e) => e.path)])).toEqual(bad.map(() => ['ValidationError', [['input', 'id']]]));
    expect(new Set(results.map((r) => r.fieldErrors![0]!.message)).size, JSON.stringify(results)).toBe(1);
  });

  it('a rejected client id creates nothing', async () => {
    const id = globalId('Task', randomUUID());
    await api.create({ id, title: 'Original' });
    const total = await api.totalCount();
    expectFieldError(await api.run('createTask', { id, title: 'Duplicate' }), 'id');
    expectFieldError(await api.run('createTask', { id: globalId('TaskList', randomUUID()), title: 'Wrong type' }), 'id');
    expect(await api.totalCount()).toBe(total);
    expect((await api.get(id))!.title).toBe('Original');
  });
});
