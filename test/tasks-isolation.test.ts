// Users never see or touch each other's tasks: another user's task id behaves exactly like an id that
// does not exist, on every query and mutation. Also: anonymous node lookups, and malformed ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import {
  expectBadUserInput,
  globalId,
  missingTaskId,
  mutationDocument,
  TASK_FIELDS,
  tasksClient,
  type MutationName,
  type TasksClient,
  type TaskView,
} from './helpers/tasks.ts';

const SECRET_WORD = 'zanzibarquokka';

let t: TestApp;
let alice: TasksClient;
let bob: TasksClient;
let aliceUserId: string;
let bobUserId: string;
let aliceTasks: TaskView[];
let bobTasks: TaskView[];

const ALL_TASKS = `{ tasks(first: 100, orderBy: { field: CREATED_AT, direction: ASC }) { totalCount edges { cursor node { ${TASK_FIELDS} } } } }`;

async function allTasks(client: TasksClient): Promise<{ totalCount: number; tasks: TaskView[]; cursors: string[] }> {
  const res = await client.gql(ALL_TASKS);
  expect(res.errors).toBeUndefined();
  const { totalCount, edges } = res.data.tasks;
  return { totalCount, tasks: edges.map((edge: { node: TaskView }) => edge.node), cursors: edges.map((edge: { cursor: string }) => edge.cursor) };
}

beforeAll(async () => {
  t = await startTestApp();
  const a = await t.signup();
  const b = await t.signup();
  alice = tasksClient(t, a.accessToken);
  bob = tasksClient(t, b.accessToken);
  aliceUserId = a.userId;
  bobUserId = b.userId;
  aliceTasks = [
    await alice.create({ title: `Alice ${SECRET_WORD} plan`, priority: 'HIGH', dueAt: '2026-04-01T00:00:00.000Z' }),
    await alice.create({ title: 'Alice groceries', description: `buy ${SECRET_WORD} food`, completed: true }),
    await alice.create({ title: 'Alice taxes' }),
  ];
  bobTasks = [await bob.create({ title: 'Bob laundry' }), await bob.create({ title: 'Bob dentist', priority: 'LOW' })];
});
afterAll(() => t?.close());

