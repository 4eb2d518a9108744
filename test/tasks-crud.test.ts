// Task CRUD through the public GraphQL API: defaults, partial updates, deletion, validation, DateTime and
// enum input errors, and completion semantics (including concurrent toggles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { expectBadUserInput, expectNotFound, missingTaskId, sleep, tasksClient, type TasksClient } from './helpers/tasks.ts';

let t: TestApp;
let api: TasksClient;

beforeAll(async () => {
  t = await startTestApp();
  api = tasksClient(t, (await t.signup()).accessToken);
});
afterAll(() => t?.close());

const ms = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));

/** Asserts an ISO timestamp lies within [from - slack, to + slack] (clocks of app and database may differ slightly). */
function expectBetween(iso: string | null, from: number, to: number, slackMs = 2_000) {
  expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(ms(iso)).toBeGreaterThanOrEqual(from - slackMs);
  expect(ms(iso)).toBeLessThanOrEqual(to + slackMs);
}

async function taskCount(): Promise<number> {
  const res = await api.gql('{ tasks { totalCount } }');
  return res.data.tasks.totalCount;
}

describe('createTask and task(id)', () => {
  it('applies the defaults and trims the title', async () => {
    const before = Date.now();
    const task = await api.create({ title: '  Buy milk \n' });
    const after = Date.now();
    expect(task).toMatchObject({
      title: 'Buy milk',
      description: null,
      completed: false,
      completedAt: null,
      dueAt: null,
      priority: 'NONE',
    });
    expectBetween(task.createdAt, before, after);
    expectBetween(task.updatedAt, before, after);
    expect(Buffer.from(task.id, 'base64url').toString()).toMatch(/^Task:[0-9a-f-]{36}$/);
  });

  it('stores every given field and reads it back with task(id)', async () => {
    const created = await api.create({
      title: 'Write report',
      description: 'Quarterly numbers',
      dueAt: '2026-03-01T10:30:00+02:00',
      priority: 'HIGH',
    });
    expect(created).toMatchObject({
      title: 'Write report',
      description: 'Quarterly numbers',
      dueAt: '2026-03-01T08:30:00.000Z',
      priority: 'HIGH',
    });
    expect(await api.task(created.id)).toEqual(created);
  });

  it('task(id) is null for a task id that does not exist', async () => {
    expect(await api.task(missingTaskId())).toBeNull();
  });

  it('requires sign-in', async () => {
    const anonymous = tasksClient(t);
    const res = await anonymous.mutateRaw('createTask', { title: 'x' });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await anonymous.gql('{ tasks { totalCount } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('updateTask', () => {
  it('changes only the given fields and moves updatedAt on every change', async () => {
    const original = await api.create({
      title: 'Original',
      description: 'Keep me',
      dueAt: '2026-05-01T00:00:00.000Z',
      priority: 'LOW',
    });
    await sleep(15);
    const renamed = await api.update({ id: original.id, title: '  Renamed  ' });
    expect(renamed).toEqual({ ...original, title: 'Renamed', updatedAt: renamed.updatedAt });
    expect(ms(renamed.updatedAt)).toBeGreaterThan(ms(original.updatedAt));

    await sleep(15);
    const prioritised = await api.update({ id: original.id, priority: 'MEDIUM' });
    expect(prioritised).toEqual({ ...renamed, priority: 'MEDIUM', updatedAt: prioritised.updatedAt });
    expect(ms(prioritised.updatedAt)).toBeGreaterThan(ms(renamed.updatedAt));

    await sleep(15);
    const moved = await api.update({ id: original.id, dueAt: '2026-06-15T09:00:00.000Z', description: 'New text' });
    expect(moved).toEqual({
      ...prioritised,
      dueAt: '2026-06-15T09:00:00.000Z',
      description: 'New text',
      updatedAt: moved.updatedAt,
    });
    expect(ms(moved.updatedAt)).toBeGreaterThan(ms(prioritised.updatedAt));
    expect(moved.createdAt).toBe(original.createdAt);
    expect(await api.task(original.id)).toEqual(moved);
  });

  it('description: null clears the description and nothing else', async () => {
    const task = await api.create({ title: 'With text', description: 'Some text', dueAt: '2026-05-01T00:00:00.000Z' });
    const cleared = await api.update({ id: task.id, description: null });
    expect(cleared).toEqual({ ...task, description: null, updatedAt: cleared.updatedAt });
    expect((await api.task(task.id))!.description).toBeNull();
  });

  it('dueAt: null clears the due date and nothing else', async () => {
    const task = await api.create({ title: 'Dated', description: 'Some text', dueAt: '2026-05-01T00:00:00.000Z' });
    const cleared = await api.update({ id: task.id, dueAt: null });
    expect(cleared).toEqual({ ...task, dueAt: null, updatedAt: cleared.updatedAt });
    expect((await api.task(task.id))!.dueAt).toBeNull();
  });

  it('is NotFoundError for a task id that does not exist', async () => {
    expectNotFound(await api.mutate('updateTask', { id: missingTaskId(), title: 'Nope' }));
  });
});

describe('deleteTask', () => {
  it('returns the global id, then the task is gone and a second delete is NotFoundError', async () => {
    const task = await api.create({ title: 'Short-lived' });
    const keep = await api.create({ title: 'Survivor' });
    expect(await api.mutate('deleteTask', { id: task.id })).toEqual({ __typename: 'DeleteTaskPayload', deletedTaskId: task.id });
    expect(await api.task(task.id)).toBeNull();
    expectNotFound(await api.mutate('deleteTask', { id: task.id }));
    expectNotFound(await api.mutate('updateTask', { id: task.id, title: 'Back?' }));
    expect(await api.task(keep.id)).toEqual(keep);
  });

  it('is NotFoundError for a task id that does not exist', async () => {
    expectNotFound(await api.mutate('deleteTask', { id: missingTaskId() }));
  });
});

describe('validation', () => {
  const fieldError = (field: string) => ({
    __typename: 'ValidationError',
    message: expect.any(String),
    fieldErrors: [{ path: ['input', field], message: expect.any(String) }],
  });

  it.each([
    ['an empty title', { title: '' }, 'title'],
    ['a whitespace-only title', { title: ' \t\n ' }, 'title'],
    ['a 201-character title', { title: 'a'.repeat(201) }, 'title'],
    ['a NUL in the title', { title: 'Buy\u0000milk' }, 'title'],
    ['a 10,001-character description', { title: 'ok', description: 'd'.repeat(10_001) }, 'description'],
    ['a NUL in the description', { title: 'ok', description: 'line\u0000break' }, 'description'],
  ])('createTask rejects %s', async (_label, input, field) => {
    const count = await taskCount();
    expect(await api.mutate('createTask', input)).toEqual(fieldError(field));
    expect(await taskCount()).toBe(count);
  });

  it('accepts a 200-character title (also after trimming) and a 10,000-character description', async () => {
    const title = 't'.repeat(200);
    const description = 'd'.repeat(10_000);
    const task = await api.create({ title: `  ${title}  `, description });
    expect(task.title).toBe(title);
    expect(task.description).toBe(description);
    expect(await api.update({ id: task.id, title: 'u'.repeat(200) })).toMatchObject({ title: 'u'.repeat(200) });
    // However much padding surrounds it: the limit applies to the trimmed title.
    expect(await api.update({ id: task.id, title: `${' '.repeat(500)}padded\n\t${' '.repeat(500)}` })).toMatchObject({ title: 'padded' });
    const emoji = '\u{1F600}'.repeat(200);
    expect(await api.update({ id: task.id, title: ` ${emoji} ` })).toMatchObject({ title: emoji });
  });

  it.each([
    ['title: null', { title: null }, 'title'],
    ['priority: null', { priority: null }, 'priority'],
    ['completed: null', { completed: null }, 'completed'],
    ['an empty title', { title: '   ' }, 'title'],
    ['a 201-character title', { title: 'a'.repeat(201) }, 'title'],
    ['a NUL in the title', { title: 'a\u0000' }, 'title'],
    ['a 10,001-character description', { description: 'd'.repeat(10_001) }, 'description'],
    ['a NUL in the description', { description: '\u0000' }, 'description'],
  ])('updateTask rejects %s and leaves the task unchanged', async (_label, changes, field) => {
    const task = await api.create({ title: 'Unchanged', description: 'Still here', priority: 'HIGH' });
    expect(await api.mutate('updateTask', { id: task.id, ...changes })).toEqual(fieldError(field));
    expect(await api.task(task.id)).toEqual(task);
  });

  it('reports every invalid field at once', async () => {
    const result = await api.mutate('createTask', { title: '', description: 'x\u0000' });
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors!.map((e) => e.path).sort()).toEqual([['input', 'description'], ['input', 'title']]);
  });
});

describe('DateTime input', () => {
  const invalid = ['2026-02-30T00:00:00Z', 'tomorrow', '2026-01-01', '10000-01-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T00:00:00Z', ''];

  it.each(invalid)('%j is BAD_USER_INPUT in createTask, updateTask and filters', async (value) => {
    const count = await taskCount();
    expectBadUserInput(await api.mutateRaw('createTask', { title: 'Dated', dueAt: value }));
    expect(await taskCount()).toBe(count);

    const task = await api.create({ title: 'Keeps its date', dueAt: '2026-04-01T00:00:00.000Z' });
    expectBadUserInput(await api.mutateRaw('updateTask', { id: task.id, dueAt: value }));
    expect(await api.task(task.id)).toEqual(task);

    expectBadUserInput(await api.gql('query ($d: DateTime) { tasks(filter: { dueBefore: $d }) { totalCount } }', { d: value }));
  });

  it('is BAD_USER_INPUT when written inline in the query too', async () => {
    expectBadUserInput(await api.gql('mutation { createTask(input: { title: "x", dueAt: "2026-02-30T00:00:00Z" }) { __typename } }'));
    expectBadUserInput(await api.gql('{ tasks(filter: { dueAfter: "tomorrow" }) { totalCount } }'));
  });

  it('accepts offsets, fractions and leap days, and answers in UTC with milliseconds', async () => {
    expect((await api.create({ title: 'a', dueAt: '2028-02-29T23:30:00-01:00' })).dueAt).toBe('2028-03-01T00:30:00.000Z');
    expect((await api.create({ title: 'b', dueAt: '2026-07-04T12:00:00.5Z' })).dueAt).toBe('2026-07-04T12:00:00.500Z');
    expect((await api.create({ title: 'c', dueAt: '9999-12-31T23:59:59.999Z' })).dueAt).toBe('9999-12-31T23:59:59.999Z');
  });

  it('takes every date from 0001-01-01 to 9999-12-31, stored and read back as given', async () => {
    for (const dueAt of ['0001-01-01T00:00:00.000Z', '0099-06-15T08:00:00.000Z', '1000-01-01T00:00:00.000Z', '1900-06-01T00:00:00.000Z']) {
      const task = await api.create({ title: `dated ${dueAt}`, dueAt });
      expect(task.dueAt).toBe(dueAt);
      expect((await api.task(task.id))!.dueAt).toBe(dueAt);
      const res = await api.gql('query ($d: DateTime) { tasks(filter: { dueBefore: $d }) { totalCount } }', { d: dueAt });
      expect(res.errors, dueAt).toBeUndefined();
    }
    // One millisecond before the first instant (year 0) is out of range.
    expectBadUserInput(await api.mutateRaw('createTask', { title: 'year 0', dueAt: '0001-01-01T00:00:00+00:01' }));
  });
});

describe('enum input', () => {
  it('an unknown priority is a GraphQL validation error, never an internal error', async () => {
    const count = await taskCount();
    for (const res of [
      await api.mutateRaw('createTask', { title: 'x', priority: 'URGENT' }),
      await api.gql('mutation { createTask(input: { title: "x", priority: URGENT }) { __typename } }'),
      await api.gql('{ tasks(orderBy: { field: COLOR, direction: ASC }) { totalCount } }'),
      await api.gql('query ($p: [TaskPriority!]) { tasks(filter: { priority: $p }) { totalCount } }', { p: ['low'] }),
    ]) {
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.length, JSON.stringify(res)).toBeGreaterThan(0);
      expect(res.data?.createTask ?? res.data?.tasks ?? null).toBeNull();
      for (const error of res.errors!) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
    expect(await taskCount()).toBe(count);
  });
});

describe('completion', () => {
  it('updateTask completed: true sets completedAt to now; false clears it', async () => {
    const task = await api.create({ title: 'Finish me' });
    const before = Date.now();
    const done = await api.update({ id: task.id, completed: true });
    expect(done.completed).toBe(true);
    expectBetween(done.completedAt, before, Date.now());
    expect(ms(done.updatedAt)).toBeGreaterThanOrEqual(ms(task.updatedAt));
    expect({ ...done, completed: false, completedAt: null, updatedAt: task.updatedAt }).toEqual(task);

    const undone = await api.update({ id: task.id, completed: false });
    expect(undone).toMatchObject({ completed: false, completedAt: null });
    expect(await api.task(task.id)).toEqual(undone);
  });

  it('updateTask can change completion and other fields together', async () => {
    const task = await api.create({ title: 'Combined' });
    const done = await api.update({ id: task.id, completed: true, title: 'Combined, done', priority: 'HIGH' });
    expect(done).toMatchObject({ completed: true, title: 'Combined, done', priority: 'HIGH' });
    expect(done.completedAt).not.toBeNull();
    const renamed = await api.update({ id: task.id, completed: true, title: 'Renamed while done' });
    expect(renamed).toMatchObject({ completed: true, completedAt: done.completedAt, title: 'Renamed while done' });
  });

  it('createTask(completed: true) sets completedAt', async () => {
    const before = Date.now();
    const task = await api.create({ title: 'Already done', completed: true });
    expect(task.completed).toBe(true);
    expectBetween(task.completedAt, before, Date.now());
    // One instant for all three: a task is never completed before it exists.
    expect(task.completedAt).toBe(task.createdAt);
    expect(task.updatedAt).toBe(task.createdAt);
  });

  it('setTaskCompleted(true) twice keeps the first completedAt; false clears it', async () => {
    const task = await api.create({ title: 'Twice' });
    const first = await api.setCompleted(task.id, true);
    expect(first.completed).toBe(true);
    expect(first.completedAt).not.toBeNull();
    await sleep(20);
    const second = await api.setCompleted(task.id, true);
    expect(second).toMatchObject({ completed: true, completedAt: first.completedAt });

    const cleared = await api.setCompleted(task.id, false);
    expect(cleared).toMatchObject({ completed: false, completedAt: null });
    expect(await api.setCompleted(task.id, false)).toMatchObject({ completed: false, completedAt: null });
  });

  it('toggleTaskCompleted flips completion and completedAt', async () => {
    const task = await api.create({ title: 'Toggle me' });
    const before = Date.now();
    const on = await api.toggle(task.id);
    expect(on.completed).toBe(true);
    expectBetween(on.completedAt, before, Date.now());
    const off = await api.toggle(task.id);
    expect(off).toMatchObject({ completed: false, completedAt: null, title: 'Toggle me' });
    expect(await api.task(task.id)).toEqual(off);
  });

  it('concurrent toggles end where the same number of sequential toggles would', async () => {
    const task = await api.create({ title: 'Raced' });
    await Promise.all([api.toggle(task.id), api.toggle(task.id)]);
    expect(await api.task(task.id)).toMatchObject({ completed: false, completedAt: null });

    await Promise.all([api.toggle(task.id), api.toggle(task.id), api.toggle(task.id)]);
    const after = await api.task(task.id);
    expect(after!.completed).toBe(true);
    expect(after!.completedAt).not.toBeNull();
  });

  it('setTaskCompleted and toggleTaskCompleted are NotFoundError for a task id that does not exist', async () => {
    expectNotFound(await api.mutate('setTaskCompleted', { id: missingTaskId(), completed: true }));
    expectNotFound(await api.mutate('toggleTaskCompleted', { id: missingTaskId() }));
  });
});
