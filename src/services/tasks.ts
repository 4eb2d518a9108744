// Task writes: create, update, completion (cascades and recurring roll-forward), delete to the trash.
// Every statement carries the signed-in user's id, and every id in an input resolves only to the
// caller's own live objects. Errors come in the contract's order: the input alone (ValidationError),
// then existence (NotFoundError), then expectedVersion (StaleTaskError), then rules on stored state.
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.ts';
import type { SignedInContext } from '../context.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import { LABELS_PER_TASK_MAX, resolveLabelIds } from './labels.ts';
import { keyAfter } from './ordering.ts';
import { recurrenceProblem, rollForward, startAtTimeOf } from './recurrence.ts';
import { clientId, collectIssues, insertWithClientId, throwIfAny, unresolved, uuidOf, type Tx } from './references.ts';
import { ownList } from './task-lists.ts';
import { completeDescendants, descendantIds, lockTask, MAX_DEPTH, ancestorIds, reopenAncestors, reopenDescendants } from './task-tree.ts';
import { inTransaction } from './transactions.ts';
import { nullIssues, parseInput, text } from './validation.ts';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10_000;

/** A task after a mutation, and every other task the mutation changed as a side effect. */
export interface TaskResult {
  task: Task;
  alsoChanged: Task[];
}

const title = text('title', TITLE_MAX, { min: 1, trim: true });
const description = text('description', DESCRIPTION_MAX);
const priority = z.number().int().min(0).max(3);
const recurrence = z
  .string()
  .transform((rule) => rule.trim().toUpperCase())
  .superRefine((rule, ctx) => {
    const problem = rule.includes('\u0000') ? 'recurrence must not contain NUL characters' : recurrenceProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const labelIds = z.array(z.string()).transform((ids) => [...new Set(ids)]).refine(
  (ids) => ids.length <= LABELS_PER_TASK_MAX,
  `A task can have at most ${LABELS_PER_TASK_MAX} labels`,
);

const createSchema = z.object({
  title,
  description: description.nullish(),
  dueAt: z.date().nullish(),
  priority: priority.nullish(),
  completed: z.boolean().nullish(),
  recurrence: recurrence.nullish(),
  remindAt: z.date().nullish(),
  labelIds: labelIds.nullish(),
});

// Absent = leave as it is; null clears the nullable fields.
const updateSchema = z.object({
  title: title.optional(),
  description: description.nullish(),
  dueAt: z.date().nullish(),
  priority: priority.optional(),
  completed: z.boolean().optional(),
  recurrence: recurrence.nullish(),
  remindAt: z.date().nullish(),
  labelIds: labelIds.optional(),
  addLabelIds: z.array(z.string()).nullish(),
  removeLabelIds: z.array(z.string()).nullish(),
});

export interface CreateTaskInput {
  id?: string | null;
  title: string;
  description?: string | null;
  dueAt?: Date | null;
  priority?: number | null;
  completed?: boolean | null;
  listId?: string | null;
  parentId?: string | null;
  labelIds?: string[] | null;
  recurrence?: string | null;
  remindAt?: Date | null;
}

export interface UpdateTaskInput {
  title?: string | null;
  description?: string | null;
  dueAt?: Date | null;
  priority?: number | null;
  completed?: boolean | null;
  labelIds?: string[] | null;
  addLabelIds?: string[] | null;
  removeLabelIds?: string[] | null;
  recurrence?: string | null;
  remindAt?: Date | null;
  expectedVersion?: number | null;
}

export async function createTask(ctx: SignedInContext, input: CreateTaskInput): Promise<TaskResult> {
  const id = clientId(input.id, 'Task');
  // Omitted, they take their defaults (NONE, open); an explicit null is a mistake worth telling.
  throwIfAny(nullIssues(input, ['priority', 'completed']));
  const data = parseInput(createSchema, input);
  if (data.recurrence && !data.dueAt) throw new ValidationError([{ path: ['input', 'recurrence'], message: 'recurrence needs a dueAt: the rule repeats its local time' }]);
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const issues: FieldIssue[] = [];
    const parent = input.parentId != null ? await liveTask(tx, userId, uuidOf(input.parentId, 'Task')) : null;
    if (input.parentId != null && !parent) issues.push(unresolved(['parentId'], 'Task'));
    const list = input.listId != null ? await ownList(tx, userId, uuidOf(input.listId, 'TaskList')) : null;
    if (input.listId != null && !list) issues.push(unresolved(['listId'], 'TaskList'));
    const labels = data.labelIds?.length ? await collectIssues(issues, () => resolveLabelIds(tx, userId, ['labelIds'], input.labelIds!)) : [];
    if (parent) {
      if (input.listId !== undefined && (list?.id ?? null) !== parent.listId && !(input.listId != null && !list)) {
        issues.push(listOfParentIssue());
      }
      if ((await ancestorIds(tx, userId, parent.id)).length + 2 > MAX_DEPTH) issues.push(depthIssue());
    }
    throwIfAny(issues);
    const listId = parent ? parent.listId : (list?.id ?? null);
    const parentId = parent?.id ?? null;
    const completed = data.completed ?? false;
    // One instant for every timestamp, so completedAt never precedes createdAt.
    const now = new Date();
    const task = await insertWithClientId(tx, id, 'Task', async () =>
      tx.task.create({
        data: {
          id,
          userId,
          listId,
          parentId,
          position: keyAfter(await lastSiblingPosition(tx, userId, listId, parentId)),
          title: data.title,
          description: data.description ?? null,
          dueAt: data.dueAt ?? null,
          priority: data.priority ?? 0,
          completed,
          completedAt: completed ? now : null,
          recurrence: data.recurrence ?? null,
          recurrenceStart: data.recurrence ? data.dueAt! : null,
          remindAt: data.remindAt ?? null,
          createdAt: now,
          updatedAt: now,
          ...(labels.length && { labels: { createMany: { data: labels.map((labelId) => ({ labelId })) } } }),
        },
      }),
    );
    return { task, alsoChanged: [] };
  });
}

