// Organizing across users and at scale: another user's list, label and task ids behave exactly like missing ids in every new query, mutation, reference and filter; no N+1 on the task relations; the organizing migration of existing rows.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateNKeysBetween } from 'fractional-indexing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/passwords.ts';
import { loadConfig } from '../src/config.ts';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../src/db/migrator.ts';
import { createApp } from '../src/yoga.ts';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import {
  LABEL_FIELDS,
  LIST_FIELDS,
  missingLabelId,
  missingListId,
  ORG_TASK_FIELDS,
  organizingClient,
  orgMutationDocument,
  type LabelView,
  type ListView,
  type OrganizingClient,
  type OrgMutation,
  type OrgTask,
} from './helpers/organizing.ts';
import { missingTaskId, rawId } from './helpers/tasks.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

type Kind = 'list' | 'label' | 'task';
const missingId = (kind: Kind) => ({ list: missingListId, label: missingLabelId, task: missingTaskId })[kind]();

/** Everything a user can see of their own data, with versions, positions, counts and relations (in parts: queries have a cost limit). */
const STATE = [
  `{ me { id timeZone taskLists { ${LIST_FIELDS} tasks(first: 20) { totalCount edges { node { id } } } } } }`,
  `{ me { labels { ${LABEL_FIELDS} tasks(first: 20) { totalCount edges { node { id } } } } } }`,
  `{ tasks(first: 20, orderBy: { field: CREATED_AT, direction: ASC }) { totalCount edges { node { ${ORG_TASK_FIELDS} subtasks(first: 5) { totalCount edges { node { id } } } } } } }`,
];
async function stateOf(client: OrganizingClient) {
  const [lists, labels, tasks] = await Promise.all(STATE.map((query) => client.read(query)));
  return { me: { ...lists.me, labels: labels.me.labels, tasks: tasks.tasks } };
}

