// Listing tasks: keyset pagination in every order and both directions, page info, defaults, argument
// errors, stability while tasks come and go, totalCount, filters, and the number of database queries.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { expectBadUserInput, globalId, rawId, tasksClient, type TasksClient } from './helpers/tasks.ts';

type Field = 'CREATED_AT' | 'UPDATED_AT' | 'DUE_AT' | 'PRIORITY' | 'TITLE';
type Direction = 'ASC' | 'DESC';
interface Order {
  field: Field;
  direction: Direction;
}
const FIELDS: Field[] = ['CREATED_AT', 'UPDATED_AT', 'DUE_AT', 'PRIORITY', 'TITLE'];
const ORDERS: Order[] = FIELDS.flatMap((field) => (['ASC', 'DESC'] as const).map((direction) => ({ field, direction })));
const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;

/** A task row as stored (the shape Prisma returns). */
interface Row {
  id: string;
  userId: string;
  title: string;
  description: string | null;
  completed: boolean;
  completedAt: Date | null;
  dueAt: Date | null;
  priority: number;
  createdAt: Date;
  updatedAt: Date;
}

// ---- Seed data: distinct values with deliberate ties, so the id tie-breaker matters ----

const BASE = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const pad = (n: number) => String(n).padStart(3, '0');

/** count rows (count should be prime, so i * k % count is a permutation). Random ids decouple id order from every column. */
function seedRows(userId: string, count: number): Row[] {
  const scrambled = (i: number, k: number) => (i * k) % count;
  return Array.from({ length: count }, (_, i) => {
    const createdIndex = i % 7 === 3 ? i - 1 : i; // pairs of equal createdAt
    const updatedIndex = i % 6 === 5 ? i - 1 : i; // pairs of equal updatedAt
    const dueIndex = i % 5 === 2 ? i - 1 : i; // pairs of equal dueAt (some of them both undated)
    const titleIndex = i % 8 === 7 ? i - 1 : i; // pairs of equal titles
    const completed = i % 3 === 0;
    return {
      id: randomUUID(),
      userId,
      // Titles such as "task 007" sort the same in every collation.
      title: `task ${pad(scrambled(titleIndex, 29))}`,
      description: i % 10 === 0 ? `note ${i}` : null,
      completed,
      completedAt: completed ? new Date(BASE + i * HOUR) : null,
      dueAt: dueIndex % 4 === 0 ? null : new Date(BASE + scrambled(dueIndex, 13) * HOUR),
      priority: scrambled(i, 5) % 4,
      createdAt: new Date(BASE + createdIndex * MINUTE),
      updatedAt: new Date(BASE + 24 * HOUR + scrambled(updatedIndex, 17) * MINUTE),
    };
  });
}

function sortKey(row: Row, field: Field): number | string | null {
  switch (field) {
    case 'CREATED_AT': return row.createdAt.getTime();
    case 'UPDATED_AT': return row.updatedAt.getTime();
    case 'DUE_AT': return row.dueAt?.getTime() ?? null;
    case 'PRIORITY': return row.priority;
    case 'TITLE': return row.title.toLowerCase();
  }
}

/** The order the API promises: by the field (undated last in both directions), then by id, both in the direction. */
function sortRows(rows: Row[], { field, direction }: Order): Row[] {
  const sign = direction === 'ASC' ? 1 : -1;
  const compare = (a: Row, b: Row) => {
    const x = sortKey(a, field);
    const y = sortKey(b, field);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * sign;
    }
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
  };
  return [...rows].sort(compare);
}

const ids = (rows: Row[]) => rows.map((row) => globalId('Task', row.id));

// ---- GraphQL paging helpers ----

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Edge {
  cursor: string;
  node: { id: string; dueAt: string | null; priority: (typeof PRIORITIES)[number] };
}
interface Connection {
  totalCount?: number;
  edges: Edge[];
  pageInfo: PageInfo;
}

