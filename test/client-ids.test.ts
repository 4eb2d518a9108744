// Ids that clients make: an id is taken once it names any object (of any kind, any user, or one deleted
// for good), and an explicit null for a field that has a default is a ValidationError, not the default.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { globalId, tasksClient, type TasksClient } from './helpers/tasks.ts';

let t: TestApp;
let api: TasksClient;

beforeAll(async () => {
  t = await startTestApp();
  api = tasksClient(t, (await t.signup()).accessToken);
});
afterAll(() => t?.close());

const CREATE = {
  Task: 'mutation ($input: CreateTaskInput!) { r: createTask(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }',
  TaskList: 'mutation ($input: CreateTaskListInput!) { r: createTaskList(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }',
  Label: 'mutation ($input: CreateLabelInput!) { r: createLabel(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }',
} as const;
type Kind = keyof typeof CREATE;
const input = (kind: Kind, id: string) => (kind === 'Task' ? { id, title: 'x' } : { id, name: `n-${randomUUID()}` });

async function create(kind: Kind, id: string, client = api) {
  const res = await client.gql(CREATE[kind], { input: input(kind, globalId(kind, id)) });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.r as { __typename: string; fieldErrors?: { path: string[]; message: string }[] };
}

describe('client-made ids', () => {
  it('refuses a uuid that an object of another kind already has, with the same error as a reused one', async () => {
    const kinds: Kind[] = ['Task', 'TaskList', 'Label'];
    for (const first of kinds) {
      const uuid = randomUUID();
      expect((await create(first, uuid)).__typename).toMatch(/Payload$/);
      const messages = new Set<string>();
      for (const second of kinds) {
        const result = await create(second, uuid);
        expect(result.__typename, `${first} then ${second}`).toBe('ValidationError');
        expect(result.fieldErrors!.map((e) => e.path)).toEqual([['input', 'id']]);
        messages.add(result.fieldErrors![0]!.message.replaceAll(second, 'TYPE'));
      }
      expect(messages.size).toBe(1);
    }
  });

  it('refuses the uuid of an object of another user', async () => {
    const other = tasksClient(t, (await t.signup()).accessToken);
    const uuid = randomUUID();
    expect((await create('Task', uuid, other)).__typename).toBe('TaskPayload');
    expect((await create('Task', uuid)).__typename).toBe('ValidationError');
  });

  it('refuses the uuid of a task deleted for good (sync reports it deleted)', async () => {
    const uuid = randomUUID();
    expect((await create('Task', uuid)).__typename).toBe('TaskPayload');
    const deleted = await api.gql('mutation ($id: ID!) { deleteTask(input: { id: $id, permanently: true }) { __typename } }', { id: globalId('Task', uuid) });
    expect(deleted.data.deleteTask.__typename).toBe('DeleteTaskPayload');
    expect((await create('Task', uuid)).__typename).toBe('ValidationError');
  });

  it('refuses the uuid of a user, the caller or another account', async () => {
    const other = tasksClient(t, (await t.signup()).accessToken);
    for (const client of [api, other]) {
      const me = await client.gql('{ me { id } }');
      const uuid = Buffer.from(me.data.me.id, 'base64url').toString('utf8').replace(/^User:/, '');
      for (const kind of ['Task', 'TaskList', 'Label'] as const) {
        const result = await create(kind, uuid);
        expect(result.__typename, kind).toBe('ValidationError');
        expect(result.fieldErrors!.map((e) => e.path)).toEqual([['input', 'id']]);
      }
    }
  });

  it('takes only the canonical spelling of an id: padding or stray bits make it malformed', async () => {
    const uuid = randomUUID();
    const canonical = globalId('Task', uuid);
    const padded = Buffer.from(`Task:${uuid}`, 'utf8').toString('base64'); // standard base64, "=" padding
    expect(padded).toMatch(/=$/);
    const strayBits = canonical.slice(0, -1) + String.fromCharCode(canonical.charCodeAt(canonical.length - 1) + 1);
    expect(Buffer.from(strayBits, 'base64url').toString('utf8')).toBe(`Task:${uuid}`); // decodes to the same text
    for (const id of [padded, `${canonical}=`, strayBits]) {
      const created = await api.gql(CREATE.Task, { input: { id, title: 'spelled oddly' } });
      expect(created.data.r.__typename, id).toBe('ValidationError');
      expect(created.data.r.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([['input', 'id']]);
    }
    expect((await create('Task', uuid)).__typename).toBe('TaskPayload');
    for (const id of [`${canonical}=`, strayBits]) {
      const read = await api.gql('query ($id: ID!) { task(id: $id) { id } }', { id });
      expect(read.errors?.map((error) => error.extensions?.code), id).toEqual(['BAD_USER_INPUT']);
    }
    expect((await api.gql('query ($id: ID!) { task(id: $id) { id } }', { id: canonical })).data.task).toEqual({ id: canonical });
  });

  it('takes a uuid of any version or variant, and its cursors and sync tokens work', async () => {
    const own = tasksClient(t, (await t.signup()).accessToken);
    // Version digit 0 and variant c: well-formed hex, but not an RFC 9562 uuid (zod's z.uuid() refuses it).
    const uuid = randomUUID().replace(/^(.{14})./, '$10').replace(/^(.{19})./, '$1c');
    expect((await create('Task', uuid, own)).__typename).toBe('TaskPayload');
    await own.create({ title: 'after it' });
    const first = await own.gql('{ tasks(first: 1, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { id } } pageInfo { endCursor } } }');
    expect(first.data.tasks.edges[0].node.id).toBe(globalId('Task', uuid));
    const next = await own.gql('query ($after: String) { tasks(first: 1, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { title } } } }', { after: first.data.tasks.pageInfo.endCursor });
    expect(next.errors, JSON.stringify(next.errors)).toBeUndefined();
    expect(next.data.tasks.edges.map((edge: { node: { title: string } }) => edge.node.title)).toEqual(['after it']);

    const SYNC = 'query ($after: String, $first: Int) { sync(after: $after, first: $first) { syncToken hasMore changes { nodeId syncToken } } }';
    const page = await own.gql(SYNC, { first: 1 });
    expect(page.data.sync.changes.map((change: { nodeId: string }) => change.nodeId)).toEqual([globalId('Task', uuid)]);
    for (const token of [page.data.sync.syncToken, page.data.sync.changes[0].syncToken]) {
      const rest = await own.gql(SYNC, { after: token, first: 10 });
      expect(rest.errors, JSON.stringify(rest.errors)).toBeUndefined();
      expect(rest.data.sync.changes).toHaveLength(1);
    }
  });
});

describe('explicit null for a field with a default', () => {
  it.each(['priority', 'completed'])('createTask(%s: null) is a ValidationError on that field', async (field) => {
    const res = await api.gql(CREATE.Task, { input: { title: 'null default', [field]: null } });
    expect(res.data.r.__typename).toBe('ValidationError');
    expect(res.data.r.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([['input', field]]);
  });
});