describe("another user's lists, labels and tasks behave exactly like ids that do not exist", () => {
  let alice: OrganizingClient;
  let bob: OrganizingClient;
  const a = {} as { work: ListView; home: ListView; urgent: LabelView; later: LabelView; plan: OrgTask; sub: OrgTask; subsub: OrgTask; inbox: OrgTask; home1: OrgTask; home2: OrgTask };
  const b = {} as { work: ListView; other: ListView; urgent: LabelView; plan: OrgTask; sub: OrgTask; inbox: OrgTask; plan2: OrgTask };
  let aliceBefore: unknown;
  let bobBefore: unknown;

  const aliceIds = (kind: Kind): string[] =>
    ({ list: [a.work.id, a.home.id], label: [a.urgent.id, a.later.id], task: [a.plan.id, a.sub.id, a.subsub.id, a.inbox.id, a.home1.id] })[kind];

  beforeAll(async () => {
    alice = organizingClient(t, (await t.signup()).accessToken);
    bob = organizingClient(t, (await t.signup()).accessToken);
    a.work = await alice.createList('Work', { color: '#112233' });
    a.home = await alice.createList('Home');
    a.urgent = await alice.createLabel('urgent', { color: '#AA0000' });
    a.later = await alice.createLabel('Later');
    a.plan = await alice.createTask({ title: 'A plan', listId: a.work.id, labelIds: [a.urgent.id, a.later.id], dueAt: '2055-02-01T10:00:00.000Z' });
    a.sub = await alice.createTask({ title: 'A sub', parentId: a.plan.id, labelIds: [a.later.id] });
    a.subsub = await alice.createTask({ title: 'A subsub', parentId: a.sub.id });
    a.inbox = await alice.createTask({ title: 'A inbox', labelIds: [a.urgent.id], completed: true });
    a.home1 = await alice.createTask({ title: 'A home', listId: a.home.id, dueAt: '2055-03-01T08:00:00.000Z', recurrence: 'FREQ=WEEKLY', remindAt: '2055-03-01T07:00:00.000Z' });
    a.home2 = await alice.createTask({ title: 'A home 2', listId: a.home.id });
    // Bob uses the same names: names are unique per user only.
    b.work = await bob.createList('Work');
    b.other = await bob.createList('Other');
    b.urgent = await bob.createLabel('urgent');
    b.plan = await bob.createTask({ title: 'B plan', listId: b.work.id, labelIds: [b.urgent.id] });
    b.sub = await bob.createTask({ title: 'B sub', parentId: b.plan.id });
    b.inbox = await bob.createTask({ title: 'B inbox' });
    b.plan2 = await bob.createTask({ title: 'B plan 2', listId: b.work.id });
    aliceBefore = await stateOf(alice);
    bobBefore = await stateOf(bob);
  });

  const raw = (client: OrganizingClient, name: OrgMutation, input: Record<string, unknown>) => client.gql(orgMutationDocument(name), { input });
  const whole = (res: { status: number; data?: unknown; errors?: unknown }) => ({ status: res.status, data: res.data, errors: res.errors });

  it('node, nodes, taskList and label are null, with the same response as for a missing id', async () => {
    const NODE = 'query ($id: ID!) { node(id: $id) { __typename id ... on TaskList { name } ... on Label { name } ... on Task { title } } }';
    for (const kind of ['list', 'label', 'task'] as const) {
      const missing = whole(await bob.gql(NODE, { id: missingId(kind) }));
      expect(missing).toEqual({ status: 200, data: { node: null }, errors: undefined });
      for (const id of aliceIds(kind)) expect(whole(await bob.gql(NODE, { id }))).toEqual(missing);
    }

    const foreign = [...aliceIds('list'), ...aliceIds('label'), ...aliceIds('task')];
    const res = await bob.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', {
      ids: [...foreign, missingListId(), missingLabelId(), missingTaskId(), b.work.id, b.urgent.id, b.plan.id],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes).toEqual([
      ...foreign.map(() => null),
      null, null, null,
      { __typename: 'TaskList', id: b.work.id },
      { __typename: 'Label', id: b.urgent.id },
      { __typename: 'Task', id: b.plan.id },
    ]);

    for (const [field, kind] of [['taskList', 'list'], ['label', 'label']] as const) {
      const query = `query ($id: ID!) { ${field}(id: $id) { id name } }`;
      const missing = whole(await bob.gql(query, { id: missingId(kind) }));
      expect(missing).toEqual({ status: 200, data: { [field]: null }, errors: undefined });
      for (const id of aliceIds(kind)) expect(whole(await bob.gql(query, { id }))).toEqual(missing);
    }
    // Bob's own objects are found by the same queries.
    expect((await bob.read('query ($id: ID!) { taskList(id: $id) { id } }', { id: b.work.id })).taskList).toEqual({ id: b.work.id });
    expect((await bob.read('query ($id: ID!) { label(id: $id) { id } }', { id: b.urgent.id })).label).toEqual({ id: b.urgent.id });
  });

  it("Bob's taskLists, labels and tasks hold only his own", async () => {
    const me = (await bob.read('{ me { taskLists { id } labels { id } tasks(first: 100) { totalCount } } }')).me;
    expect(me.taskLists).toEqual([{ id: b.work.id }, { id: b.other.id }]);
    expect(me.labels).toEqual([{ id: b.urgent.id }]);
    expect(me.tasks.totalCount).toBe(4);
  });

  const targets: [OrgMutation, Kind, () => (id: string) => Record<string, unknown>][] = [
    ['updateTaskList', 'list', () => (id) => ({ id, name: 'Hijacked' })],
    ['updateTaskList', 'list', () => (id) => ({ id, color: '#ff0000' })],
    ['updateTaskList', 'list', () => (id) => ({ id })],
    ['moveTaskList', 'list', () => (id) => ({ id, afterId: b.work.id })],
    ['moveTaskList', 'list', () => (id) => ({ id, beforeId: b.work.id })],
    ['deleteTaskList', 'list', () => (id) => ({ id })],
    ['deleteTaskList', 'list', () => (id) => ({ id, deleteTasks: true })],
    ['updateLabel', 'label', () => (id) => ({ id, name: 'Hijacked' })],
    ['updateLabel', 'label', () => (id) => ({ id, color: '#ff0000' })],
    ['deleteLabel', 'label', () => (id) => ({ id })],
    ['moveTask', 'task', () => (id) => ({ id, listId: null })],
    ['moveTask', 'task', () => (id) => ({ id, listId: b.work.id, afterId: b.plan.id })],
    ['moveTask', 'task', () => (id) => ({ id, parentId: b.plan.id })],
    ['moveTask', 'task', () => (id) => ({ id, parentId: null, expectedVersion: 1 })],
    ['updateTask', 'task', () => (id) => ({ id, labelIds: [b.urgent.id], recurrence: null, remindAt: null })],
    ['updateTask', 'task', () => (id) => ({ id, addLabelIds: [b.urgent.id], expectedVersion: 1 })],
    ['setTaskCompleted', 'task', () => (id) => ({ id, completed: true, expectedVersion: 1 })],
    ['toggleTaskCompleted', 'task', () => (id) => ({ id })],
    ['deleteTask', 'task', () => (id) => ({ id, permanently: true })],
    ['deleteTask', 'task', () => (id) => ({ id, expectedVersion: 1 })],
    ['restoreTask', 'task', () => (id) => ({ id })],
  ];

  it.each(targets)('%s on a %s of Alice is NotFoundError, exactly as for a missing id', async (name, kind, makeInput) => {
    const input = makeInput();
    const missing = whole(await raw(bob, name, input(missingId(kind))));
    expect(missing.errors).toBeUndefined();
    expect((missing.data as Record<string, { __typename: string }>)[name]!.__typename).toBe('NotFoundError');
    for (const id of aliceIds(kind)) expect(whole(await raw(bob, name, input(id)))).toEqual(missing);
    // A malformed id names nothing either: the same data, not a GraphQL error (a mutation's expected failures are data).
    for (const id of ['nope', '', Buffer.from('Widget:1').toString('base64url')]) expect(whole(await raw(bob, name, input(id)))).toEqual(missing);
  });

  type Ids = { list: string; label: string; task: string };
  const references: [string, OrgMutation, () => (ids: Ids) => Record<string, unknown>, string[] | null][] = [
    ['createTask listId', 'createTask', () => (x) => ({ title: 'B new', listId: x.list }), ['input', 'listId']],
    ['createTask parentId', 'createTask', () => (x) => ({ title: 'B new', parentId: x.task }), ['input', 'parentId']],
    ['createTask parentId with a listId of his', 'createTask', () => (x) => ({ title: 'B new', listId: b.work.id, parentId: x.task }), ['input', 'parentId']],
    ['createTask labelIds', 'createTask', () => (x) => ({ title: 'B new', labelIds: [b.urgent.id, x.label] }), ['input', 'labelIds', '1']],
    ['moveTask listId', 'moveTask', () => (x) => ({ id: b.inbox.id, listId: x.list }), ['input', 'listId']],
    ['moveTask parentId', 'moveTask', () => (x) => ({ id: b.inbox.id, parentId: x.task }), ['input', 'parentId']],
    ['moveTask afterId', 'moveTask', () => (x) => ({ id: b.plan2.id, afterId: x.task }), ['input', 'afterId']],
    ['moveTask beforeId', 'moveTask', () => (x) => ({ id: b.plan2.id, beforeId: x.task }), ['input', 'beforeId']],
    ['updateTask labelIds', 'updateTask', () => (x) => ({ id: b.inbox.id, labelIds: [x.label] }), ['input', 'labelIds', '0']],
    ['updateTask addLabelIds', 'updateTask', () => (x) => ({ id: b.inbox.id, addLabelIds: [x.label] }), ['input', 'addLabelIds', '0']],
    // The contract names no outcome for removing a label that is not one's own: only that it is the missing one's.
    ['updateTask removeLabelIds', 'updateTask', () => (x) => ({ id: b.plan.id, removeLabelIds: [x.label] }), null],
    ['moveTaskList afterId', 'moveTaskList', () => (x) => ({ id: b.other.id, afterId: x.list }), ['input', 'afterId']],
    ['moveTaskList beforeId', 'moveTaskList', () => (x) => ({ id: b.work.id, beforeId: x.list }), ['input', 'beforeId']],
  ];

  it.each(references)('%s naming an object of Alice gives exactly the answer of a missing id', async (_name, mutation, makeInput, path) => {
    const input = makeInput();
    const missing = whole(await raw(bob, mutation, input({ list: missingListId(), label: missingLabelId(), task: missingTaskId() })));
    expect(missing.errors).toBeUndefined();
    const outcome = (missing.data as Record<string, { __typename: string; fieldErrors?: { path: string[] }[] }>)[mutation]!;
    if (path) {
      expect(outcome.__typename, JSON.stringify(outcome)).toBe('ValidationError');
      expect(outcome.fieldErrors!.map((e) => e.path)).toEqual([path]);
    }
    const variants: Ids[] = [
      { list: a.work.id, label: a.urgent.id, task: a.plan.id },
      { list: a.home.id, label: a.later.id, task: a.subsub.id },
      { list: a.home.id, label: a.urgent.id, task: a.home1.id },
    ];
    for (const ids of variants) expect(whole(await raw(bob, mutation, input(ids)))).toEqual(missing);
  });

  it("filters with Alice's list and label ids match nothing, like missing ids", async () => {
    const QUERY = `query ($filter: TaskFilter) {
      tasks(first: 100, filter: $filter) { totalCount edges { node { id } } }
      me { tasks(first: 100, filter: $filter) { totalCount edges { node { id } } } }
    }`;
    const none = { totalCount: 0, edges: [] };
    const filters = [
      (list: string, label: string, label2: string) => ({ listId: list }),
      (list: string, label: string, label2: string) => ({ labelIds: [label] }),
      (list: string, label: string, label2: string) => ({ labelIds: [label, label2] }),
      (list: string, label: string, label2: string) => ({ listId: list, labelIds: [label] }),
      (list: string, label: string, label2: string) => ({ listId: list, completed: false, topLevel: true }),
    ];
    for (const filter of filters) {
      const missing = whole(await bob.gql(QUERY, { filter: filter(missingListId(), missingLabelId(), missingLabelId()) }));
      expect(missing.data).toEqual({ tasks: none, me: { tasks: none } });
      for (const [list, label, label2] of [[a.work.id, a.urgent.id, a.later.id], [a.home.id, a.later.id, a.urgent.id]] as const) {
        expect(whole(await bob.gql(QUERY, { filter: filter(list, label, label2) }))).toEqual(missing);
      }
    }
    // One of his labels beside one of Alice's: exactly his tasks with his label.
    const mixed = await bob.read(QUERY, { filter: { labelIds: [a.urgent.id, b.urgent.id] } });
    expect(mixed.tasks).toEqual({ totalCount: 1, edges: [{ node: { id: b.plan.id } }] });

    // TaskList.tasks and Label.tasks of his own objects, filtered by Alice's ids.
    const scoped = await bob.read(
      `query ($list: ID!, $label: ID!, $aliceList: ID!, $aliceLabel: ID!) {
        taskList(id: $list) { tasks(filter: { labelIds: [$aliceLabel] }) { totalCount } all: tasks { totalCount } }
        label(id: $label) { tasks(filter: { listId: $aliceList }) { totalCount } all: tasks { totalCount } }
      }`,
      { list: b.work.id, label: b.urgent.id, aliceList: a.work.id, aliceLabel: a.urgent.id },
    );
    expect(scoped).toEqual({
      taskList: { tasks: { totalCount: 0 }, all: { totalCount: 3 } },
      label: { tasks: { totalCount: 0 }, all: { totalCount: 1 } },
    });
  });

  it("Alice's data (and Bob's) is exactly as it was after all of Bob's attempts", async () => {
    const aliceAfter = await stateOf(alice);
    expect(aliceAfter).toEqual(aliceBefore);
    expect(await stateOf(bob)).toEqual(bobBefore);
    // The snapshot really holds Alice's objects, relations and counts.
    const me = (aliceAfter as { me: any }).me;
    expect(me.taskLists.map((l: ListView) => [l.id, l.openTaskCount])).toEqual([[a.work.id, 3], [a.home.id, 2]]);
    expect(me.labels.map((l: LabelView) => l.id)).toEqual([a.later.id, a.urgent.id]);
    const tasks = me.tasks.edges.map((e: { node: OrgTask }) => e.node);
    expect(tasks.map((task: OrgTask) => [task.id, task.version, task.list?.id ?? null, task.parent?.id ?? null, task.labels.map((l) => l.id)])).toEqual([
      [a.plan.id, 1, a.work.id, null, [a.later.id, a.urgent.id]],
      [a.sub.id, 1, a.work.id, a.plan.id, [a.later.id]],
      [a.subsub.id, 1, a.work.id, a.sub.id, []],
      [a.inbox.id, 1, null, null, [a.urgent.id]],
      [a.home1.id, 1, a.home.id, null, []],
      [a.home2.id, 1, a.home.id, null, []],
    ]);
  });
});

