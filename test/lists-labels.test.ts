// Task lists, labels and the profile through the public GraphQL API: names, colours, limits, list order, task label sets, deletion, list/label task connections and filters, node lookups.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type GqlResponse, type TestApp } from './helpers/app.ts';
import { expectBadUserInput, globalId } from './helpers/tasks.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

// ---- Local helpers: the Part 2 mutations with their result unions ----

const LIST_FIELDS = 'id name color position openTaskCount createdAt updatedAt';
const LABEL_FIELDS = 'id name color createdAt updatedAt';
const TASK_FIELDS = 'id title completed version position list { id } parent { id } labels { id name }';

interface FieldError { path: string[]; message: string }
interface ListView { id: string; name: string; color: string | null; position: string; openTaskCount: number; createdAt: string; updatedAt: string }
interface LabelView { id: string; name: string; color: string | null; createdAt: string; updatedAt: string }
interface TaskView {
  id: string;
  title: string;
  completed: boolean;
  version: number;
  position: string;
  list: { id: string } | null;
  parent: { id: string } | null;
  labels: { id: string; name: string }[];
}
interface Result {
  __typename: string;
  message?: string;
  fieldErrors?: FieldError[];
  limit?: number;
  taskList?: ListView;
  label?: LabelView;
  task?: TaskView;
  user?: { id: string; name: string | null; timeZone: string };
  deletedTaskListId?: string;
  deletedLabelId?: string;
  deletedTaskId?: string;
}

const VALIDATION = '... on ValidationError { fieldErrors { path message } }';
const LIMIT = '... on LimitExceededError { limit }';
const LIST_PAYLOAD = `... on TaskListPayload { taskList { ${LIST_FIELDS} } }`;
const LABEL_PAYLOAD = `... on LabelPayload { label { ${LABEL_FIELDS} } }`;
const TASK_PAYLOAD = `... on TaskPayload { task { ${TASK_FIELDS} } }`;

const MUTATIONS = {
  createTaskList: { input: 'CreateTaskListInput', ok: 'TaskListPayload', select: `${LIST_PAYLOAD} ${VALIDATION} ${LIMIT}` },
  updateTaskList: { input: 'UpdateTaskListInput', ok: 'TaskListPayload', select: `${LIST_PAYLOAD} ${VALIDATION}` },
  moveTaskList: { input: 'MoveTaskListInput', ok: 'TaskListPayload', select: `${LIST_PAYLOAD} ${VALIDATION}` },
  deleteTaskList: { input: 'DeleteTaskListInput', ok: 'DeleteTaskListPayload', select: '... on DeleteTaskListPayload { deletedTaskListId }' },
  createLabel: { input: 'CreateLabelInput', ok: 'LabelPayload', select: `${LABEL_PAYLOAD} ${VALIDATION} ${LIMIT}` },
  updateLabel: { input: 'UpdateLabelInput', ok: 'LabelPayload', select: `${LABEL_PAYLOAD} ${VALIDATION}` },
  deleteLabel: { input: 'DeleteLabelInput', ok: 'DeleteLabelPayload', select: '... on DeleteLabelPayload { deletedLabelId }' },
  createTask: { input: 'CreateTaskInput', ok: 'TaskPayload', select: `${TASK_PAYLOAD} ${VALIDATION}` },
  updateTask: { input: 'UpdateTaskInput', ok: 'TaskPayload', select: `${TASK_PAYLOAD} ${VALIDATION}` },
  setTaskCompleted: { input: 'SetTaskCompletedInput', ok: 'TaskPayload', select: TASK_PAYLOAD },
  moveTask: { input: 'MoveTaskInput', ok: 'TaskPayload', select: `${TASK_PAYLOAD} ${VALIDATION}` },
  deleteTask: { input: 'DeleteTaskInput', ok: 'DeleteTaskPayload', select: '... on DeleteTaskPayload { deletedTaskId }' },
  updateProfile: { input: 'UpdateProfileInput', ok: 'UserPayload', select: `... on UserPayload { user { id name timeZone } } ${VALIDATION}` },
} as const;
type MutationName = keyof typeof MUTATIONS;