describe("another user's task ids behave like ids that do not exist", () => {
  it('task(id) is null', async () => {
    for (const task of aliceTasks) expect(await bob.task(task.id)).toBeNull();
    expect(await bob.task(missingTaskId())).toBeNull();
  });

  it('node(id) is null, with the same response as for a missing id', async () => {
    const query = 'query ($id: ID!) { node(id: $id) { id ... on Task { title } } }';
    const missing = await bob.gql(query, { id: missingTaskId() });
    expect(missing.data).toEqual({ node: null });
    expect(missing.errors).toBeUndefined();
    for (const task of aliceTasks) {
      const res = await bob.gql(query, { id: task.id });
      expect({ data: res.data, errors: res.errors, status: res.status }).toEqual({ data: missing.data, errors: missing.errors, status: missing.status });
    }
  });

  it('nodes(ids) has null in place of each foreign or missing id', async () => {
    const ids = [...aliceTasks.map((task) => task.id), missingTaskId(), bobTasks[0]!.id, aliceUserId, bobUserId];
    const res = await bob.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes).toEqual([
      null, null, null, null,
      { __typename: 'Task', id: bobTasks[0]!.id },
      null,
      { __typename: 'User', id: bobUserId },
    ]);
  });

  const attempts: [MutationName, (id: string) => Record<string, unknown>][] = [
    ['updateTask', (id) => ({ id, title: 'Hijacked', completed: false, description: null, dueAt: null, priority: 'NONE' })],
    ['updateTask', (id) => ({ id })],
    ['setTaskCompleted', (id) => ({ id, completed: false })],
    ['setTaskCompleted', (id) => ({ id, completed: true })],
    ['toggleTaskCompleted', (id) => ({ id })],
    ['deleteTask', (id) => ({ id })],
  ];

  it.each(attempts)('%s is NotFoundError, exactly as for a missing id', async (name, input) => {
    const missing = await bob.mutateRaw(name, input(missingTaskId()));
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toEqual({ [name]: { __typename: 'NotFoundError', message: 'Task not found.' } });
    for (const task of aliceTasks) {
      const res = await bob.mutateRaw(name, input(task.id));
      expect({ status: res.status, data: res.data, errors: res.errors }).toEqual({ status: missing.status, data: missing.data, errors: missing.errors });
    }
  });

  it("tasks.totalCount and search only ever count the caller's own tasks", async () => {
    const own = await allTasks(bob);
    expect(own.totalCount).toBe(bobTasks.length);
    expect(own.tasks.map((task) => task.id).sort()).toEqual(bobTasks.map((task) => task.id).sort());
    const search = await bob.gql('query ($s: String) { tasks(filter: { search: $s }) { totalCount edges { node { id } } } }', { s: SECRET_WORD });
    expect(search.data.tasks).toEqual({ totalCount: 0, edges: [] });
    const me = await bob.gql('{ me { tasks(first: 100) { totalCount edges { node { id } } } } }');
    expect(me.data.me.tasks.totalCount).toBe(bobTasks.length);
    // Alice's search finds her two tasks, so the word is really there.
    expect((await alice.gql('query ($s: String) { tasks(filter: { search: $s }) { totalCount } }', { s: SECRET_WORD })).data.tasks.totalCount).toBe(2);
  });

  it("a cursor of Alice's list shows Bob only his own tasks (or is rejected)", async () => {
    const { cursors } = await allTasks(alice);
    const bobIds = new Set(bobTasks.map((task) => task.id));
    for (const cursor of cursors) {
      for (const args of [{ after: cursor, first: 100 }, { before: cursor, last: 100 }]) {
        const res = await bob.gql(
          `query ($first: Int, $after: String, $last: Int, $before: String) {
            tasks(first: $first, after: $after, last: $last, before: $before, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { id title } } }
          }`,
          args,
        );
        if (res.errors) {
          expectBadUserInput(res);
          continue;
        }
        for (const { node } of res.data.tasks.edges) {
          expect(bobIds.has(node.id)).toBe(true);
          expect(node.title).toMatch(/^Bob /);
        }
      }
    }
  });

  it("Alice's tasks are unchanged after all of Bob's attempts", async () => {
    const now = await allTasks(alice);
    expect(now.totalCount).toBe(3);
    expect(now.tasks).toEqual(aliceTasks);
    expect(now.tasks.map((task) => [task.title, task.completed])).toEqual([
      [`Alice ${SECRET_WORD} plan`, false],
      ['Alice groceries', true],
      ['Alice taxes', false],
    ]);
  });
});

describe('anonymous callers', () => {
  it('node and nodes are null for every id', async () => {
    const anonymous = tasksClient(t);
    const ids = [aliceTasks[0]!.id, bobTasks[0]!.id, missingTaskId(), aliceUserId];
    for (const id of ids) {
      const res = await anonymous.gql('query ($id: ID!) { node(id: $id) { id } }', { id });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ node: null });
    }
    const res = await anonymous.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ nodes: [null, null, null, null] });
  });

  it('task, tasks and the task mutations are UNAUTHENTICATED', async () => {
    const anonymous = tasksClient(t);
    const responses = [
      await anonymous.gql('query ($id: ID!) { task(id: $id) { id } }', { id: aliceTasks[0]!.id }),
      await anonymous.gql('{ tasks { totalCount } }'),
      await anonymous.mutateRaw('deleteTask', { id: aliceTasks[0]!.id }),
      await anonymous.mutateRaw('toggleTaskCompleted', { id: aliceTasks[0]!.id }),
    ];
    for (const res of responses) expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect((await allTasks(alice)).tasks).toEqual(aliceTasks);
  });
});