export async function updateTask(ctx: SignedInContext, id: string | null, input: UpdateTaskInput): Promise<TaskResult> {
  const issues = nullIssues(input, ['title', 'priority', 'completed', 'labelIds']);
  if (input.labelIds != null && (input.addLabelIds != null || input.removeLabelIds != null)) {
    issues.push({ path: ['input', 'labelIds'], message: 'labelIds replaces every label: do not combine it with addLabelIds or removeLabelIds' });
  }
  throwIfAny(issues);
  const data = parseInput(updateSchema, input);
  return inTransaction(ctx, async (tx) => {
    const task = await lockTask(tx, ctx.viewer.userId, id, input.expectedVersion);
    return applyUpdate(tx, ctx.viewer.userId, task, data, input);
  });
}

export async function setCompleted(ctx: SignedInContext, id: string | null, completed: boolean, expectedVersion?: number | null): Promise<TaskResult> {
  return updateTask(ctx, id, { completed, expectedVersion });
}

/** Flips completion under the row lock, so concurrent toggles serialise. */
export async function toggleCompleted(ctx: SignedInContext, id: string | null, expectedVersion?: number | null): Promise<TaskResult> {
  return inTransaction(ctx, async (tx) => {
    const task = await lockTask(tx, ctx.viewer.userId, id, expectedVersion);
    return applyUpdate(tx, ctx.viewer.userId, task, { completed: !task.completed }, {});
  });
}

type UpdateData = z.output<typeof updateSchema>;

