// A task page reads only the columns its selection needs (src/schema/task/columns.ts): whatever way the
// selection is written (fragments, inline fragments, aliases, edge cursors, every task connection), each
// field comes back exactly as with a plain selection of every field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let token: string;
let listId: string;
let labelId: string;
let parentId: string;

const ALL = `id title description completed completedAt dueAt priority createdAt updatedAt position recurrence remindAt version
  subtaskCount completedSubtaskCount list { id name } labels { id name } parent { id title }`;

async function ok(query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

beforeAll(async () => {
  t = await startTestApp();
  ({ accessToken: token } = await t.signup());
  const data = await ok(`mutation {
    l: createTaskList(input: { name: "Home" }) { ... on TaskListPayload { taskList { id } } }
    b: createLabel(input: { name: "Errand" }) { ... on LabelPayload { label { id } } } }`);
  listId = data.l.taskList.id;
  labelId = data.b.label.id;
  const create = async (input: Record<string, unknown>) =>
    (await ok('mutation ($input: CreateTaskInput!) { createTask(input: $input) { ... on TaskPayload { task { id } } } }', { input })).createTask.task.id as string;
  parentId = await create({
    title: 'Parent', description: 'With everything', dueAt: '2030-01-02T09:00:00.000Z', priority: 'HIGH', listId, labelIds: [labelId],
    recurrence: 'FREQ=WEEKLY', remindAt: '2030-01-02T08:00:00.000Z',
  });
  await create({ title: 'Child', parentId });
  const done = await create({ title: 'Done child', parentId, description: 'x' });
  await ok('mutation ($id: ID!) { setTaskCompleted(input: { id: $id, completed: true }) { __typename } }', { id: done });
});
afterAll(() => t?.close());

/** Every task as Query.task returns it, by id. */
async function fullRows(): Promise<Map<string, unknown>> {
  const ids = (await ok('{ tasks(first: 10) { edges { node { id } } } }')).tasks.edges.map((e: any) => e.node.id as string);
  const rows = await Promise.all(ids.map(async (id: string) => (await ok(`query ($id: ID!) { task(id: $id) { ${ALL} } }`, { id })).task));
  return new Map(rows.map((row: any) => [row.id, row]));
}

describe('task pages read only the columns they need', () => {
  it('fragments, inline fragments and aliases return the same fields as a plain selection', async () => {
    const plain = await ok(`{ tasks(first: 10) { edges { cursor node { ${ALL} } } pageInfo { endCursor } } }`);
    const written = await ok(`
      fragment Core on Task { id title ... on Task { description completed } }
      fragment Rest on Task { completedAt dueAt priority createdAt updatedAt position recurrence remindAt version }
      { tasks(first: 10) { edges { cursor node { ...Core ... on Node { id } ...Rest
          subtaskCount completedSubtaskCount list { id name } labels { id name } parent { id title } } } pageInfo { endCursor } } }`);
    expect(written).toEqual(plain);
    const aliased = await ok(`{ tasks(first: 10) { edges { node { ident: id heading: title due: dueAt } } } }`);
    expect(aliased.tasks.edges.map((e: any) => e.node)).toEqual(
      plain.tasks.edges.map((e: any) => ({ ident: e.node.id, heading: e.node.title, due: e.node.dueAt })),
    );
    // Each node as Query.task returns it (a whole row, not a page).
    const byId = await fullRows();
    for (const edge of plain.tasks.edges) expect(edge.node).toEqual(byId.get(edge.node.id));
    expect(plain.tasks.edges.find((e: any) => e.node.title === 'Parent').node).toMatchObject({
      description: 'With everything', priority: 'HIGH', recurrence: 'FREQ=WEEKLY', subtaskCount: 2, completedSubtaskCount: 1,
      list: { name: 'Home' }, labels: [{ name: 'Errand' }],
    });
  });

  it('every task connection (me.tasks, TaskList.tasks, Label.tasks, subtasks, trashedTasks) gives the full fields', async () => {
    const data = await ok(`query ($list: ID!, $label: ID!, $parent: ID!) {
      me { tasks(first: 10) { edges { node { ${ALL} } } } }
      list: node(id: $list) { ... on TaskList { tasks(first: 10) { edges { node { ${ALL} } } } } }
      label: node(id: $label) { ... on Label { tasks(first: 10) { edges { node { ${ALL} } } } } }
      parent: task(id: $parent) { subtasks(first: 10) { edges { cursor node { ${ALL} } } } }
    }`, { list: listId, label: labelId, parent: parentId });
    const byId = await fullRows();
    for (const page of [data.me.tasks, data.list.tasks, data.label.tasks, data.parent.subtasks]) {
      expect(page.edges.length).toBeGreaterThan(0);
      for (const edge of page.edges) expect(edge.node).toEqual(byId.get(edge.node.id));
    }
  });

  it('a page that asks for few fields does not read the others', async () => {
    const recording = t.database.recordQueries();
    await ok('{ tasks(first: 5) { edges { node { id title } } pageInfo { endCursor } } }');
    recording.stop();
    const page = recording.queries.find((sql) => sql.includes('FROM "tasks" t'))!;
    expect(page).toBeDefined();
    expect(page).toContain('t."title"');
    expect(page).toContain('t."created_at"'); // the order's column, for the cursor
    expect(page).not.toContain('description');
    expect(page).not.toContain('due_at');
  });
});