describe('malformed ids: BAD_USER_INPUT in a query, NotFoundError (data) from a mutation, never internal errors', () => {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const malformed = [
    'abc',
    '',
    base64('Task:'),
    base64('Task'),
    base64(':01234567-89ab-cdef-0123-456789abcdef'),
    'Task:01234567-89ab-cdef-0123-456789abcdef',
    'x'.repeat(500),
  ];

  it.each(malformed)('%j in task, node and nodes', async (id) => {
    expectBadUserInput(await alice.gql('query ($id: ID!) { task(id: $id) { id } }', { id }));
    expectBadUserInput(await alice.gql('query ($id: ID!) { node(id: $id) { id } }', { id }));
    expectBadUserInput(await alice.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [aliceTasks[0]!.id, id] }));
  });

  // API.md: a mutation's expected failures are data; an id that names nothing is not found.
  it.each(malformed)('%j in every task mutation', async (id) => {
    for (const [name, input] of [
      ['updateTask', { id, title: 'x' }],
      ['setTaskCompleted', { id, completed: true }],
      ['toggleTaskCompleted', { id }],
      ['deleteTask', { id }],
    ] as const) {
      expect(await alice.mutate(name, input), name).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
    }
    expect((await allTasks(alice)).tasks).toEqual(aliceTasks);
  });
});

describe('well-formed ids whose key no task can have', () => {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const impossible = [base64('Task:notauuid'), base64('Task:999999'), base64('User:42')];

  it.each(impossible)('%j behaves like a task that does not exist', async (id) => {
    expect(await alice.task(id)).toBeNull();
    expect((await alice.gql('query ($id: ID!) { node(id: $id) { id } }', { id })).data).toEqual({ node: null });
    expect((await alice.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [id] })).data).toEqual({ nodes: [null] });
    const notFound = { __typename: 'NotFoundError', message: 'Task not found.' };
    expect(await alice.mutate('deleteTask', { id })).toEqual(notFound);
    expect(await alice.mutate('updateTask', { id, title: 'x' })).toEqual(notFound);
    expect(await alice.mutate('setTaskCompleted', { id, completed: true })).toEqual(notFound);
    expect(await alice.mutate('toggleTaskCompleted', { id })).toEqual(notFound);
    expect((await allTasks(alice)).tasks).toEqual(aliceTasks);
  });

  it('anonymous node/nodes are null even for ids that do not decode', async () => {
    const anonymous = tasksClient(t);
    const ids = ['abc', base64('Widget:1'), aliceTasks[0]!.id];
    expect((await anonymous.gql('query ($id: ID!) { node(id: $id) { id } }', { id: 'abc' })).data).toEqual({ node: null });
    const res = await anonymous.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ nodes: [null, null, null] });
  });
});

describe('ids of other types', () => {
  it('a User id given to the task mutations is NotFoundError, and task(id) is null', async () => {
    for (const id of [aliceUserId, bobUserId, globalId('User', '01234567-89ab-cdef-0123-456789abcdef')]) {
      expect(await alice.mutate('deleteTask', { id })).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
      expect(await alice.mutate('updateTask', { id, title: 'x' })).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
      expect(await alice.mutate('toggleTaskCompleted', { id })).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
      expect(await alice.task(id)).toBeNull();
    }
    expect((await allTasks(alice)).tasks).toEqual(aliceTasks);
  });

  it('node(id) of another user is null; of yourself is you', async () => {
    const query = 'query ($id: ID!) { node(id: $id) { __typename id } }';
    expect((await alice.gql(query, { id: bobUserId })).data).toEqual({ node: null });
    expect((await alice.gql(query, { id: aliceUserId })).data).toEqual({ node: { __typename: 'User', id: aliceUserId } });
  });

  it('an id of a type the API has no nodes of is BAD_USER_INPUT in a query (it was never issued), NotFoundError from a mutation', async () => {
    const id = globalId('Widget', '01234567-89ab-cdef-0123-456789abcdef');
    expectBadUserInput(await alice.gql('query ($id: ID!) { node(id: $id) { id } }', { id }));
    expectBadUserInput(await alice.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [id] }));
    expectBadUserInput(await alice.gql('query ($id: ID!) { task(id: $id) { id } }', { id }));
    expect(await alice.mutate('deleteTask', { id })).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
  });
});