/** The API as one user (or anonymously). */
function client(token?: string) {
  const gql = <T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> => t.gql<T>(query, variables, { token });

  /** The data of a response; fails the test on any GraphQL error. */
  async function data(query: string, variables?: Record<string, unknown>): Promise<any> {
    const res = await gql(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  }

  /** The union member a mutation answers. */
  async function mutate(name: MutationName, input: Record<string, unknown>): Promise<Result> {
    const { input: type, select } = MUTATIONS[name];
    const result = await data(`mutation ($input: ${type}!) { ${name}(input: $input) { __typename ... on Error { message } ${select} } }`, { input });
    return result[name];
  }

  /** The success member; fails the test on any other. */
  async function ok(name: MutationName, input: Record<string, unknown>): Promise<Result> {
    const result = await mutate(name, input);
    expect(result.__typename, JSON.stringify(result)).toBe(MUTATIONS[name].ok);
    return result;
  }

  return {
    gql,
    data,
    mutate,
    ok,
    createList: async (name: string, extra: Record<string, unknown> = {}) => (await ok('createTaskList', { name, ...extra })).taskList!,
    createLabel: async (name: string, extra: Record<string, unknown> = {}) => (await ok('createLabel', { name, ...extra })).label!,
    createTask: async (input: Record<string, unknown>) => (await ok('createTask', input)).task!,
    updateTask: async (input: Record<string, unknown>) => (await ok('updateTask', input)).task!,
    async task(id: string): Promise<TaskView | null> {
      return (await data(`query ($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`, { id })).task;
    },
    async lists(): Promise<ListView[]> {
      return (await data(`{ me { taskLists { ${LIST_FIELDS} } } }`)).me.taskLists;
    },
    async labels(): Promise<LabelView[]> {
      return (await data(`{ me { labels { ${LABEL_FIELDS} } } }`)).me.labels;
    },
    async totalCount(filter?: Record<string, unknown>): Promise<number> {
      return (await data('query ($filter: TaskFilter) { tasks(filter: $filter) { totalCount } }', { filter })).tasks.totalCount;
    },
  };
}
type Client = ReturnType<typeof client>;

async function newUser(): Promise<Client> {
  return client((await t.signup()).accessToken);
}

/** Creates many lists or labels, 50 aliased mutations per request, the requests at once; returns their ids in order. */
async function createMany(api: Client, mutation: 'createTaskList' | 'createLabel', names: string[]): Promise<string[]> {
  const [payload, field] = mutation === 'createTaskList' ? ['TaskListPayload', 'taskList'] : ['LabelPayload', 'label'];
  const chunks = Array.from({ length: Math.ceil(names.length / 50) }, (_, i) => names.slice(i * 50, i * 50 + 50));
  const results = await Promise.all(chunks.map(async (chunk) => {
    const fields = chunk.map((name, i) => `m${i}: ${mutation}(input: { name: ${JSON.stringify(name)} }) { __typename ... on ${payload} { ${field} { id } } }`);
    const result = await api.data(`mutation { ${fields.join(' ')} }`);
    return chunk.map((_, i) => {
      expect(result[`m${i}`].__typename, JSON.stringify(result[`m${i}`])).toBe(payload);
      return result[`m${i}`][field].id as string;
    });
  }));
  return results.flat();
}

const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${String(i).padStart(3, '0')}`);

/** A ValidationError whose only field error is at `path`; returns its message. */
function expectValidation(result: Result, path: string[]): string {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.fieldErrors!.map((e) => e.path), JSON.stringify(result)).toEqual([path]);
  return result.fieldErrors![0]!.message;
}

/** Sorted the way the contract sorts names: toLowerCase() fold, plain code-unit order, then id. */
const byName = <T extends { name: string; id: string }>(items: T[]) =>
  [...items].sort((a, b) => {
    const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });

const missingId = (type: string) => globalId(type, randomUUID());
const sorted = (values: string[]) => [...values].sort();
const EMOJI = '\u{1F600}'; // one character, two UTF-16 code units

// ---- Names and colours, the same rules for lists (1..100) and labels (1..50) ----

const KINDS = [
  { kind: 'list', type: 'TaskList', max: 100, create: 'createTaskList', update: 'updateTaskList', remove: 'deleteTaskList', payload: 'TaskListPayload', field: 'taskList' },
  { kind: 'label', type: 'Label', max: 50, create: 'createLabel', update: 'updateLabel', remove: 'deleteLabel', payload: 'LabelPayload', field: 'label' },
] as const;

describe.each(KINDS)('$kind names and colours', ({ type, max, create, update, remove, payload, field }) => {
  let api: Client;
  beforeAll(async () => {
    api = await newUser();
  });
  const made = async (name: string, extra: Record<string, unknown> = {}) => {
    const result = await api.ok(create, { name, ...extra });
    return result[field]! as ListView | LabelView;
  };
  const read = async (id: string) =>
    (await api.data(`query ($id: ID!) { node(id: $id) { ... on ${type} { id name color updatedAt } } }`, { id })).node;

  it('trims the name, returns a global id of its type, and reads back by id', async () => {
    const item = await made('  \tGroceries \n');
    expect(item).toMatchObject({ name: 'Groceries', color: null });
    expect(Buffer.from(item.id, 'base64url').toString()).toMatch(new RegExp(`^${type}:[0-9a-f-]{36}$`));
    expect(await read(item.id)).toEqual({ id: item.id, name: 'Groceries', color: null, updatedAt: item.updatedAt });
  });

  it(`accepts 1 to ${max} characters, counted in characters, and rejects ${max + 1}`, async () => {
    expect((await made('x')).name).toBe('x');
    expect((await made('a'.repeat(max))).name).toBe('a'.repeat(max));
    expect((await made(EMOJI.repeat(max))).name).toBe(EMOJI.repeat(max));
    expect((await made(`  ${'b'.repeat(max)}  `)).name).toBe('b'.repeat(max));
    for (const name of ['c'.repeat(max + 1), EMOJI.repeat(max + 1), '', '   ']) {
      expectValidation(await api.mutate(create, { name }), ['input', 'name']);
    }
    const item = await made('Short');
    expectValidation(await api.mutate(update, { id: item.id, name: 'd'.repeat(max + 1) }), ['input', 'name']);
    expectValidation(await api.mutate(update, { id: item.id, name: ' ' }), ['input', 'name']);
    expect((await api.ok(update, { id: item.id, name: '\u{1F601}'.repeat(max) }))[field]!.name).toBe('\u{1F601}'.repeat(max));
  });

  it(`counts the length after trimming, in characters: ${max} emoji with spaces around is fine`, async () => {
    expect((await made(`  ${'\u{1F680}'.repeat(max)}  `)).name).toBe('\u{1F680}'.repeat(max));
  });

  it('rejects a NUL character and a null name', async () => {
    expectValidation(await api.mutate(create, { name: 'Bad\u0000name' }), ['input', 'name']);
    const item = await made('Nul target');
    expectValidation(await api.mutate(update, { id: item.id, name: 'x\u0000' }), ['input', 'name']);
    expectValidation(await api.mutate(update, { id: item.id, name: null }), ['input', 'name']);
    expect((await read(item.id)).name).toBe('Nul target');
  });

  it('keeps names unique per user ignoring case, among the other objects', async () => {
    const work = await made('Work');
    for (const name of ['WORK', '  work  ', 'wOrK']) {
      expect(await api.mutate(create, { name })).toMatchObject({ __typename: 'NameTakenError', message: expect.any(String) });
    }
    const apfel = await made('Äpfel');
    expect((await api.mutate(create, { name: 'äPFEL' })).__typename).toBe('NameTakenError');

    const other = await made('Other');
    expect((await api.mutate(update, { id: other.id, name: 'WORK' })).__typename).toBe('NameTakenError');
    expect((await api.mutate(update, { id: other.id, name: 'äpfel' })).__typename).toBe('NameTakenError');
    expect((await read(other.id)).name).toBe('Other');

    // Its own name in another case, or unchanged, is fine.
    expect((await api.ok(update, { id: work.id, name: 'WORK' }))[field]!.name).toBe('WORK');
    expect((await api.ok(update, { id: apfel.id, name: 'Äpfel' }))[field]!.name).toBe('Äpfel');

    // A renamed or deleted object frees its name; another user has names of their own.
    await api.ok(update, { id: work.id, name: 'Job' });
    expect((await made('work')).name).toBe('work');
    await api.ok(remove, { id: other.id });
    expect((await made('OTHER')).name).toBe('OTHER');
    const stranger = await newUser();
    expect((await stranger.ok(create, { name: 'Job' }))[field]!.name).toBe('Job');
  });

  it('lets exactly one of two concurrent creates with the same name win', async () => {
    for (const [first, second] of [['Race', 'race'], ['Sprint', 'Sprint'], ['Dash', ' DASH ']] as const) {
      const results = await Promise.all([api.mutate(create, { name: first }), api.mutate(create, { name: second })]);
      expect(sorted(results.map((r) => r.__typename))).toEqual(sorted([payload, 'NameTakenError']));
      const all: { name: string }[] = create === 'createTaskList' ? await api.lists() : await api.labels();
      expect(all.filter((item) => item.name.toLowerCase() === first.toLowerCase())).toHaveLength(1);
    }
  });

  it('takes #rrggbb in either case, returns it lower-case, and null clears it', async () => {
    const item = await made('Coloured', { color: '#A1b2C3' });
    expect(item.color).toBe('#a1b2c3');
    expect((await made('Colourless', { color: null })).color).toBeNull();

    expect((await api.ok(update, { id: item.id, color: '#FFFFFF' }))[field]).toMatchObject({ name: 'Coloured', color: '#ffffff' });
    expect((await api.ok(update, { id: item.id, name: 'Renamed' }))[field]).toMatchObject({ name: 'Renamed', color: '#ffffff' });
    expect((await api.ok(update, { id: item.id, color: null }))[field]).toMatchObject({ name: 'Renamed', color: null });
    expect(await read(item.id)).toMatchObject({ name: 'Renamed', color: null });
  });

  it('rejects colours that are not #rrggbb on ["input","color"] and changes nothing', async () => {
    const item = await made('Keeps colour', { color: '#123456' });
    for (const color of ['red', 'a1b2c3', '#a1b2c', '#a1b2c3d', '#g1b2c3', '', '#12345\u0000']) {
      expectValidation(await api.mutate(create, { name: `Bad ${color.length}${color.replace(/\W/g, '')}`, color }), ['input', 'color']);
      expectValidation(await api.mutate(update, { id: item.id, color }), ['input', 'color']);
    }
    expect(await read(item.id)).toMatchObject({ color: '#123456', updatedAt: item.updatedAt });
  });

  it('answers NotFoundError alike for a missing id and for another user\'s id', async () => {
    const stranger = await newUser();
    const theirs = (await stranger.ok(create, { name: 'Theirs' }))[field]!;
    const missing = await api.mutate(update, { id: missingId(type), name: 'x' });
    expect(missing).toMatchObject({ __typename: 'NotFoundError', message: expect.any(String) });
    expect(await api.mutate(update, { id: theirs.id, name: 'x' })).toEqual(missing);
    expect(await api.mutate(remove, { id: theirs.id })).toEqual(await api.mutate(remove, { id: missingId(type) }));
    expect((await api.mutate(remove, { id: theirs.id })).__typename).toBe('NotFoundError');
    expect((await stranger.data(`query ($id: ID!) { node(id: $id) { ... on ${type} { name } } }`, { id: theirs.id })).node).toEqual({ name: 'Theirs' });
  });
});

// ---- Limits ----

describe('limits', () => {
  it('allows 200 lists and answers LimitExceededError (limit 200) for the 201st', async () => {
    const api = await newUser();
    await createMany(api, 'createTaskList', numbered('List', 200));
    expect(await api.mutate('createTaskList', { name: 'One too many' })).toMatchObject({ __typename: 'LimitExceededError', limit: 200, message: expect.any(String) });
    const lists = await api.lists();
    expect(lists).toHaveLength(200);
    // Deleting one makes room for one.
    await api.ok('deleteTaskList', { id: lists[0]!.id });
    await api.createList('One too many');
    expect((await api.mutate('createTaskList', { name: 'Another' })).__typename).toBe('LimitExceededError');
  });

  it('allows 500 labels and answers LimitExceededError (limit 500) for the 501st', async () => {
    const api = await newUser();
    await createMany(api, 'createLabel', numbered('Label', 500));
    expect(await api.mutate('createLabel', { name: 'One too many' })).toMatchObject({ __typename: 'LimitExceededError', limit: 500, message: expect.any(String) });
    expect(await api.labels()).toHaveLength(500);
  });

  it('allows 20 labels on a task and rejects a 21st on the labels field', async () => {
    const api = await newUser();
    const ids = await createMany(api, 'createLabel', numbered('L', 21));
    const twenty = ids.slice(0, 20);
    const task = await api.createTask({ title: 'Twenty', labelIds: twenty });
    expect(task.labels.map((l) => l.id)).toEqual(twenty);

    expectValidation(await api.mutate('createTask', { title: 'Too many', labelIds: ids }), ['input', 'labelIds']);
    expect(await api.totalCount()).toBe(1);
    expectValidation(await api.mutate('updateTask', { id: task.id, labelIds: ids }), ['input', 'labelIds']);
    const added = await api.mutate('updateTask', { id: task.id, addLabelIds: [ids[20]] });
    expect(added.__typename).toBe('ValidationError');
    expect(added.fieldErrors).toHaveLength(1);
    // The field that would bring the labels over 20.
    expect([['input', 'labelIds'], ['input', 'addLabelIds']]).toContainEqual(added.fieldErrors![0]!.path);
    expect(await api.task(task.id)).toEqual(task);

    // Swapping one for another stays at 20.
    const swapped = await api.updateTask({ id: task.id, addLabelIds: [ids[20]], removeLabelIds: [ids[0]] });
    expect(swapped.labels.map((l) => l.id)).toEqual(ids.slice(1));
  });
});

// ---- Manual order of lists ----

describe('User.taskLists order and moveTaskList', () => {
  async function setup(names: string[]) {
    const api = await newUser();
    const ids: Record<string, string> = {};
    for (const name of names) ids[name] = (await api.createList(name)).id;
    return { api, ids };
  }

  /** The lists' names in User.taskLists order; the positions grow in plain code-unit order. */
  async function order(api: Client): Promise<string[]> {
    const lists = await api.lists();
    for (let i = 1; i < lists.length; i++) expect(lists[i - 1]!.position < lists[i]!.position).toBe(true);
    return lists.map((l) => l.name);
  }

  it('puts a new list last', async () => {
    const { api } = await setup(['C', 'A', 'B']);
    expect(await order(api)).toEqual(['C', 'A', 'B']);
    await api.createList('0 first by name');
    expect(await order(api)).toEqual(['C', 'A', 'B', '0 first by name']);
  });

  it('moves a list right after afterId or right before beforeId: first, middle and last places', async () => {
    const { api, ids } = await setup(['A', 'B', 'C', 'D']);
    const steps: [string, 'afterId' | 'beforeId', string, string[]][] = [
      ['D', 'afterId', 'A', ['A', 'D', 'B', 'C']], // middle, after
      ['A', 'afterId', 'C', ['D', 'B', 'C', 'A']], // last, after
      ['A', 'beforeId', 'D', ['A', 'D', 'B', 'C']], // first, before
      ['C', 'beforeId', 'D', ['A', 'C', 'D', 'B']], // middle, before
      ['A', 'afterId', 'B', ['C', 'D', 'B', 'A']], // from first to last
      ['B', 'beforeId', 'C', ['B', 'C', 'D', 'A']], // from the middle to first
    ];
    for (const [moved, side, anchor, expected] of steps) {
      const { taskList } = await api.ok('moveTaskList', { id: ids[moved], [side]: ids[anchor] });
      expect(taskList!.id).toBe(ids[moved]);
      expect(await order(api), `${moved} ${side} ${anchor}`).toEqual(expected);
      expect((await api.lists()).find((l) => l.id === ids[moved])!.position).toBe(taskList!.position);
    }
  });

  it('rejects neither or both anchors, itself, and a missing or foreign anchor, and changes nothing', async () => {
    const { api, ids } = await setup(['A', 'B', 'C']);
    const before = await api.lists();
    const stranger = await newUser();
    const foreign = (await stranger.createList('Theirs')).id;

    for (const input of [{}, { afterId: ids.A, beforeId: ids.C }, { afterId: null, beforeId: null }]) {
      const result = await api.mutate('moveTaskList', { id: ids.B, ...input });
      expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
      expect(result.fieldErrors!.length).toBeGreaterThan(0);
      for (const { path } of result.fieldErrors!) expect([['input', 'afterId'], ['input', 'beforeId']]).toContainEqual(path);
    }
    for (const side of ['afterId', 'beforeId'] as const) {
      expectValidation(await api.mutate('moveTaskList', { id: ids.B, [side]: ids.B }), ['input', side]);
      const missing = expectValidation(await api.mutate('moveTaskList', { id: ids.B, [side]: missingId('TaskList') }), ['input', side]);
      expect(expectValidation(await api.mutate('moveTaskList', { id: ids.B, [side]: foreign }), ['input', side])).toBe(missing);
      expectValidation(await api.mutate('moveTaskList', { id: ids.B, [side]: (await api.createLabel(`Label ${side}`)).id }), ['input', side]);
      expectValidation(await api.mutate('moveTaskList', { id: ids.B, [side]: 'not a global id' }), ['input', side]);
    }
    expect(await api.lists()).toEqual(before);
    expect((await stranger.lists()).map((l) => l.name)).toEqual(['Theirs']);

    // The list itself must exist and be the caller's.
    expect((await api.mutate('moveTaskList', { id: missingId('TaskList'), afterId: ids.A })).__typename).toBe('NotFoundError');
    expect((await api.mutate('moveTaskList', { id: foreign, afterId: ids.A })).__typename).toBe('NotFoundError');
  });

  it('changes nothing when the list already is there', async () => {
    const { api, ids } = await setup(['A', 'B', 'C']);
    const before = await api.lists();
    const b = before[1]!;
    for (const input of [{ afterId: ids.A }, { beforeId: ids.C }]) {
      const { taskList } = await api.ok('moveTaskList', { id: ids.B, ...input });
      expect(taskList).toEqual(b);
    }
    // At either end too.
    expect((await api.ok('moveTaskList', { id: ids.A, beforeId: ids.B })).taskList).toEqual(before[0]);
    expect((await api.ok('moveTaskList', { id: ids.C, afterId: ids.B })).taskList).toEqual(before[2]);
    expect(await api.lists()).toEqual(before);
  });
});

// ---- Labels on tasks ----

describe('labels on tasks', () => {
  it('sorts User.labels and Task.labels by name ignoring case (toLowerCase, code-unit order)', async () => {
    const api = await newUser();
    const names = ['beta', 'Alpha', 'Gamma', 'a-c', '_x', 'Zulu', 'Äpfel', 'delta'];
    const created: LabelView[] = [];
    for (const name of names) created.push(await api.createLabel(name));
    const expected = byName(created).map((l) => l.name);
    expect(expected).toEqual(['_x', 'a-c', 'Alpha', 'beta', 'delta', 'Gamma', 'Zulu', 'Äpfel']);
    expect((await api.labels()).map((l) => l.name)).toEqual(expected);
    const task = await api.createTask({ title: 'Labelled', labelIds: created.map((l) => l.id) });
    expect(task.labels.map((l) => l.name)).toEqual(expected);

    await api.ok('updateLabel', { id: created[5]!.id, name: 'aardvark' }); // Zulu
    const renamed = ['_x', 'a-c', 'aardvark', 'Alpha', 'beta', 'delta', 'Gamma', 'Äpfel'];
    expect((await api.labels()).map((l) => l.name)).toEqual(renamed);
    expect((await api.task(task.id))!.labels.map((l) => l.name)).toEqual(renamed);
  });

  it('labelIds replaces the set; addLabelIds and removeLabelIds change it', async () => {
    const api = await newUser();
    const [a, b, c, d] = await createMany(api, 'createLabel', ['a', 'b', 'c', 'd']);
    const labels = (task: TaskView) => task.labels.map((l) => l.name);
    let task = await api.createTask({ title: 'Sets', labelIds: [b, a] });
    expect([labels(task), task.version]).toEqual([['a', 'b'], 1]);

    task = await api.updateTask({ id: task.id, labelIds: [c] });
    expect([labels(task), task.version]).toEqual([['c'], 2]);
    task = await api.updateTask({ id: task.id, labelIds: [] });
    expect([labels(task), task.version]).toEqual([[], 3]);
    task = await api.updateTask({ id: task.id, addLabelIds: [a, b] });
    expect([labels(task), task.version]).toEqual([['a', 'b'], 4]);
    task = await api.updateTask({ id: task.id, addLabelIds: [b, c] });
    expect([labels(task), task.version]).toEqual([['a', 'b', 'c'], 5]);
    task = await api.updateTask({ id: task.id, removeLabelIds: [a], addLabelIds: [d] });
    expect([labels(task), task.version]).toEqual([['b', 'c', 'd'], 6]);

    // Removing a label the task does not have, or setting the same set, is not a change.
    task = await api.updateTask({ id: task.id, removeLabelIds: [a] });
    expect([labels(task), task.version]).toEqual([['b', 'c', 'd'], 6]);
    task = await api.updateTask({ id: task.id, labelIds: [d, c, b] });
    expect([labels(task), task.version]).toEqual([['b', 'c', 'd'], 6]);
    expect(await api.task(task.id)).toEqual(task);
  });

  it('rejects labelIds together with addLabelIds or removeLabelIds', async () => {
    const api = await newUser();
    const [a, b] = await createMany(api, 'createLabel', ['a', 'b']);
    const task = await api.createTask({ title: 'Exclusive', labelIds: [a] });
    for (const extra of [{ addLabelIds: [b] }, { removeLabelIds: [a] }]) {
      const result = await api.mutate('updateTask', { id: task.id, labelIds: [b], ...extra });
      expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
      expect(result.fieldErrors!.length).toBeGreaterThan(0);
    }
    expect(await api.task(task.id)).toEqual(task);
  });

  it('rejects missing, foreign and malformed label ids at their index, with one message, changing nothing', async () => {
    const api = await newUser();
    const stranger = await newUser();
    const [mine, other] = await createMany(api, 'createLabel', ['mine', 'other']);
    const foreign = (await stranger.createLabel('theirs')).id;
    const task = await api.createTask({ title: 'Guarded', labelIds: [mine] });
    const bad = [missingId('Label'), foreign, 'not a global id', task.id];
    const paths = (field: string) => bad.map((_, i) => ['input', field, String(i + 1)]);

    for (const [name, input, field] of [
      ['createTask', { title: 'Never made', labelIds: [other, ...bad] }, 'labelIds'],
      ['updateTask', { id: task.id, labelIds: [other, ...bad] }, 'labelIds'],
      ['updateTask', { id: task.id, addLabelIds: [other, ...bad] }, 'addLabelIds'],
      ['updateTask', { id: task.id, removeLabelIds: [mine, ...bad] }, 'removeLabelIds'],
    ] as const) {
      const result = await api.mutate(name, input);
      expect(result.__typename, `${name} ${field}`).toBe('ValidationError');
      expect(result.fieldErrors!.map((e) => e.path)).toEqual(paths(field));
      expect(new Set(result.fieldErrors!.map((e) => e.message)).size).toBe(1);
    }
    expect(await api.task(task.id)).toEqual(task);
    expect(await api.totalCount()).toBe(1);
  });
});

// ---- Deleting lists and labels ----

describe('deleteTaskList', () => {
  it('moves the tasks to the Inbox, keeping hierarchy and order, after the Inbox\'s tasks', async () => {
    const api = await newUser();
    await api.createTask({ title: 'Inbox 1' });
    await api.createTask({ title: 'Inbox 2' });
    const doomed = await api.createList('Doomed');
    const kept = await api.createList('Kept');
    const p1 = await api.createTask({ title: 'P1', listId: doomed.id });
    const p2 = await api.createTask({ title: 'P2', listId: doomed.id });
    const p3 = await api.createTask({ title: 'P3', listId: doomed.id });
    const s1 = await api.createTask({ title: 'S1', parentId: p1.id });
    const s2 = await api.createTask({ title: 'S2', parentId: p1.id });
    const s1a = await api.createTask({ title: 'S1a', parentId: s1.id });
    const k1 = await api.createTask({ title: 'K1', listId: kept.id });
    const trashed = await api.createTask({ title: 'Trashed', listId: doomed.id });
    await api.ok('deleteTask', { id: trashed.id });
    // Manual order differs from creation order: P3, P1, P2 and S2, S1.
    await api.ok('moveTask', { id: p3.id, beforeId: p1.id });
    await api.ok('moveTask', { id: s2.id, beforeId: s1.id });
    const moved = [p1, p2, p3, s1, s2, s1a];
    const versions = new Map<string, number>();
    for (const task of moved) versions.set(task.id, (await api.task(task.id))!.version);

    expect(await api.ok('deleteTaskList', { id: doomed.id })).toEqual({ __typename: 'DeleteTaskListPayload', deletedTaskListId: doomed.id });

    const inbox = await api.data(
      '{ tasks(first: 100, filter: { inbox: true, topLevel: true }, orderBy: { field: POSITION, direction: ASC }) { totalCount edges { node { title } } } }',
    );
    expect(inbox.tasks.edges.map((e: any) => e.node.title)).toEqual(['Inbox 1', 'Inbox 2', 'P3', 'P1', 'P2']);
    expect(inbox.tasks.totalCount).toBe(5);

    const tree = await api.data(`query ($id: ID!) { task(id: $id) { subtasks { edges { node { title parent { id } list { id }
      subtasks { edges { node { title parent { id } list { id } } } } } } } } }`, { id: p1.id });
    const subtasks = tree.task.subtasks.edges.map((e: any) => e.node);
    expect(subtasks.map((s: any) => [s.title, s.parent.id, s.list])).toEqual([['S2', p1.id, null], ['S1', p1.id, null]]);
    expect(subtasks[1].subtasks.edges.map((e: any) => [e.node.title, e.node.parent.id, e.node.list])).toEqual([['S1a', s1.id, null]]);

    for (const task of moved) {
      const now = (await api.task(task.id))!;
      expect(now.list, task.title).toBeNull();
      expect(now.version, task.title).toBe(versions.get(task.id)! + 1);
    }
    expect(await api.task(trashed.id)).toBeNull();
    expect((await api.task(k1.id))!.list).toEqual({ id: kept.id });
    expect((await api.lists()).map((l) => l.id)).toEqual([kept.id]);
    expect((await api.data('query ($id: ID!) { taskList(id: $id) { id } }', { id: doomed.id })).taskList).toBeNull();
    expect(await api.totalCount({ listId: doomed.id })).toBe(0);
    expect(await api.totalCount()).toBe(9);
  });

  it('with deleteTasks: true moves the tasks to the trash', async () => {
    const api = await newUser();
    const doomed = await api.createList('Doomed');
    const kept = await api.createList('Kept');
    const parent = await api.createTask({ title: 'Doomed parent', listId: doomed.id });
    const child = await api.createTask({ title: 'Doomed child', parentId: parent.id });
    const done = await api.createTask({ title: 'Doomed done', listId: doomed.id, completed: true });
    const inbox = await api.createTask({ title: 'Inbox task' });
    const keptTask = await api.createTask({ title: 'Kept task', listId: kept.id });
    expect(await api.totalCount()).toBe(5);

    await api.ok('deleteTaskList', { id: doomed.id, deleteTasks: true });

    expect(await api.totalCount()).toBe(2);
    expect(await api.totalCount({ search: 'Doomed' })).toBe(0);
    expect(await api.totalCount({ inbox: true })).toBe(1);
    const gone = [parent.id, child.id, done.id];
    expect((await api.data('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [...gone, inbox.id, keptTask.id] })).nodes)
      .toEqual([null, null, null, { id: inbox.id }, { id: keptTask.id }]);
    for (const id of gone) {
      expect(await api.task(id)).toBeNull();
      expect((await api.data('query ($id: ID!) { node(id: $id) { id } }', { id })).node).toBeNull();
    }
    expect((await api.lists()).map((l) => l.name)).toEqual(['Kept']);
  });

  it('answers NotFoundError for a missing or foreign list and leaves the foreign one alone', async () => {
    const api = await newUser();
    const stranger = await newUser();
    const theirs = await stranger.createList('Theirs');
    await stranger.createTask({ title: 'Their task', listId: theirs.id });
    expect(await api.mutate('deleteTaskList', { id: theirs.id })).toEqual(await api.mutate('deleteTaskList', { id: missingId('TaskList') }));
    expect((await api.mutate('deleteTaskList', { id: theirs.id, deleteTasks: true })).__typename).toBe('NotFoundError');
    expect((await stranger.lists()).map((l) => l.name)).toEqual(['Theirs']);
    expect(await stranger.totalCount({ listId: theirs.id })).toBe(1);
  });
});

describe('deleteLabel', () => {
  it('takes the label off every task and raises each such task\'s version', async () => {
    const api = await newUser();
    const [x, y] = await createMany(api, 'createLabel', ['x', 'y']);
    const t1 = await api.createTask({ title: 'Has x', labelIds: [x] });
    const t2 = await api.createTask({ title: 'Has x and y', labelIds: [x, y] });
    const t3 = await api.createTask({ title: 'Has y', labelIds: [y] });
    const t4 = await api.createTask({ title: 'Has none' });

    expect(await api.ok('deleteLabel', { id: x })).toEqual({ __typename: 'DeleteLabelPayload', deletedLabelId: x });

    expect(await api.task(t1.id)).toMatchObject({ labels: [], version: t1.version + 1 });
    expect(await api.task(t2.id)).toMatchObject({ labels: [{ id: y, name: 'y' }], version: t2.version + 1 });
    expect(await api.task(t3.id)).toEqual(t3);
    expect(await api.task(t4.id)).toEqual(t4);
    expect((await api.labels()).map((l) => l.id)).toEqual([y]);
    expect((await api.data('query ($id: ID!) { label(id: $id) { id } node(id: $id) { id } }', { id: x }))).toEqual({ label: null, node: null });
    expect(await api.totalCount({ labelIds: [x] })).toBe(0);
    expect(await api.totalCount({ labelIds: [y] })).toBe(2);
    // Its name is free again.
    await api.createLabel('X');
  });
});

// ---- Counts, list/label connections and the Part 2 filters ----

describe('openTaskCount, TaskList.tasks, Label.tasks and filters', () => {
  let api: Client;
  let ids: Record<string, string>;
  const CONNECTION = 'totalCount edges { node { title } }';
  const ARGS = 'first: 100, filter: $filter, orderBy: $orderBy';
  const VARS = '$filter: TaskFilter, $orderBy: TaskOrder';
  type Where = { filter?: Record<string, unknown>; orderBy?: { field: string; direction: 'ASC' | 'DESC' } };

  /** The titles a connection returns (first: 100), checking totalCount against them. */
  async function titles(scope: 'tasks' | { list: string | undefined } | { label: string | undefined }, where: Where = {}): Promise<string[]> {
    let connection;
    if (scope === 'tasks') {
      connection = (await api.data(`query (${VARS}) { tasks(${ARGS}) { ${CONNECTION} } }`, where)).tasks;
    } else if ('list' in scope) {
      connection = (await api.data(`query ($id: ID!, ${VARS}) { taskList(id: $id) { tasks(${ARGS}) { ${CONNECTION} } } }`, { id: scope.list, ...where })).taskList.tasks;
    } else {
      connection = (await api.data(`query ($id: ID!, ${VARS}) { label(id: $id) { tasks(${ARGS}) { ${CONNECTION} } } }`, { id: scope.label, ...where })).label.tasks;
    }
    const result = connection.edges.map((e: { node: { title: string } }) => e.node.title);
    expect(connection.totalCount, JSON.stringify(where)).toBe(result.length);
    return result;
  }
  const set = async (scope: Parameters<typeof titles>[0], filter: Record<string, unknown>) => sorted(await titles(scope, { filter }));

  const LIST_A = ['Alpha report', 'Alpha sub one', 'Alpha deep', 'Alpha sub two', 'Archive'];
  const INBOX = ['Inbox item', 'Inbox sub', 'Inbox done'];
  const TOP_LEVEL = ['Alpha report', 'Archive', 'Beta report', 'Inbox item', 'Inbox done'];
  const SUBTASKS = ['Alpha sub one', 'Alpha deep', 'Alpha sub two', 'Inbox sub'];

  beforeAll(async () => {
    api = await newUser();
    const stranger = await newUser();
    ids = {};
    ids.A = (await api.createList('Work')).id;
    ids.B = (await api.createList('Home')).id;
    ids.E = (await api.createList('Empty')).id;
    ids.foreignList = (await stranger.createList('Theirs')).id;
    ids.foreignLabel = (await stranger.createLabel('red')).id;
    await stranger.createTask({ title: 'Alpha report', listId: ids.foreignList, labelIds: [ids.foreignLabel] });
    const [red, blue] = await createMany(api, 'createLabel', ['red', 'blue']);
    Object.assign(ids, { red, blue });
    const add = async (key: string, input: Record<string, unknown>) => {
      ids[key] = (await api.createTask(input)).id;
    };
    await add('a1', { title: 'Alpha report', listId: ids.A, priority: 'HIGH', labelIds: [ids.red] });
    await add('a1s1', { title: 'Alpha sub one', parentId: ids.a1 });
    await add('a1s1x', { title: 'Alpha deep', parentId: ids.a1s1, labelIds: [ids.red] });
    await add('a1s2', { title: 'Alpha sub two', parentId: ids.a1, completed: true });
    await add('a2', { title: 'Archive', listId: ids.A, priority: 'LOW', completed: true, labelIds: [ids.blue] });
    await add('a3', { title: 'Abandoned', listId: ids.A, labelIds: [ids.red] });
    await api.ok('deleteTask', { id: ids.a3 });
    await add('b1', { title: 'Beta report', listId: ids.B, priority: 'MEDIUM', labelIds: [ids.red] });
    await add('i1', { title: 'Inbox item', labelIds: [ids.red] });
    await add('i1s', { title: 'Inbox sub', parentId: ids.i1 });
    await add('i2', { title: 'Inbox done', completed: true, labelIds: [ids.blue] });
  });

  it('openTaskCount counts open tasks at any depth, without the trash', async () => {
    expect((await api.lists()).map((l) => [l.name, l.openTaskCount])).toEqual([['Work', 3], ['Home', 1], ['Empty', 0]]);
    expect((await api.data('query ($id: ID!) { taskList(id: $id) { openTaskCount } }', { id: ids.A })).taskList.openTaskCount).toBe(3);
  });

  it('openTaskCount follows completion, new subtasks and the trash', async () => {
    const own = await newUser();
    const list = await own.createList('Counted');
    const count = async () => (await own.data('query ($id: ID!) { taskList(id: $id) { openTaskCount } }', { id: list.id })).taskList.openTaskCount;
    const top = await own.createTask({ title: 'Top', listId: list.id });
    const sub = await own.createTask({ title: 'Sub', parentId: top.id });
    await own.createTask({ title: 'Done', listId: list.id, completed: true });
    await own.createTask({ title: 'Inbox' });
    expect(await count()).toBe(2);
    const deep = await own.createTask({ title: 'Deep', parentId: sub.id });
    expect(await count()).toBe(3);
    await own.ok('setTaskCompleted', { id: deep.id, completed: true });
    expect(await count()).toBe(2);
    await own.ok('setTaskCompleted', { id: top.id, completed: true }); // completes its open descendants
    expect(await count()).toBe(0);
    await own.ok('setTaskCompleted', { id: deep.id, completed: false }); // reopens its ancestors
    expect(await count()).toBe(3);
    await own.ok('deleteTask', { id: sub.id });
    expect(await count()).toBe(1);
  });

  it('filters by listId; a foreign or missing list matches nothing, a malformed id is BAD_USER_INPUT', async () => {
    expect(await set('tasks', { listId: ids.A })).toEqual(sorted(LIST_A));
    expect(await set('tasks', { listId: ids.B })).toEqual(['Beta report']);
    expect(await set('tasks', { listId: ids.E })).toEqual([]);
    expect(await set('tasks', { listId: ids.foreignList })).toEqual([]);
    expect(await set('tasks', { listId: missingId('TaskList') })).toEqual([]);
    expectBadUserInput(await api.gql('{ tasks(filter: { listId: "not a global id" }) { totalCount } }'));
  });

  it('filters by inbox and by topLevel', async () => {
    expect(await set('tasks', { inbox: true })).toEqual(sorted(INBOX));
    expect(await set('tasks', { inbox: false })).toEqual(sorted([...LIST_A, 'Beta report']));
    expect(await set('tasks', { topLevel: true })).toEqual(sorted(TOP_LEVEL));
    expect(await set('tasks', { topLevel: false })).toEqual(sorted(SUBTASKS));
    expect(await set('tasks', { inbox: true, topLevel: false })).toEqual(['Inbox sub']);
  });

  it('filters by labelIds (at least one of them); foreign ids match nothing, malformed ones are BAD_USER_INPUT', async () => {
    expect(await set('tasks', { labelIds: [ids.red] })).toEqual(sorted(['Alpha report', 'Alpha deep', 'Beta report', 'Inbox item']));
    expect(await set('tasks', { labelIds: [ids.red, ids.blue] })).toEqual(sorted(['Alpha report', 'Alpha deep', 'Beta report', 'Inbox item', 'Archive', 'Inbox done']));
    expect(await set('tasks', { labelIds: [ids.blue, ids.foreignLabel, missingId('Label')] })).toEqual(sorted(['Archive', 'Inbox done']));
    expect(await set('tasks', { labelIds: [ids.foreignLabel] })).toEqual([]);
    expectBadUserInput(await api.gql('query ($ids: [ID!]) { tasks(filter: { labelIds: $ids }) { totalCount } }', { ids: [ids.red, '%%%'] }));
  });

  it('combines the new filters with completed, priority and search, and with every order', async () => {
    expect(await set('tasks', { listId: ids.A, topLevel: true, completed: false })).toEqual(['Alpha report']);
    expect(await set('tasks', { labelIds: [ids.red], inbox: false, priority: ['HIGH', 'MEDIUM'] })).toEqual(['Alpha report', 'Beta report']);
    expect(await set('tasks', { labelIds: [ids.red], search: 'REPORT' })).toEqual(['Alpha report', 'Beta report']);
    expect(await set('tasks', { labelIds: [ids.red, ids.blue], completed: true })).toEqual(['Archive', 'Inbox done']);
    expect(await set('tasks', { search: 'alpha', topLevel: false })).toEqual(sorted(['Alpha sub one', 'Alpha deep', 'Alpha sub two']));
    expect(await set('tasks', { listId: ids.A, inbox: true })).toEqual([]);
    expect(await set('tasks', { listId: ids.B, labelIds: [ids.blue] })).toEqual([]);

    expect(await titles('tasks', { filter: { labelIds: [ids.red] }, orderBy: { field: 'TITLE', direction: 'ASC' } }))
      .toEqual(['Alpha deep', 'Alpha report', 'Beta report', 'Inbox item']);
    expect(await titles('tasks', { filter: { inbox: false, topLevel: true }, orderBy: { field: 'PRIORITY', direction: 'DESC' } }))
      .toEqual(['Alpha report', 'Beta report', 'Archive']);
    expect(await titles('tasks', { filter: { listId: ids.A, topLevel: true }, orderBy: { field: 'POSITION', direction: 'ASC' } }))
      .toEqual(['Alpha report', 'Archive']);
  });

  it('TaskList.tasks is tasks restricted to the list AND the filter', async () => {
    expect(await set({ list: ids.A }, {})).toEqual(sorted(LIST_A));
    expect(await set({ list: ids.A }, { completed: false })).toEqual(sorted(['Alpha report', 'Alpha sub one', 'Alpha deep']));
    expect(await set({ list: ids.A }, { topLevel: true })).toEqual(['Alpha report', 'Archive']);
    expect(await set({ list: ids.A }, { labelIds: [ids.red] })).toEqual(['Alpha deep', 'Alpha report']);
    expect(await set({ list: ids.A }, { listId: ids.A, search: 'sub' })).toEqual(['Alpha sub one', 'Alpha sub two']);
    expect(await set({ list: ids.A }, { listId: ids.B })).toEqual([]);
    expect(await set({ list: ids.A }, { inbox: true })).toEqual([]);
    expect(await set({ list: ids.E }, {})).toEqual([]);
    expect(await titles({ list: ids.A }, { filter: { topLevel: true }, orderBy: { field: 'TITLE', direction: 'DESC' } })).toEqual(['Archive', 'Alpha report']);
    expect(await titles({ list: ids.A }, { filter: { topLevel: true }, orderBy: { field: 'POSITION', direction: 'DESC' } })).toEqual(['Archive', 'Alpha report']);
  });

  it('Label.tasks is tasks restricted to the label AND the filter', async () => {
    expect(await set({ label: ids.red }, {})).toEqual(sorted(['Alpha report', 'Alpha deep', 'Beta report', 'Inbox item']));
    expect(await set({ label: ids.red }, { inbox: true })).toEqual(['Inbox item']);
    expect(await set({ label: ids.red }, { inbox: false, topLevel: true })).toEqual(['Alpha report', 'Beta report']);
    expect(await set({ label: ids.red }, { topLevel: false })).toEqual(['Alpha deep']);
    expect(await set({ label: ids.red }, { listId: ids.A })).toEqual(['Alpha deep', 'Alpha report']);
    expect(await set({ label: ids.red }, { labelIds: [ids.blue] })).toEqual([]);
    expect(await set({ label: ids.red }, { priority: ['HIGH'] })).toEqual(['Alpha report']);
    expect(await set({ label: ids.red }, { search: 'beta' })).toEqual(['Beta report']);
    expect(await set({ label: ids.blue }, { completed: true })).toEqual(['Archive', 'Inbox done']);
    expect(await titles({ label: ids.red }, { orderBy: { field: 'TITLE', direction: 'DESC' } })).toEqual(['Inbox item', 'Beta report', 'Alpha report', 'Alpha deep']);
  });
});

// ---- Profile ----

describe('updateProfile', () => {
  const ME = '{ me { name timeZone } }';

  it('starts in UTC and takes IANA zones case-insensitively, returning the canonical name', async () => {
    const api = await newUser();
    expect((await api.data(ME)).me).toEqual({ name: null, timeZone: 'UTC' });
    for (const [given, canonical] of [['europe/berlin', 'Europe/Berlin'], ['AMERICA/NEW_YORK', 'America/New_York'], ['asia/tokyo', 'Asia/Tokyo'], ['utc', 'UTC'], ['europe/kyiv', 'Europe/Kyiv'], ['Asia/Kolkata', 'Asia/Kolkata']]) {
      expect((await api.ok('updateProfile', { timeZone: given })).user!.timeZone).toBe(canonical);
      expect((await api.data(ME)).me.timeZone).toBe(canonical);
    }
  });

  it('rejects unknown zones and null on ["input","timeZone"], keeping the zone', async () => {
    const api = await newUser();
    await api.ok('updateProfile', { timeZone: 'Europe/Paris' });
    for (const timeZone of ['Mars/Olympus_Mons', '', '+01:00', 'Europe/Paris\u0000', 'Not a zone', null]) {
      expectValidation(await api.mutate('updateProfile', { timeZone }), ['input', 'timeZone']);
    }
    expect((await api.data(ME)).me.timeZone).toBe('Europe/Paris');
  });

  it('sets and clears the name without touching the zone', async () => {
    const api = await newUser();
    await api.ok('updateProfile', { timeZone: 'Australia/Sydney' });
    expect((await api.ok('updateProfile', { name: 'Ada Lovelace' })).user).toMatchObject({ name: 'Ada Lovelace', timeZone: 'Australia/Sydney' });
    expect((await api.data(ME)).me).toEqual({ name: 'Ada Lovelace', timeZone: 'Australia/Sydney' });
    expect((await api.ok('updateProfile', { name: null })).user).toMatchObject({ name: null, timeZone: 'Australia/Sydney' });
    expect((await api.data(ME)).me).toEqual({ name: null, timeZone: 'Australia/Sydney' });
    expectValidation(await api.mutate('updateProfile', { name: 'Bad\u0000' }), ['input', 'name']);
  });

  it('requires sign-in', async () => {
    const res = await client().gql('mutation { updateProfile(input: { name: "x" }) { __typename } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// ---- Lookups by id ----

describe('node, nodes, taskList and label', () => {
  it('find the caller\'s lists and labels, and nothing of anyone else\'s', async () => {
    const api = await newUser();
    const stranger = await newUser();
    const list = await api.createList('Mine', { color: '#00FF00' });
    const label = await api.createLabel('mine');
    const theirList = await stranger.createList('Theirs');
    const theirLabel = await stranger.createLabel('theirs');
    const NODE = '__typename id ... on TaskList { name color } ... on Label { name color }';

    const lookup = await api.data(`query ($l: ID!, $b: ID!) { l: node(id: $l) { ${NODE} } b: node(id: $b) { ${NODE} } taskList(id: $l) { id name } label(id: $b) { id name } }`, { l: list.id, b: label.id });
    expect(lookup).toEqual({
      l: { __typename: 'TaskList', id: list.id, name: 'Mine', color: '#00ff00' },
      b: { __typename: 'Label', id: label.id, name: 'mine', color: null },
      taskList: { id: list.id, name: 'Mine' },
      label: { id: label.id, name: 'mine' },
    });

    const ids = [list.id, label.id, theirList.id, theirLabel.id, missingId('TaskList'), missingId('Label')];
    expect((await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids })).nodes).toEqual([
      { __typename: 'TaskList', id: list.id },
      { __typename: 'Label', id: label.id },
      null,
      null,
      null,
      null,
    ]);

    const q = 'query ($id: ID!) { taskList(id: $id) { id } label(id: $id) { id } node(id: $id) { id } }';
    for (const id of [theirList.id, theirLabel.id, missingId('TaskList'), missingId('Label')]) {
      expect(await api.data(q, { id })).toEqual({ taskList: null, label: null, node: null });
    }
    // An id of the other type is not a list (or label).
    expect((await api.data('query ($a: ID!, $b: ID!) { taskList(id: $a) { id } label(id: $b) { id } }', { a: label.id, b: list.id })))
      .toEqual({ taskList: null, label: null });
    // Anonymous lookups find nothing.
    expect((await client().data('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [list.id, label.id] })).nodes).toEqual([null, null]);
  });
});