describe('the user of an AuthPayload', () => {
  const TREE =
    'user { tasks(orderBy: { field: TITLE, direction: ASC }) { edges { node { title list { name } labels { name } parent { title } subtaskCount ' +
    'subtasks { totalCount } } } } taskLists { name openTaskCount tasks { totalCount } } labels { name tasks { totalCount } } }';
  const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { ${TREE} } } }`;

  it('shows that account\'s lists, labels and subtasks, also in an anonymous request or with another token', async () => {
    const owner = await t.signup();
    const client = organizingClient(t, owner.accessToken);
    const list = await client.createList('Errands');
    const label = await client.createLabel('urgent');
    const parent = await client.createTask({ title: 'a parent', listId: list.id, labelIds: [label.id] });
    await client.createTask({ title: 'b child', parentId: parent.id });
    const other = await t.signup();
    await organizingClient(t, other.accessToken).createList('Not the owner\'s');

    const expected = {
      tasks: {
        edges: [
          { node: { title: 'a parent', list: { name: 'Errands' }, labels: [{ name: 'urgent' }], parent: null, subtaskCount: 1, subtasks: { totalCount: 1 } } },
          { node: { title: 'b child', list: { name: 'Errands' }, labels: [], parent: { title: 'a parent' }, subtaskCount: 0, subtasks: { totalCount: 0 } } },
        ],
      },
      taskLists: [{ name: 'Errands', openTaskCount: 2, tasks: { totalCount: 2 } }],
      labels: [{ name: 'urgent', tasks: { totalCount: 1 } }],
    };
    const input = { email: owner.email, password: owner.password };
    const anonymous = await t.gql(LOGIN, { input });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data.login.user).toEqual(expected);

    // Signed in as the owner already, and switching accounts with another user's token still attached.
    const asOwner = await t.gql(LOGIN, { input }, { token: owner.accessToken });
    expect(asOwner.data.login.user).toEqual(expected);
    const switching = await t.gql(LOGIN, { input }, { token: other.accessToken });
    expect(switching.errors).toBeUndefined();
    expect(switching.data.login.user).toEqual(expected);
  });
});

describe('database round trips of task relations (no N+1)', () => {
  const PAGE = `query ($first: Int!) {
    tasks(first: $first) {
      edges { node { id title list { id name } labels { id name } parent { id title } subtaskCount completedSubtaskCount } }
    }
  }`;
  let client: OrganizingClient;
  const expected = new Map<string, unknown>();

  beforeAll(async () => {
    const user = await t.signup();
    client = organizingClient(t, user.accessToken);
    const userId = rawId(user.userId);
    const { prisma } = t.database.db;
    const now = new Date();
    const lists = ['Alpha', 'Beta', 'Gamma'].map((name, i) => ({ id: randomUUID(), userId, name, nameKey: name.toLowerCase(), position: `a${i}`, updatedAt: now }));
    const labels = ['red', 'Green', 'blue', 'Yellow'].map((name) => ({ id: randomUUID(), userId, name, nameKey: name.toLowerCase(), updatedAt: now }));
    await prisma.taskList.createMany({ data: lists });
    await prisma.label.createMany({ data: labels });
    // 100 tasks in groups of five: a top-level task (in a list, or every fourth group in the Inbox) and
    // four subtasks of it, every other one completed; one or two labels each.
    const positions = generateNKeysBetween(null, null, 100);
    const base = Date.parse('2026-12-01T00:00:00.000Z');
    const tasks = Array.from({ length: 100 }, (_, i) => {
      const group = Math.floor(i / 5);
      const list = group % 4 === 3 ? null : lists[group % 3]!;
      return {
        id: randomUUID(),
        userId,
        title: `Task ${i}`,
        listId: list?.id ?? null,
        parentIndex: i % 5 === 0 ? null : group * 5,
        completed: i % 5 !== 0 && i % 2 === 0,
        position: positions[i]!,
        createdAt: new Date(base + i * 1000),
        updatedAt: now,
        labels: i % 3 === 0 ? [labels[i % 4]!, labels[(i + 1) % 4]!] : [labels[i % 4]!],
        list,
      };
    });
    const row = ({ parentIndex, labels: _labels, list: _list, ...task }: (typeof tasks)[number]) => ({ ...task, parentId: parentIndex === null ? null : tasks[parentIndex]!.id });
    await prisma.task.createMany({ data: tasks.filter((task) => task.parentIndex === null).map(row) });
    await prisma.task.createMany({ data: tasks.filter((task) => task.parentIndex !== null).map(row) });
    await prisma.taskLabel.createMany({ data: tasks.flatMap((task) => task.labels.map((label) => ({ taskId: task.id, labelId: label.id }))) });

    const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
    for (const task of tasks) {
      const parent = task.parentIndex === null ? null : tasks[task.parentIndex]!;
      const children = task.parentIndex === null ? tasks.filter((other) => other.parentIndex === tasks.indexOf(task)) : [];
      expected.set(gid('Task', task.id), {
        id: gid('Task', task.id),
        title: task.title,
        list: task.list && { id: gid('TaskList', task.list.id), name: task.list.name },
        labels: [...task.labels].sort((x, y) => (x.nameKey < y.nameKey ? -1 : 1)).map((label) => ({ id: gid('Label', label.id), name: label.name })),
        parent: parent && { id: gid('Task', parent.id), title: parent.title },
        subtaskCount: children.length,
        completedSubtaskCount: children.filter((child) => child.completed).length,
      });
    }
  });

  async function recorded(first: number) {
    const recording = t.database.recordQueries();
    const res = await client.gql(PAGE, { first });
    recording.stop();
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return { nodes: res.data.tasks.edges.map((edge: { node: unknown }) => edge.node) as { id: string }[], queries: recording.queries };
  }

  it('a page of 10 and a page of 100 with list, labels, parent and subtask counts cost the same small number of statements', async () => {
    // A first request: from then on the session is remembered (SESSION_CACHE_SECONDS), in both pages alike.
    await recorded(1);
    const small = await recorded(10);
    const large = await recorded(100);
    expect(small.nodes).toHaveLength(10);
    expect(large.nodes).toHaveLength(100);
    // Newest first, each relation right.
    expect(large.nodes.map((node) => node.id)).toEqual([...expected.keys()].reverse());
    for (const node of large.nodes) expect(node).toEqual(expected.get(node.id));
    expect(small.nodes).toEqual(large.nodes.slice(0, 10));
    // The page, the lists, the labels, the parents and the counts: one statement each, whatever the page size.
    expect(large.queries.length, large.queries.join('\n')).toBe(small.queries.length);
    expect(large.queries.length, large.queries.join('\n')).toBeLessThanOrEqual(8);
    expect(large.queries.filter((sql) => /"task_lists"/.test(sql))).toHaveLength(1);
    expect(large.queries.filter((sql) => /"task_labels"/.test(sql))).toHaveLength(1);
  });
});

describe('the organizing migration on existing rows', () => {
  const ORGANIZING = '20261130000000_organizing';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(() => database?.drop());

  it('puts existing tasks in the Inbox, top level, version 1, positioned in creation order, and creates the indexes', async () => {
    const { sql } = database.db;
    const earlier = (await readMigrations()).filter((m) => m.name < ORGANIZING).map((m) => m.name);
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-before-organizing-'));
    for (const name of earlier) cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    expect(await migrate(sql, dir)).toEqual(earlier);

    const password = 'correct horse battery';
    const first = randomUUID();
    const second = randomUUID();
    await sql.query(
      `INSERT INTO users (id, email, password_hash, updated_at) VALUES ($1, 'first@example.com', $3, now()), ($2, 'second@example.com', $3, now())`,
      [first, second, await hashPassword(password)],
    );
    // 70 tasks (past one base-62 digit of the keys), inserted in an order unlike their creation order.
    await sql.query(
      `INSERT INTO tasks (id, user_id, title, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, 'Task ' || lpad(((n * 37) % 70)::text, 2, '0'),
              '2026-01-01T00:00:00Z'::timestamptz + ((n * 37) % 70) * interval '1 minute', now()
         FROM generate_series(0, 69) AS n`,
      [first],
    );
    await sql.query(
      `INSERT INTO tasks (id, user_id, title, description, completed, completed_at, due_at, priority, created_at, updated_at) VALUES
         (gen_random_uuid(), $1, 'Second b', 'kept', true, '2026-02-03T00:00:00Z', '2026-03-01T09:00:00Z', 3, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z'),
         (gen_random_uuid(), $1, 'Second a', null, false, null, null, 0, '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')`,
      [second],
    );

    const applied = await migrate(sql);
    expect(applied[0]).toBe(ORGANIZING);

    const rows = await sql.query<{ user_id: string; title: string; list_id: string | null; parent_id: string | null; version: number; position: string; deleted_at: Date | null; recurrence: string | null; remind_at: Date | null }>(
      `SELECT user_id::text, title, list_id, parent_id, version, position, deleted_at, recurrence, remind_at FROM tasks ORDER BY user_id, created_at`,
    );
    expect(rows).toHaveLength(72);
    for (const row of rows) {
      expect(row).toMatchObject({ list_id: null, parent_id: null, version: 1, deleted_at: null, recurrence: null, remind_at: null });
    }
    for (const user of [first, second]) {
      const own = rows.filter((row) => row.user_id === user);
      for (let i = 1; i < own.length; i++) expect(own[i - 1]!.position < own[i]!.position, `${own[i - 1]!.position} < ${own[i]!.position}`).toBe(true);
    }
    expect(rows.filter((row) => row.user_id === first).map((row) => row.title)).toEqual(Array.from({ length: 70 }, (_, i) => `Task ${String(i).padStart(2, '0')}`));
    const users = await sql.query<{ time_zone: string }>('SELECT time_zone FROM users ORDER BY email');
    expect(users).toEqual([{ time_zone: 'UTC' }, { time_zone: 'UTC' }]);

    const indexes = (await sql.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename IN ('tasks', 'task_lists', 'labels', 'task_labels')`,
    )).map((row) => row.indexname);
    for (const index of [
      'tasks_list_top_position_idx',
      'tasks_inbox_top_position_idx',
      'tasks_parent_position_idx',
      'tasks_user_list_created_at_idx',
      'tasks_open_by_list_idx',
      'tasks_remind_at_idx',
      'tasks_user_deleted_at_idx',
      'task_lists_user_name_key',
      'task_lists_user_position_idx',
      'labels_user_name_key',
      'task_labels_label_id_idx',
    ]) {
      expect(indexes).toContain(index);
    }

    // Through the API: the migrated tasks are the Inbox in manual order, and a new task goes last.
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'taskapi-test-')), LOG_LEVEL: 'silent' });
    const app = createApp(config, database.db);
    try {
      const call = async (query: string, variables: Record<string, unknown>, token?: string) => {
        const response = await app.yoga.fetch(new URL('/graphql', 'http://test.local'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: any; errors?: unknown };
        expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
        return body.data;
      };
      const login = await call('mutation ($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken } } }', {
        input: { email: 'second@example.com', password },
      });
      expect(login.login.__typename).toBe('AuthPayload');
      const token = login.login.accessToken as string;
      const INBOX = `{ me { timeZone } tasks(first: 100, filter: { inbox: true, topLevel: true }, orderBy: { field: POSITION, direction: ASC }) {
        edges { node { title description completed dueAt priority list { id } parent { id } version position } } } }`;
      const before = await call(INBOX, {}, token);
      expect(before.me.timeZone).toBe('UTC');
      expect(before.tasks.edges.map((e: { node: unknown }) => e.node)).toEqual([
        { title: 'Second a', description: null, completed: false, dueAt: null, priority: 'NONE', list: null, parent: null, version: 1, position: expect.any(String) },
        { title: 'Second b', description: 'kept', completed: true, dueAt: '2026-03-01T09:00:00.000Z', priority: 'HIGH', list: null, parent: null, version: 1, position: expect.any(String) },
      ]);
      const created = await call('mutation { createTask(input: { title: "New" }) { __typename ... on TaskPayload { task { position version } } } }', {}, token);
      expect(created.createTask.task.version).toBe(1);
      const after = await call(INBOX, {}, token);
      expect(after.tasks.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(['Second a', 'Second b', 'New']);
      expect(created.createTask.task.position > before.tasks.edges[1].node.position).toBe(true);
    } finally {
      await app.close();
    }
  });
});
