// Recurring tasks through the public API: RRULE validation, roll-forward on completion (dueAt, remindAt, descendants, version), wall-clock time across DST in the user's time zone, and COUNT/UNTIL exhaustion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { rawId } from './helpers/tasks.ts';
import { organizingClient, type OrganizingClient, type OrgTask, type Outcome } from './helpers/organizing.ts';

let t: TestApp;
let api: OrganizingClient;

beforeAll(async () => {
  t = await startTestApp();
  api = organizingClient(t, (await t.signup()).accessToken);
});
afterAll(() => t?.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** A due date far enough ahead that "now" never decides the next occurrence. */
const FUTURE = '2055-06-10T09:30:00.000Z';

const COMPLETE_WAYS = {
  setTaskCompleted: (c: OrganizingClient, id: string) => c.mutate('setTaskCompleted', { id, completed: true }),
  toggleTaskCompleted: (c: OrganizingClient, id: string) => c.mutate('toggleTaskCompleted', { id }),
  'updateTask(completed: true)': (c: OrganizingClient, id: string) => c.mutate('updateTask', { id, completed: true }),
} as const;

/** Completes a task directly (setTaskCompleted unless told otherwise) and returns the payload. */
async function complete(c: OrganizingClient, id: string, way: keyof typeof COMPLETE_WAYS = 'setTaskCompleted'): Promise<Outcome> {
  const outcome = await COMPLETE_WAYS[way](c, id);
  expect(outcome.__typename, JSON.stringify(outcome)).toBe('TaskPayload');
  return outcome;
}

function expectRecurrenceError(outcome: Outcome, field: 'recurrence' | 'dueAt' = 'recurrence') {
  expect(outcome.__typename, JSON.stringify(outcome)).toBe('ValidationError');
  expect(outcome.fieldErrors!.map((e) => e.path)).toEqual([['input', field]]);
  expect(outcome.message).toBeTruthy();
}

const idsOf = (tasks: OrgTask[]) => tasks.map((task) => task.id).sort();

describe('RRULE validation', () => {
  const ACCEPTED = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3',
    'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA',
    'FREQ=MONTHLY;BYMONTHDAY=1,15',
    'FREQ=MONTHLY;BYDAY=1MO',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYMONTHDAY=-1',
    'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14',
    'FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7',
    'FREQ=DAILY;COUNT=5',
    'FREQ=WEEKLY;BYDAY=TU;UNTIL=20301231T235959Z',
  ];

  it.each(ACCEPTED)('accepts %s on create and on update', async (rule) => {
    const created = await api.createTask({ title: 'repeats', dueAt: FUTURE, recurrence: rule });
    expect(created).toMatchObject({ recurrence: rule, dueAt: FUTURE, completed: false });
    const plain = await api.createTask({ title: 'plain', dueAt: FUTURE });
    const updated = await api.updateTask({ id: plain.id, recurrence: rule });
    expect(updated).toMatchObject({ recurrence: rule, dueAt: FUTURE, version: plain.version + 1 });
    expect((await api.task(plain.id))!.recurrence).toBe(rule);
  });

  const REJECTED: [string, string][] = [
    ['BYHOUR', 'FREQ=DAILY;BYHOUR=9'],
    ['BYMINUTE', 'FREQ=DAILY;BYMINUTE=30'],
    ['BYSETPOS', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1'],
    ['DTSTART', 'DTSTART=20550101T090000Z;FREQ=DAILY'],
    ['WKST', 'FREQ=WEEKLY;WKST=SU;BYDAY=MO'],
    ['BYWEEKNO', 'FREQ=YEARLY;BYWEEKNO=20'],
    ['BYYEARDAY', 'FREQ=YEARLY;BYYEARDAY=100'],
    ['FREQ=HOURLY', 'FREQ=HOURLY'],
    ['FREQ=MINUTELY', 'FREQ=MINUTELY;INTERVAL=15'],
    ['no FREQ', 'INTERVAL=2;BYDAY=MO'],
    ['garbage', 'every tuesday'],
    ['empty', ''],
    ['NUL', 'FREQ=DAILY\u0000'],
    ['BYMONTHDAY=32', 'FREQ=MONTHLY;BYMONTHDAY=32'],
    ['BYMONTHDAY=0', 'FREQ=MONTHLY;BYMONTHDAY=0'],
    ['BYMONTH=0', 'FREQ=YEARLY;BYMONTH=0'],
    ['BYMONTH=13', 'FREQ=YEARLY;BYMONTH=13'],
    ['COUNT=0', 'FREQ=DAILY;COUNT=0'],
    ['INTERVAL=0', 'FREQ=DAILY;INTERVAL=0'],
    ['an ordinal BYDAY in a WEEKLY rule', 'FREQ=WEEKLY;BYDAY=1MO'],
    ['BYDAY=54MO', 'FREQ=MONTHLY;BYDAY=54MO'],
    ['a trailing comma', 'FREQ=WEEKLY;BYDAY=MO,'],
    ['a date that never comes', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'],
    ['a sixth Monday', 'FREQ=MONTHLY;BYDAY=6MO'],
    ['BYMONTHDAY in a WEEKLY rule', 'FREQ=WEEKLY;BYMONTHDAY=15'],
  ];

  it.each(REJECTED)('rejects %s on create and on update, changing nothing', async (_name, rule) => {
    expectRecurrenceError(await api.mutate('createTask', { title: 'bad rule', dueAt: FUTURE, recurrence: rule }));
    const task = await api.createTask({ title: 'victim', dueAt: FUTURE, recurrence: 'FREQ=WEEKLY' });
    expectRecurrenceError(await api.mutate('updateTask', { id: task.id, recurrence: rule }));
    expect(await api.task(task.id)).toEqual(task);
  });

  it('a recurrence needs a dueAt on create', async () => {
    for (const input of [{ recurrence: 'FREQ=DAILY' }, { recurrence: 'FREQ=DAILY', dueAt: null }]) {
      const outcome = await api.mutate('createTask', { title: 'undated', ...input });
      expect(outcome.__typename, JSON.stringify(outcome)).toBe('ValidationError');
      expect(outcome.fieldErrors!.length).toBeGreaterThan(0);
      for (const error of outcome.fieldErrors!) expect([['input', 'recurrence'], ['input', 'dueAt']]).toContainEqual(error.path);
    }
  });

  it('setting a rule on a task without dueAt is a ValidationError; with a dueAt in the same update it is fine', async () => {
    const task = await api.createTask({ title: 'undated' });
    const outcome = await api.mutate('updateTask', { id: task.id, recurrence: 'FREQ=DAILY' });
    expect(outcome.__typename, JSON.stringify(outcome)).toBe('ValidationError');
    for (const error of outcome.fieldErrors!) expect([['input', 'recurrence'], ['input', 'dueAt']]).toContainEqual(error.path);
    expect(await api.task(task.id)).toEqual(task);

    const dated = await api.updateTask({ id: task.id, recurrence: 'FREQ=DAILY', dueAt: FUTURE });
    expect(dated).toMatchObject({ recurrence: 'FREQ=DAILY', dueAt: FUTURE, version: task.version + 1 });
  });

  it('clearing dueAt of a recurring task is a ValidationError on ["input","dueAt"]', async () => {
    const task = await api.createTask({ title: 'repeats', dueAt: FUTURE, recurrence: 'FREQ=DAILY' });
    expectRecurrenceError(await api.mutate('updateTask', { id: task.id, dueAt: null }), 'dueAt');
    expect(await api.task(task.id)).toEqual(task);
  });

  it('recurrence: null stops repeating: the next completion completes the task', async () => {
    const task = await api.createTask({ title: 'repeats', dueAt: FUTURE, recurrence: 'FREQ=DAILY' });
    const stopped = await api.updateTask({ id: task.id, recurrence: null });
    expect(stopped).toMatchObject({ recurrence: null, dueAt: FUTURE, version: task.version + 1 });
    const done = (await complete(api, task.id)).task!;
    expect(done).toMatchObject({ completed: true, dueAt: FUTURE, recurrence: null, version: task.version + 2 });
    expect(done.completedAt).not.toBeNull();
    // Without a rule, dueAt may be cleared again.
    expect((await api.updateTask({ id: task.id, dueAt: null })).dueAt).toBeNull();
  });

  it('a stored rule that no date matches (accepted before such rules were refused) completes the task normally', async () => {
    const task = await api.createTask({ title: 'never again', dueAt: FUTURE, recurrence: 'FREQ=YEARLY' });
    const impossible = 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30';
    await t.database.db.prisma.task.update({ where: { id: rawId(task.id) }, data: { recurrence: impossible } });
    const done = await complete(api, task.id);
    expect(done.__typename).toBe('TaskPayload');
    expect(done.task).toMatchObject({ completed: true, dueAt: FUTURE, recurrence: impossible });
  });
});

describe.each(Object.keys(COMPLETE_WAYS) as (keyof typeof COMPLETE_WAYS)[])('completing a recurring task with %s', (way) => {
  it('with a dueAt in the past: moves dueAt to the first occurrence after now, remindAt by as much, reopens completed descendants', async () => {
    // Due at a time of day six hours from now, three days ago: the next occurrence after now is in six hours.
    const oldDue = Math.floor((Date.now() - 3 * DAY + 6 * HOUR) / 1000) * 1000;
    const task = await api.createTask({ title: 'water plants', dueAt: iso(oldDue), recurrence: 'FREQ=DAILY', remindAt: iso(oldDue - 30 * MINUTE) });
    const child = await api.createTask({ title: 'child', parentId: task.id });
    const grandchild = await api.createTask({ title: 'grandchild', parentId: child.id });
    const openChild = await api.createTask({ title: 'open child', parentId: task.id });
    const cascade = await api.ok('setTaskCompleted', { id: child.id, completed: true }, 'TaskPayload');
    expect(idsOf(cascade.alsoChanged!)).toEqual([grandchild.id]);
    const before = (await api.task(task.id))!;
    const doneChild = (await api.task(child.id))!;
    const doneGrandchild = (await api.task(grandchild.id))!;
    expect(doneGrandchild.completed).toBe(true);

    const outcome = await complete(api, task.id, way);
    const rolled = outcome.task!;
    expect(rolled).toMatchObject({
      id: task.id,
      completed: false,
      completedAt: null,
      dueAt: iso(oldDue + 3 * DAY),
      remindAt: iso(oldDue + 3 * DAY - 30 * MINUTE),
      recurrence: 'FREQ=DAILY',
      version: before.version + 1,
      subtaskCount: 2,
      completedSubtaskCount: 0,
    });
    expect(Date.parse(rolled.dueAt!)).toBeGreaterThan(Date.now());
    expect(idsOf(outcome.alsoChanged!)).toEqual(idsOf([child, grandchild]));
    for (const reopened of outcome.alsoChanged!) expect(reopened).toMatchObject({ completed: false, completedAt: null });
    expect(await api.task(child.id)).toMatchObject({ completed: false, completedAt: null, version: doneChild.version + 1 });
    expect(await api.task(grandchild.id)).toMatchObject({ completed: false, completedAt: null, version: doneGrandchild.version + 1 });
    // An open descendant is not changed.
    expect((await api.task(openChild.id))!.version).toBe(openChild.version);
    expect(await api.task(task.id)).toEqual(rolled);
  });

  it('with a dueAt in the future: moves dueAt to the next occurrence after it', async () => {
    const daily = await api.createTask({ title: 'daily', dueAt: FUTURE, recurrence: 'FREQ=DAILY', remindAt: '2055-06-09T09:30:00.000Z' });
    const rolled = (await complete(api, daily.id, way)).task!;
    expect(rolled).toMatchObject({
      completed: false,
      completedAt: null,
      dueAt: '2055-06-11T09:30:00.000Z',
      remindAt: '2055-06-10T09:30:00.000Z',
      version: daily.version + 1,
    });

    const fortnightly = await api.createTask({ title: 'fortnightly', dueAt: FUTURE, recurrence: 'FREQ=WEEKLY;INTERVAL=2' });
    const next = await complete(api, fortnightly.id, way);
    expect(next.task).toMatchObject({ completed: false, dueAt: '2055-06-24T09:30:00.000Z', remindAt: null, version: fortnightly.version + 1 });
    expect(next.alsoChanged).toEqual([]);
    const again = (await complete(api, fortnightly.id, way)).task!;
    expect(again).toMatchObject({ completed: false, dueAt: '2055-07-08T09:30:00.000Z', version: fortnightly.version + 2 });
  });
});

describe('the next occurrence follows the rule', () => {
  it('BYMONTHDAY=31 skips the months without a 31st', async () => {
    const task = await api.createTask({ title: 'month end', dueAt: '2055-01-31T12:00:00.000Z', recurrence: 'FREQ=MONTHLY;BYMONTHDAY=31' });
    expect((await complete(api, task.id)).task!.dueAt).toBe('2055-03-31T12:00:00.000Z');
    expect((await complete(api, task.id)).task!.dueAt).toBe('2055-05-31T12:00:00.000Z');
  });

  it('a dueAt only just past moves one interval on, not two', async () => {
    const oldDue = Math.floor((Date.now() - 2 * MINUTE) / 1000) * 1000;
    const task = await api.createTask({ title: 'weekly', dueAt: iso(oldDue), recurrence: 'FREQ=WEEKLY' });
    expect((await complete(api, task.id)).task!.dueAt).toBe(iso(oldDue + 7 * DAY));
  });
});

describe("the user's time zone", () => {
  async function userIn(timeZone: string): Promise<OrganizingClient> {
    const client = organizingClient(t, (await t.signup()).accessToken);
    expect((await client.setTimeZone(timeZone)).timeZone).toBe(timeZone);
    return client;
  }

  async function dueDates(client: OrganizingClient, input: Record<string, unknown>, completions: number): Promise<string[]> {
    const task = await client.createTask({ title: 'repeats', ...input });
    const dates: string[] = [];
    for (let i = 0; i < completions; i++) {
      const rolled = (await complete(client, task.id)).task!;
      expect(rolled.completed).toBe(false);
      dates.push(rolled.dueAt!);
    }
    return dates;
  }

  let berlin: OrganizingClient;
  let newYork: OrganizingClient;
  beforeAll(async () => {
    berlin = await userIn('Europe/Berlin');
    newYork = await userIn('America/New_York');
  });

  it('Europe/Berlin: a daily 09:00 task stays at 09:00 local across the March switch; remindAt moves by as much', async () => {
    // 2055-03-28 is the last Sunday of March: 09:00 CET is 08:00Z, 09:00 CEST is 07:00Z.
    const task = await berlin.createTask({ title: 'standup', dueAt: '2055-03-27T08:00:00.000Z', recurrence: 'FREQ=DAILY', remindAt: '2055-03-27T07:45:00.000Z' });
    const first = (await complete(berlin, task.id)).task!;
    expect(first).toMatchObject({ dueAt: '2055-03-28T07:00:00.000Z', remindAt: '2055-03-28T06:45:00.000Z', completed: false });
    const second = (await complete(berlin, task.id)).task!;
    expect(second).toMatchObject({ dueAt: '2055-03-29T07:00:00.000Z', remindAt: '2055-03-29T06:45:00.000Z', completed: false });
  });

  it('America/New_York: a daily 09:00 task stays at 09:00 local across the November switch', async () => {
    // 2055-11-07 is the first Sunday of November: 09:00 EDT is 13:00Z, 09:00 EST is 14:00Z.
    expect(await dueDates(newYork, { dueAt: '2055-11-06T13:00:00.000Z', recurrence: 'FREQ=DAILY' }, 2)).toEqual([
      '2055-11-07T14:00:00.000Z',
      '2055-11-08T14:00:00.000Z',
    ]);
  });

  it('Europe/Berlin: a weekly BYDAY rule keeps its local time across the switch', async () => {
    // Thursday 2055-03-25 18:30 CET; then Monday 29th and Thursday 1st April at 18:30 CEST.
    expect(await dueDates(berlin, { dueAt: '2055-03-25T17:30:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH' }, 3)).toEqual([
      '2055-03-29T16:30:00.000Z',
      '2055-04-01T16:30:00.000Z',
      '2055-04-05T16:30:00.000Z',
    ]);
  });

  it('America/New_York: BYDAY names local weekdays (Monday 21:00 EST is Tuesday in UTC)', async () => {
    expect(await dueDates(newYork, { dueAt: '2055-01-05T02:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' }, 2)).toEqual([
      '2055-01-07T02:00:00.000Z',
      '2055-01-12T02:00:00.000Z',
    ]);
  });

  it('Europe/Berlin: after dueAt moves to another time of day, the rule repeats the new local time', async () => {
    // Set at 09:00 CET on 25 March, moved to 10:30 CET on the 26th; after the switch 10:30 CEST is 08:30Z.
    const task = await berlin.createTask({ title: 'moved standup', dueAt: '2055-03-25T08:00:00.000Z', recurrence: 'FREQ=DAILY' });
    await berlin.updateTask({ id: task.id, dueAt: '2055-03-26T09:30:00.000Z' });
    expect((await complete(berlin, task.id)).task).toMatchObject({ dueAt: '2055-03-27T09:30:00.000Z' });
    expect((await complete(berlin, task.id)).task).toMatchObject({ dueAt: '2055-03-28T08:30:00.000Z' });
  });

  it('Europe/Berlin: a new time that the rule\'s first day skipped (the March switch) is kept', async () => {
    // Set on 28 March 2055 (02:00 to 03:00 does not exist that day), then moved to 02:30 on the 29th.
    const task = await berlin.createTask({ title: 'gap', dueAt: '2055-03-28T07:00:00.000Z', recurrence: 'FREQ=DAILY' });
    await berlin.updateTask({ id: task.id, dueAt: '2055-03-29T00:30:00.000Z' });
    expect((await complete(berlin, task.id)).task).toMatchObject({ dueAt: '2055-03-30T00:30:00.000Z' });
  });

  it('Europe/Berlin: the same after updateTasks sets dueAt, and the next completion by updateTasks rolls to it', async () => {
    const task = await berlin.createTask({ title: 'bulk moved', dueAt: '2055-03-25T08:00:00.000Z', recurrence: 'FREQ=DAILY' });
    const UPDATE = 'mutation ($input: UpdateTasksInput!) { updateTasks(input: $input) { results { __typename ... on TaskPayload { task { dueAt } } } } }';
    const moved = await berlin.gql(UPDATE, { input: { ids: [task.id], set: { dueAt: '2055-03-27T17:00:00.000Z' } } });
    expect(moved.data.updateTasks.results[0].task.dueAt).toBe('2055-03-27T17:00:00.000Z');
    const rolled = await berlin.gql(UPDATE, { input: { ids: [task.id], set: { completed: true } } });
    // 18:00 CET on the 27th, then 18:00 CEST (16:00Z) on the 28th.
    expect(rolled.data.updateTasks.results[0].task.dueAt).toBe('2055-03-28T16:00:00.000Z');
  });

  it('with timeZone UTC the same rules keep the UTC hour and UTC weekdays', async () => {
    const utc = await userIn('UTC');
    expect(await dueDates(utc, { dueAt: '2055-03-27T08:00:00.000Z', recurrence: 'FREQ=DAILY' }, 2)).toEqual([
      '2055-03-28T08:00:00.000Z',
      '2055-03-29T08:00:00.000Z',
    ]);
    expect(await dueDates(utc, { dueAt: '2055-11-06T13:00:00.000Z', recurrence: 'FREQ=DAILY' }, 1)).toEqual(['2055-11-07T13:00:00.000Z']);
    expect(await dueDates(utc, { dueAt: '2055-03-25T17:30:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TH' }, 2)).toEqual([
      '2055-03-29T17:30:00.000Z',
      '2055-04-01T17:30:00.000Z',
    ]);
    // 2055-01-05T02:00Z is a Tuesday in UTC: the next Monday or Wednesday is Wednesday the 6th.
    expect(await dueDates(utc, { dueAt: '2055-01-05T02:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' }, 2)).toEqual([
      '2055-01-06T02:00:00.000Z',
      '2055-01-11T02:00:00.000Z',
    ]);
  });
});

describe('the end of a rule', () => {
  it('COUNT=3 (dueAt is the first occurrence): two completions roll forward, the third completes the task and its open subtasks', async () => {
    const task = await api.createTask({ title: 'three times', dueAt: '2055-05-01T10:00:00.000Z', recurrence: 'FREQ=DAILY;COUNT=3' });
    const sub = await api.createTask({ title: 'step', parentId: task.id });
    const first = await complete(api, task.id);
    expect(first.task).toMatchObject({ completed: false, dueAt: '2055-05-02T10:00:00.000Z', version: task.version + 1 });
    expect(first.alsoChanged).toEqual([]);
    const second = await complete(api, task.id);
    expect(second.task).toMatchObject({ completed: false, dueAt: '2055-05-03T10:00:00.000Z', version: task.version + 2 });
    const before = Date.now();
    const third = await complete(api, task.id);
    expect(third.task).toMatchObject({ completed: true, dueAt: '2055-05-03T10:00:00.000Z', recurrence: 'FREQ=DAILY;COUNT=3', version: task.version + 3 });
    expect(Date.parse(third.task!.completedAt!)).toBeGreaterThanOrEqual(before - 2_000);
    expect(third.alsoChanged!.map((x) => x.id)).toEqual([sub.id]);
    expect(third.alsoChanged![0]).toMatchObject({ completed: true, completedAt: third.task!.completedAt });
  });

  it('UNTIL: the task completes normally once no occurrence is left', async () => {
    const task = await api.createTask({ title: 'until', dueAt: '2055-05-02T10:00:00.000Z', recurrence: 'FREQ=DAILY;UNTIL=20550503T235959Z' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: false, dueAt: '2055-05-03T10:00:00.000Z' });
    const last = (await complete(api, task.id)).task!;
    expect(last).toMatchObject({ completed: true, dueAt: '2055-05-03T10:00:00.000Z', version: task.version + 2 });
    expect(last.completedAt).not.toBeNull();
  });

  it('an UNTIL before the next occurrence completes at the first completion', async () => {
    const task = await api.createTask({ title: 'once', dueAt: '2055-05-02T10:00:00.000Z', recurrence: 'FREQ=WEEKLY;UNTIL=20550505T000000Z' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: true, dueAt: '2055-05-02T10:00:00.000Z' });
  });

  it('setting the rule again restarts COUNT from the dueAt it is set with', async () => {
    const task = await api.createTask({ title: 'restart', dueAt: '2055-05-01T10:00:00.000Z', recurrence: 'FREQ=DAILY;COUNT=2' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: false, dueAt: '2055-05-02T10:00:00.000Z' });
    // From 2 May: 2, 3 and 4 May. Counted from 1 May it would end on the 3rd.
    expect((await api.updateTask({ id: task.id, recurrence: 'FREQ=DAILY;COUNT=3' })).recurrence).toBe('FREQ=DAILY;COUNT=3');
    expect((await complete(api, task.id)).task).toMatchObject({ completed: false, dueAt: '2055-05-03T10:00:00.000Z' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: false, dueAt: '2055-05-04T10:00:00.000Z' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: true, dueAt: '2055-05-04T10:00:00.000Z' });
  });

  it('COUNT keeps counting from the dueAt the rule was set with when only dueAt changes', async () => {
    const task = await api.createTask({ title: 'moved', dueAt: '2055-05-01T10:00:00.000Z', recurrence: 'FREQ=DAILY;COUNT=3' });
    await api.updateTask({ id: task.id, dueAt: '2055-05-02T10:00:00.000Z' });
    // Occurrences stay 1, 2 and 3 May.
    expect((await complete(api, task.id)).task).toMatchObject({ completed: false, dueAt: '2055-05-03T10:00:00.000Z' });
    expect((await complete(api, task.id)).task).toMatchObject({ completed: true, dueAt: '2055-05-03T10:00:00.000Z' });
  });

  it('a next occurrence past 9999-12-31 (the last DateTime) ends the rule: the task completes normally', async () => {
    const late = await api.createTask({ title: 'last day', dueAt: '9999-12-31T12:00:00.000Z', recurrence: 'FREQ=DAILY' });
    expect((await complete(api, late.id)).task).toMatchObject({ completed: true, dueAt: '9999-12-31T12:00:00.000Z' });
    // The due date has a next day, its reminder (a day and a half later) would not: also the end.
    const reminded = await api.createTask({ title: 'late reminder', dueAt: '9999-12-30T12:00:00.000Z', remindAt: '9999-12-31T23:00:00.000Z', recurrence: 'FREQ=DAILY' });
    expect((await complete(api, reminded.id)).task).toMatchObject({ completed: true, dueAt: '9999-12-30T12:00:00.000Z', remindAt: '9999-12-31T23:00:00.000Z' });
    const bulk = await api.createTask({ title: 'bulk last day', dueAt: '9999-12-31T12:00:00.000Z', recurrence: 'FREQ=DAILY' });
    const res = await api.gql(
      'mutation ($input: UpdateTasksInput!) { updateTasks(input: $input) { results { __typename ... on TaskPayload { task { completed dueAt } } } } }',
      { input: { ids: [bulk.id], set: { completed: true } } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.updateTasks.results[0].task).toEqual({ completed: true, dueAt: '9999-12-31T12:00:00.000Z' });
  });

  it('a recurring subtask completed by a cascade completes normally without rolling', async () => {
    const parent = await api.createTask({ title: 'project' });
    const sub = await api.createTask({ title: 'weekly sync', parentId: parent.id, dueAt: FUTURE, recurrence: 'FREQ=WEEKLY', remindAt: FUTURE });
    const outcome = await complete(api, parent.id);
    expect(outcome.task!.completed).toBe(true);
    expect(outcome.alsoChanged).toHaveLength(1);
    expect(outcome.alsoChanged![0]).toMatchObject({
      id: sub.id,
      completed: true,
      completedAt: outcome.task!.completedAt,
      dueAt: FUTURE,
      remindAt: FUTURE,
      recurrence: 'FREQ=WEEKLY',
      version: sub.version + 1,
    });
    expect(await api.task(sub.id)).toEqual(outcome.alsoChanged![0]);
  });
});