const CONNECTION = 'edges { cursor node { id dueAt priority } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const LIST = `query ($first: Int, $after: String, $last: Int, $before: String, $orderBy: TaskOrder, $filter: TaskFilter) {
  tasks(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) { totalCount ${CONNECTION} }
}`;

interface ListArgs {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
  orderBy?: Order;
  filter?: Record<string, unknown>;
}

async function list(api: TasksClient, args: ListArgs): Promise<Connection> {
  const res = await api.gql(LIST, { ...args });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const connection: Connection = res.data.tasks;
  const { edges, pageInfo } = connection;
  expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
  expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
  return connection;
}

/** Pages forward with first/after to the end; checks page sizes and pageInfo on the way. */
async function pageForward(api: TasksClient, args: Omit<ListArgs, 'first' | 'last' | 'before'>, size = 10) {
  const pages: Connection[] = [];
  let after = args.after;
  for (let guard = 0; guard < 50; guard++) {
    const page = await list(api, { ...args, first: size, after });
    pages.push(page);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor!;
  }
  expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
  return { pages, nodes: pages.flatMap((page) => page.edges.map((edge) => edge.node)) };
}

/** Pages backward with last/before to the start; returns the nodes in list order. */
async function pageBackward(api: TasksClient, args: Omit<ListArgs, 'first' | 'last' | 'after'>, size = 10) {
  const pages: Connection[] = [];
  let before = args.before;
  for (let guard = 0; guard < 50; guard++) {
    const page = await list(api, { ...args, last: size, before });
    pages.unshift(page);
    expect(page.pageInfo.hasNextPage).toBe(before !== undefined);
    if (!page.pageInfo.hasPreviousPage) break;
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor!;
  }
  expect(pages[0]!.pageInfo.hasPreviousPage).toBe(false);
  return { pages, nodes: pages.flatMap((page) => page.edges.map((edge) => edge.node)) };
}

const nodeIds = (nodes: { id: string }[]) => nodes.map((node) => node.id);

// ---- Setup: one user with 47 seeded tasks; others for stability and filters ----

const SEEDED = 47;
let t: TestApp;
let api: TasksClient;
let seeded: Row[];

async function signupWithRows(count: number) {
  const user = await t.signup();
  const rows = seedRows(rawId(user.userId), count);
  await t.database.db.prisma.task.createMany({ data: rows });
  return { api: tasksClient(t, user.accessToken), userId: rawId(user.userId), rows };
}

beforeAll(async () => {
  t = await startTestApp();
  ({ api, rows: seeded } = await signupWithRows(SEEDED));
});
afterAll(() => t?.close());

describe('the seed data', () => {
  it('has ties on every order field and undated tasks', () => {
    for (const field of FIELDS) {
      const values = seeded.map((row) => sortKey(row, field));
      expect(new Set(values).size, field).toBeLessThan(SEEDED);
      expect(new Set(values).size, field).toBeGreaterThanOrEqual(4);
    }
    expect(seeded.filter((row) => row.dueAt === null).length).toBeGreaterThan(10);
  });
});

describe.each(ORDERS)('orderBy $field $direction', (order) => {
  it('pages forward with first: 10 / after through every task, in order, with no repeats or gaps', async () => {
    const expected = ids(sortRows(seeded, order));
    const { pages, nodes } = await pageForward(api, { orderBy: order });
    expect(pages.map((page) => page.edges.length)).toEqual([10, 10, 10, 10, 7]);
    expect(pages[0]!.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(pages.at(-1)!.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(new Set(nodeIds(nodes)).size).toBe(SEEDED);
    expect(nodeIds(nodes)).toEqual(expected);
    for (const page of pages) expect(page.totalCount).toBe(SEEDED);
  });

  it('pages backward with last: 10 / before from the end to the same sequence', async () => {
    const expected = ids(sortRows(seeded, order));
    const { pages, nodes } = await pageBackward(api, { orderBy: order });
    expect(pages.map((page) => page.edges.length)).toEqual([7, 10, 10, 10, 10]);
    expect(pages.at(-1)!.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(pages[0]!.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(nodeIds(nodes)).toEqual(expected);
  });

  it('steps back one page from the middle with before: startCursor', async () => {
    const expected = ids(sortRows(seeded, order));
    const second = await list(api, { orderBy: order, first: 10, after: (await list(api, { orderBy: order, first: 10 })).pageInfo.endCursor! });
    const third = await list(api, { orderBy: order, first: 10, after: second.pageInfo.endCursor! });
    const back = await list(api, { orderBy: order, last: 10, before: third.pageInfo.startCursor! });
    expect(nodeIds(back.edges.map((edge) => edge.node))).toEqual(expected.slice(10, 20));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    expect(back.edges.map((edge) => edge.cursor)).toEqual(second.edges.map((edge) => edge.cursor));
  });
});

describe('order semantics', () => {
  it.each(['ASC', 'DESC'] as const)('DUE_AT %s puts tasks without a due date last', async (direction) => {
    const { nodes } = await pageForward(api, { orderBy: { field: 'DUE_AT', direction } }, 20);
    const undated = seeded.filter((row) => row.dueAt === null).length;
    expect(nodes.slice(-undated).every((node) => node.dueAt === null)).toBe(true);
    const dated = nodes.slice(0, -undated).map((node) => Date.parse(node.dueAt!));
    expect(dated).toHaveLength(SEEDED - undated);
    const sorted = [...dated].sort((a, b) => (direction === 'ASC' ? a - b : b - a));
    expect(dated).toEqual(sorted);
  });

  it('PRIORITY orders NONE < LOW < MEDIUM < HIGH', async () => {
    const { nodes } = await pageForward(api, { orderBy: { field: 'PRIORITY', direction: 'ASC' } }, 20);
    const ranks = nodes.map((node) => PRIORITIES.indexOf(node.priority));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(nodes.map((node) => node.priority))).toEqual(new Set(PRIORITIES));
    const desc = await list(api, { orderBy: { field: 'PRIORITY', direction: 'DESC' }, first: 1 });
    expect(desc.edges[0]!.node.priority).toBe('HIGH');
  });

  it('TITLE ignores case, in both directions and across pages', async () => {
    const own = tasksClient(t, (await t.signup()).accessToken);
    for (const title of ['cherry', 'Banana', 'apple pie', 'Apple', 'banana split', 'CHERRY', 'zebra', 'Aardvark']) await own.create({ title });
    const all = async (direction: 'ASC' | 'DESC') =>
      (await own.gql('query ($orderBy: TaskOrder) { tasks(first: 100, orderBy: $orderBy) { edges { node { id title } } } }', { orderBy: { field: 'TITLE', direction } }))
        .data.tasks.edges.map((edge: { node: { id: string; title: string } }) => edge.node);
    const ascending: { id: string; title: string }[] = await all('ASC');
    expect(ascending.map((node) => node.title.toLowerCase())).toEqual(['aardvark', 'apple', 'apple pie', 'banana', 'banana split', 'cherry', 'cherry', 'zebra']);
    expect(ascending.slice(5, 7).map((node) => node.title).sort()).toEqual(['CHERRY', 'cherry']); // equal keys: by id
    expect(await all('DESC')).toEqual([...ascending].reverse());
    // Pages of 3 follow the same order through their cursors.
    for (const direction of ['ASC', 'DESC'] as const) {
      const paged = (await pageForward(own, { orderBy: { field: 'TITLE', direction } }, 3)).nodes.map((node) => node.id);
      expect(paged).toEqual((direction === 'ASC' ? ascending : [...ascending].reverse()).map((node) => node.id));
    }
  });
});

describe('defaults and page boundaries', () => {
  it('defaults to first: 20 and CREATED_AT DESC', async () => {
    const expected = ids(sortRows(seeded, { field: 'CREATED_AT', direction: 'DESC' }));
    const page1 = await list(api, {});
    expect(nodeIds(page1.edges.map((edge) => edge.node))).toEqual(expected.slice(0, 20));
    expect(page1.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const page2 = await list(api, { after: page1.pageInfo.endCursor! });
    expect(nodeIds(page2.edges.map((edge) => edge.node))).toEqual(expected.slice(20, 40));
    // The default order is CREATED_AT DESC, so its cursors work when that order is spelled out.
    const explicit = await list(api, { after: page1.pageInfo.endCursor!, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    expect(explicit.edges).toEqual(page2.edges);
  });

  it('first: 100 and last: 100 return everything on one page', async () => {
    for (const args of [{ first: 100 }, { last: 100 }]) {
      const page = await list(api, { ...args, orderBy: { field: 'TITLE', direction: 'ASC' } });
      expect(nodeIds(page.edges.map((edge) => edge.node))).toEqual(ids(sortRows(seeded, { field: 'TITLE', direction: 'ASC' })));
      expect(page.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    }
  });

  it('first: 1 past the last task is an empty page with null cursors', async () => {
    const order: Order = { field: 'UPDATED_AT', direction: 'ASC' };
    const last = await list(api, { orderBy: order, last: 1 });
    const beyond = await list(api, { orderBy: order, first: 1, after: last.pageInfo.endCursor! });
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false, startCursor: null, endCursor: null });
  });

  it('User.tasks pages the same way as Query.tasks', async () => {
    const order: Order = { field: 'TITLE', direction: 'DESC' };
    const query = `query ($after: String, $orderBy: TaskOrder) { me { tasks(first: 25, after: $after, orderBy: $orderBy) { totalCount ${CONNECTION} } } }`;
    const first = (await api.gql(query, { orderBy: order })).data.me.tasks as Connection;
    const second = (await api.gql(query, { orderBy: order, after: first.pageInfo.endCursor })).data.me.tasks as Connection;
    expect(first.totalCount).toBe(SEEDED);
    expect(second.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(nodeIds([...first.edges, ...second.edges].map((edge) => edge.node))).toEqual(ids(sortRows(seeded, order)));
  });
});

describe('many statement shapes', () => {
  // Each order and page size is its own SQL text; past the first 500 texts the API stops preparing named
  // statements (src/services/task-sql.ts) and runs them unnamed. Pages must read the same either way.
  it('answers every order at every page size, past the named-statement cap', async () => {
    let shapes = 0;
    for (const size of Array.from({ length: 60 }, (_, i) => i + 1)) {
      for (const order of ORDERS) {
        const page = await list(api, { first: size, orderBy: order });
        expect(nodeIds(page.edges.map((edge) => edge.node)), `${order.field} ${order.direction} first ${size}`).toEqual(
          ids(sortRows(seeded, order)).slice(0, size),
        );
        shapes++;
      }
    }
    expect(shapes).toBeGreaterThan(500);
  });
});

describe('argument errors are BAD_USER_INPUT', () => {
  const titleAsc: Order = { field: 'TITLE', direction: 'ASC' };
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['first: 0', { first: 0 }, /first.*1.*100/],
    ['first: -1', { first: -1 }, /first.*1.*100/],
    ['first: 101', { first: 101 }, /first.*1.*100/],
    ['last: 0', { last: 0 }, /last.*1.*100/],
    ['last: 101', { last: 101 }, /last.*1.*100/],
    ['first and last together', { first: 10, last: 10 }, /first.*last/],
    ['after: "garbage"', { after: 'garbage' }, /cursor/],
    ['before: "garbage"', { before: 'garbage' }, /cursor/],
    ['an empty cursor', { after: '' }, /cursor/],
    ['a cursor of the wrong shape', { after: cursorOf(['CREATED_AT:DESC', 1]) }, /cursor/],
    ['a cursor with a bad date', { after: cursorOf(['CREATED_AT:DESC', 'yesterday', randomUUID()]) }, /cursor/],
    ['a cursor with a bad id', { after: cursorOf(['CREATED_AT:DESC', '2026-01-01T00:00:00.000Z', 'nope']) }, /cursor/],
    // Values no column can hold: PostgreSQL would refuse them, which must not surface as an internal error.
    ['a cursor with a NUL in its title', { after: cursorOf(['TITLE:ASC', 'a\u0000', randomUUID()]), orderBy: titleAsc }, /not a valid cursor/],
    ['a cursor with a priority past 32 bits', { after: cursorOf(['PRIORITY:DESC', 1e12, randomUUID()]), orderBy: { field: 'PRIORITY', direction: 'DESC' } }, /not a valid cursor/],
    ['a cursor in year 0', { after: cursorOf(['CREATED_AT:DESC', '0000-01-01T00:00:00.000Z', randomUUID()]) }, /not a valid cursor/],
  ])('%s', async (_label, args, message) => {
    const res = await api.gql(LIST, args);
    expect(expectBadUserInput(res)).toMatch(message);
    expect(res.data?.tasks ?? null).toBeNull();
  });

  it('a cursor made under another orderBy', async () => {
    const createdCursor = (await list(api, { first: 1, orderBy: { field: 'CREATED_AT', direction: 'DESC' } })).pageInfo.endCursor!;
    expect(expectBadUserInput(await api.gql(LIST, { after: createdCursor, orderBy: titleAsc }))).toMatch(/orderBy/);
    expect(expectBadUserInput(await api.gql(LIST, { before: createdCursor, last: 5, orderBy: titleAsc }))).toMatch(/orderBy/);
    // The direction is part of the order too.
    const ascCursor = (await list(api, { first: 1, orderBy: { field: 'CREATED_AT', direction: 'ASC' } })).pageInfo.endCursor!;
    expectBadUserInput(await api.gql(LIST, { after: ascCursor }));
  });

  it('on User.tasks as well', async () => {
    const res = await api.gql('{ me { tasks(first: 101) { totalCount } } }');
    expectBadUserInput(res);
  });
});

describe('stability while tasks are created and deleted between pages', () => {
  const currentRows = (userId: string) => t.database.db.prisma.task.findMany({ where: { userId, deletedAt: null } }) as Promise<Row[]>;
  let user: Awaited<ReturnType<typeof signupWithRows>>;
  beforeAll(async () => {
    user = await signupWithRows(41);
  });

  it.each(ORDERS)('forward, orderBy $field $direction: page 2 continues after page 1', async (order) => {
    const before = sortRows(await currentRows(user.userId), order);
    const page1 = await list(user.api, { orderBy: order, first: 10 });
    expect(nodeIds(page1.edges.map((edge) => edge.node))).toEqual(ids(before.slice(0, 10)));
    const cursorRow = before[9]!;
    const page2Row = before[12]!;

    // A new task that sorts into page 2 (it copies a page-2 task's sort values), and two deletions:
    // the row under the cursor and a row of page 2.
    await user.api.create({
      title: `${page2Row.title} new`,
      dueAt: page2Row.dueAt?.toISOString() ?? null,
      priority: PRIORITIES[page2Row.priority],
    });
    for (const row of [cursorRow, before[11]!]) {
      expect((await user.api.mutate('deleteTask', { id: globalId('Task', row.id) })).__typename).toBe('DeleteTaskPayload');
    }

    const now = sortRows([...(await currentRows(user.userId)), cursorRow], order);
    const expectedRest = now.slice(now.indexOf(cursorRow) + 1);
    const { nodes } = await pageForward(user.api, { orderBy: order, after: page1.pageInfo.endCursor! });
    expect(nodeIds(nodes)).toEqual(ids(expectedRest));
    expect(nodeIds(nodes)).not.toContain(globalId('Task', before[11]!.id));
    expect(nodeIds(nodes).filter((id) => nodeIds(page1.edges.map((edge) => edge.node)).includes(id))).toEqual([]);
  });

  it.each(ORDERS)('backward, orderBy $field $direction: the previous page continues before the last one', async (order) => {
    const before = sortRows(await currentRows(user.userId), order);
    const lastPage = await list(user.api, { orderBy: order, last: 10 });
    expect(nodeIds(lastPage.edges.map((edge) => edge.node))).toEqual(ids(before.slice(-10)));
    const cursorRow = before.at(-10)!;
    const neighbour = before.at(-12)!;

    await user.api.create({ title: `${neighbour.title} new`, dueAt: neighbour.dueAt?.toISOString() ?? null });
    for (const row of [cursorRow, neighbour]) {
      expect((await user.api.mutate('deleteTask', { id: globalId('Task', row.id) })).__typename).toBe('DeleteTaskPayload');
    }

    const now = sortRows([...(await currentRows(user.userId)), cursorRow], order);
    const expectedRest = now.slice(0, now.indexOf(cursorRow));
    const { nodes } = await pageBackward(user.api, { orderBy: order, before: lastPage.pageInfo.startCursor! });
    expect(nodeIds(nodes)).toEqual(ids(expectedRest));
    expect(nodeIds(nodes)).not.toContain(globalId('Task', neighbour.id));
  });
});

describe('totalCount and filters', () => {
  let filterApi: TasksClient;
  const byTitle: Record<string, string> = {};

  beforeAll(async () => {
    filterApi = tasksClient(t, (await t.signup()).accessToken);
    const tasks = [
      { title: 'Buy MILK', priority: 'HIGH', completed: true, dueAt: '2026-03-10T12:00:00.000Z' },
      { title: 'Call Bob', description: 'about the Milkshake', priority: 'LOW', dueAt: '2026-03-11T00:00:00.000Z' },
      { title: 'Budget 100%', description: 'see q1_report', priority: 'MEDIUM' },
      { title: 'Count to 1000', description: 'see q1Xreport', priority: 'MEDIUM', dueAt: '2026-03-20T00:00:00.000Z' },
      { title: 'Email Alice', description: 'back\\slash', completed: true, dueAt: '2026-03-09T00:00:00.000Z' },
      { title: 'Fix the bug', description: 'then a MILK run', priority: 'HIGH', dueAt: '2026-03-12T00:00:00.000Z' },
    ];
    for (const input of tasks) byTitle[input.title] = (await filterApi.create(input)).id;
  });

  /** Titles matching the filter (paged 2 at a time, so totalCount is checked on every page). */
  async function titlesFor(filter: Record<string, unknown>): Promise<string[]> {
    const { pages, nodes } = await pageForward(filterApi, { filter, orderBy: { field: 'TITLE', direction: 'ASC' } }, 2);
    for (const page of pages) expect(page.totalCount).toBe(nodes.length);
    const titles = Object.fromEntries(Object.entries(byTitle).map(([title, id]) => [id, title]));
    return nodes.map((node) => titles[node.id]!);
  }

  it('totalCount counts all tasks, not the page', async () => {
    expect((await list(filterApi, { first: 1 })).totalCount).toBe(6);
    expect((await list(api, { first: 1, orderBy: { field: 'DUE_AT', direction: 'DESC' } })).totalCount).toBe(SEEDED);
  });

  it('completed: true / false', async () => {
    expect(await titlesFor({ completed: true })).toEqual(['Buy MILK', 'Email Alice']);
    expect(await titlesFor({ completed: false })).toEqual(['Budget 100%', 'Call Bob', 'Count to 1000', 'Fix the bug']);
  });

  it('priority: [HIGH, LOW]', async () => {
    expect(await titlesFor({ priority: ['HIGH', 'LOW'] })).toEqual(['Buy MILK', 'Call Bob', 'Fix the bug']);
    expect(await titlesFor({ priority: ['NONE'] })).toEqual(['Email Alice']);
  });

  it('dueBefore and dueAfter are exclusive and leave out undated tasks', async () => {
    const bound = '2026-03-11T00:00:00.000Z'; // "Call Bob" is due exactly then
    expect(await titlesFor({ dueBefore: bound })).toEqual(['Buy MILK', 'Email Alice']);
    expect(await titlesFor({ dueAfter: bound })).toEqual(['Count to 1000', 'Fix the bug']);
    expect(await titlesFor({ dueAfter: '2026-03-09T00:00:00.000Z', dueBefore: '2026-03-12T00:00:00.000Z' })).toEqual(['Buy MILK', 'Call Bob']);
    expect(await titlesFor({ dueAfter: bound, dueBefore: bound })).toEqual([]);
  });

  it('search is a case-insensitive substring of the title or the description', async () => {
    expect(await titlesFor({ search: 'milk' })).toEqual(['Buy MILK', 'Call Bob', 'Fix the bug']);
    expect(await titlesFor({ search: 'ALICE' })).toEqual(['Email Alice']);
    expect(await titlesFor({ search: 'nothing like this' })).toEqual([]);
  });

  it('search treats %, _ and \\ literally', async () => {
    expect(await titlesFor({ search: '100%' })).toEqual(['Budget 100%']);
    expect(await titlesFor({ search: 'q1_r' })).toEqual(['Budget 100%']);
    expect(await titlesFor({ search: '%' })).toEqual(['Budget 100%']);
    expect(await titlesFor({ search: '_' })).toEqual(['Budget 100%']);
    expect(await titlesFor({ search: 'k\\s' })).toEqual(['Email Alice']);
  });

  it('filters combine with AND', async () => {
    expect(await titlesFor({ completed: false, priority: ['HIGH', 'LOW'], search: 'milk' })).toEqual(['Call Bob', 'Fix the bug']);
    expect(await titlesFor({ completed: false, priority: ['HIGH', 'LOW'], search: 'milk', dueBefore: '2026-03-12T00:00:00.000Z' })).toEqual(['Call Bob']);
    expect(await titlesFor({ completed: true, priority: ['LOW'] })).toEqual([]);
  });

  it('a filtered list pages in order with the filtered totalCount', async () => {
    const order: Order = { field: 'PRIORITY', direction: 'DESC' };
    const open = seeded.filter((row) => !row.completed);
    const { pages, nodes } = await pageForward(api, { orderBy: order, filter: { completed: false } }, 10);
    expect(nodeIds(nodes)).toEqual(ids(sortRows(open, order)));
    for (const page of pages) expect(page.totalCount).toBe(open.length);
  });

  it('an over-long or NUL search is BAD_USER_INPUT', async () => {
    expectBadUserInput(await filterApi.gql(LIST, { filter: { search: 'x'.repeat(201) } }));
    expectBadUserInput(await filterApi.gql(LIST, { filter: { search: 'a\u0000' } }));
  });
});

describe('database round trips (no N+1)', () => {
  const isTaskQuery = (sql: string) => /"tasks"/.test(sql);

  async function recorded(client: TasksClient, query: string, variables?: Record<string, unknown>) {
    const recording = t.database.recordQueries();
    const res = await client.gql(query, variables);
    recording.stop();
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return { res, all: recording.queries, tasks: recording.queries.filter(isTaskQuery) };
  }

  it('a page of tasks is one task query; totalCount adds one count query', async () => {
    const page = await recorded(api, '{ tasks(first: 20) { edges { node { id title description dueAt priority completed } } pageInfo { hasNextPage endCursor } } }');
    expect(page.res.data.tasks.edges).toHaveLength(20);
    expect(page.tasks).toHaveLength(1);

    const counted = await recorded(api, '{ tasks(first: 20) { totalCount edges { node { id title } } } }');
    expect(counted.res.data.tasks.totalCount).toBe(SEEDED);
    expect(counted.tasks).toHaveLength(2);
    expect(counted.tasks.filter((sql) => /count/i.test(sql))).toHaveLength(1);
  });

  it('me { tasks } costs the same number of queries for 1 task and for 47', async () => {
    const one = tasksClient(t, (await t.signup()).accessToken);
    await one.create({ title: 'only one' });
    const query = '{ me { tasks(first: 50) { edges { node { id title } } } } }';
    const small = await recorded(one, query);
    const large = await recorded(api, query);
    expect(small.res.data.me.tasks.edges).toHaveLength(1);
    expect(large.res.data.me.tasks.edges).toHaveLength(SEEDED);
    expect(large.tasks).toHaveLength(1);
    expect(large.all).toHaveLength(small.all.length);
  });

  // DUE_AT runs one bounded index range per side of the border between dated and undated tasks, so a
  // page's cost does not grow with how many dated tasks come before its cursor.
  it.each(['ASC', 'DESC'] as const)('a DUE_AT %s page is one query among dated tasks, two across into undated ones', async (direction) => {
    const order: Order = { field: 'DUE_AT', direction };
    const expected = ids(sortRows(seeded, order));
    const dated = seeded.filter((row) => row.dueAt !== null).length;
    const query = `query ($first: Int!, $after: String) {
      tasks(first: $first, after: $after, orderBy: { field: DUE_AT, direction: ${direction} }) { edges { node { id } } pageInfo { endCursor } }
    }`;
    const pageIds = (res: { data?: any }) => nodeIds(res.data.tasks.edges.map((edge: { node: { id: string } }) => edge.node));
    const cursorAt = async (index: number) => (await recorded(api, query, { first: index + 1 })).res.data.tasks.pageInfo.endCursor;

    const inside = await recorded(api, query, { first: 5, after: await cursorAt(10) });
    expect(pageIds(inside.res)).toEqual(expected.slice(11, 16));
    expect(inside.tasks).toHaveLength(1);

    const across = await recorded(api, query, { first: 5, after: await cursorAt(dated - 3) });
    expect(pageIds(across.res)).toEqual(expected.slice(dated - 2, dated + 3));
    expect(across.tasks).toHaveLength(2);
  });

  it('nodes(ids) with 10 task ids loads them in one query', async () => {
    const tenIds = ids(seeded.slice(0, 10));
    const { res, tasks } = await recorded(api, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Task { title } } }', { ids: tenIds });
    expect(res.data.nodes.map((node: { id: string }) => node.id)).toEqual(tenIds);
    expect(res.data.nodes.map((node: { title: string }) => node.title)).toEqual(seeded.slice(0, 10).map((row) => row.title));
    expect(tasks).toHaveLength(1);
  });
});