/** Applies an update to a locked task: a new version and updatedAt only when a stored value changes. */
async function applyUpdate(tx: Tx, userId: string, task: Task, data: UpdateData, input: UpdateTaskInput): Promise<TaskResult> {
  const now = new Date();
  const changes: Prisma.TaskUncheckedUpdateInput = {};
  const next = { ...task };
  const change = <K extends 'title' | 'description' | 'dueAt' | 'priority' | 'remindAt' | 'recurrence' | 'recurrenceStart'>(field: K, value: Task[K]) => {
    if (!same(task[field], value)) changes[field] = value as never;
    next[field] = value;
  };
  if (data.title !== undefined) change('title', data.title);
  if (data.description !== undefined) change('description', data.description);
  if (data.dueAt !== undefined) change('dueAt', data.dueAt);
  if (data.priority !== undefined) change('priority', data.priority);
  if (data.remindAt !== undefined) change('remindAt', data.remindAt);
  if (data.recurrence !== undefined) {
    // Setting a rule (again) restarts it: COUNT counts from the dueAt it was set with.
    change('recurrence', data.recurrence);
    change('recurrenceStart', data.recurrence === null ? null : next.dueAt);
  } else if (task.recurrence !== null && task.dueAt !== null && next.dueAt !== null && 'dueAt' in changes) {
    // The rule repeats the local time of the new dueAt; its dates still count from where it was set.
    change('recurrenceStart', startAtTimeOf(task.recurrenceStart ?? task.dueAt, next.dueAt, await timeZoneOf(tx, userId)));
  }
  const issues: FieldIssue[] = [];
  if (next.recurrence !== null && next.dueAt === null) {
    issues.push(data.dueAt === null
      ? { path: ['input', 'dueAt'], message: 'dueAt cannot be cleared while the task repeats: clear recurrence too' }
      : { path: ['input', 'recurrence'], message: 'recurrence needs a dueAt: the rule repeats its local time' });
  }
  const labels = await nextLabels(tx, userId, task, data, input, issues);
  throwIfAny(issues);

  const completion = data.completed !== undefined && data.completed !== task.completed
    ? await completionEffects(tx, userId, next, data.completed, now)
    : { changes: {}, alsoChanged: [] as string[] };
  Object.assign(changes, completion.changes);
  if (Object.keys(changes).length === 0 && !labels) return { task, alsoChanged: [] };

  if (labels) {
    await tx.taskLabel.deleteMany({ where: { taskId: task.id, task: { userId } } });
    if (labels.length) await tx.taskLabel.createMany({ data: labels.map((labelId) => ({ taskId: task.id, labelId })) });
  }
  const updated = await tx.task.update({
    where: { id: task.id, userId },
    data: { ...changes, updatedAt: now, version: { increment: 1 } },
  });
  return { task: updated, alsoChanged: await tasksByIds(tx, userId, completion.alsoChanged) };
}

/** The task's label ids after the update, or null when its labels do not change. */
async function nextLabels(tx: Tx, userId: string, task: Task, data: UpdateData, input: UpdateTaskInput, issues: FieldIssue[]): Promise<string[] | null> {
  if (data.labelIds === undefined && !data.addLabelIds?.length && !data.removeLabelIds?.length) return null;
  const current = (await tx.taskLabel.findMany({ where: { taskId: task.id, task: { userId } }, select: { labelId: true } })).map((l) => l.labelId);
  let wanted: string[];
  let field = 'labelIds';
  if (data.labelIds !== undefined) {
    wanted = await collectIssues(issues, () => resolveLabelIds(tx, userId, ['labelIds'], input.labelIds!));
  } else {
    const add = data.addLabelIds?.length ? await collectIssues(issues, () => resolveLabelIds(tx, userId, ['addLabelIds'], input.addLabelIds!)) : [];
    const remove = data.removeLabelIds?.length ? await collectIssues(issues, () => resolveLabelIds(tx, userId, ['removeLabelIds'], input.removeLabelIds!)) : [];
    wanted = [...new Set([...current, ...add])].filter((id) => !remove.includes(id));
    field = 'addLabelIds';
  }
  if (wanted.length > LABELS_PER_TASK_MAX) issues.push({ path: ['input', field], message: `A task can have at most ${LABELS_PER_TASK_MAX} labels` });
  const unchanged = wanted.length === current.length && wanted.every((id) => current.includes(id));
  return unchanged ? null : wanted;
}

/** The user's IANA time zone, in which recurring tasks repeat. */
export async function timeZoneOf(tx: Tx, userId: string): Promise<string> {
  return (await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { timeZone: true } })).timeZone;
}

/**
 * What completing or reopening a task directly does. Completing a recurring task moves its dueAt (and
 * remindAt by as much) to the next occurrence after both the old dueAt and now, reopens its descendants
 * and leaves it open; without a next occurrence, or without a rule, it completes with its open
 * descendants. Reopening reopens its completed ancestors.
 */
async function completionEffects(tx: Tx, userId: string, task: Task, completed: boolean, now: Date) {
  if (completed && task.recurrence !== null && task.dueAt !== null) {
    const timeZone = await timeZoneOf(tx, userId);
    const next = rollForward(task.recurrence, task.recurrenceStart ?? task.dueAt, task.dueAt, task.remindAt, timeZone, now);
    if (next) return { changes: next, alsoChanged: await reopenDescendants(tx, userId, task.id, now) };
  }
  if (completed) return { changes: { completed, completedAt: now }, alsoChanged: await completeDescendants(tx, userId, task.id, now) };
  return { changes: { completed, completedAt: null }, alsoChanged: await reopenAncestors(tx, userId, task.id, now) };
}

/**
 * Moves the task and its live descendants to the trash (one instant for all of them), or with
 * `permanently` deletes it for good, from the trash too. Returns the ids of every task deleted.
 */
export async function deleteTask(ctx: SignedInContext, id: string | null, { expectedVersion, permanently = false }: { expectedVersion?: number | null; permanently?: boolean | null }): Promise<string[]> {
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const task = await lockTask(tx, userId, id, expectedVersion, { trashed: Boolean(permanently) });
    const ids = [task.id, ...(await descendantIds(tx, userId, task.id, { trashed: Boolean(permanently) }))];
    if (permanently) {
      // The foreign key deletes the descendants with it.
      await tx.task.deleteMany({ where: { id: task.id, userId } });
    } else {
      const now = new Date();
      // One batch: restoreTask brings back what this deletion trashed, not what was trashed before.
      await tx.task.updateMany({ where: { id: { in: ids }, userId, deletedAt: null }, data: { deletedAt: now, trashedBy: task.id, updatedAt: now, version: { increment: 1 } } });
    }
    return ids;
  });
}

// ---- Shared with moves ----

/** One of the user's live tasks, or null (also for an id of no task at all). */
export function liveTask(tx: Tx, userId: string, id: string | null): Promise<Task | null> {
  return id ? tx.task.findFirst({ where: { id, userId, deletedAt: null } }) : Promise.resolve(null);
}

/** The position of the last live task among the siblings (same list, same parent), or null for none. */
/**
 * The where clause of a task's live siblings: the same parent, or the same list at the top level; `except`
 * leaves one task out (the one being placed). Always scoped to the user.
 */
export function siblingsWhere(userId: string, listId: string | null, parentId: string | null, except?: string) {
  return { userId, deletedAt: null, ...(parentId ? { parentId } : { listId, parentId: null }), ...(except && { id: { not: except } }) };
}

export async function lastSiblingPosition(tx: Tx, userId: string, listId: string | null, parentId: string | null, except?: string): Promise<string | null> {
  const last = await tx.task.findFirst({
    where: siblingsWhere(userId, listId, parentId, except),
    orderBy: [{ position: 'desc' }, { id: 'desc' }],
    select: { position: true },
  });
  return last?.position ?? null;
}

export async function tasksByIds(tx: Tx, userId: string, ids: string[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  return tx.task.findMany({ where: { id: { in: ids }, userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export const listOfParentIssue = (): FieldIssue => ({
  path: ['input', 'listId'],
  message: "A subtask is always in its parent's list: leave listId out, or give the parent's list",
});

export const depthIssue = (): FieldIssue => ({
  path: ['input', 'parentId'],
  message: `Subtasks nest at most ${MAX_DEPTH} levels deep (a top-level task is level 1)`,
});

function same(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}
