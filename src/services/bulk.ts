// Bulk mutations on up to 100 tasks: updateTasks, deleteTasks, restoreTasks. One result per id, in input
// order; an id that fails does not stop the others. Set-based: a handful of statements for 100 ids (one
// lock, one load, one walk of the subtrees, one UPDATE … FROM unnest for every changed row), whatever the
// number of ids.
import { generateNKeysBetween } from 'fractional-indexing';
import type { SignedInContext } from '../context.ts';
import { badUserInput, NotFoundError, ValidationError, type FieldIssue } from '../errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import { LABELS_PER_TASK_MAX, resolveLabelIds } from './labels.ts';
import { rollForward, startAtTimeOf } from './recurrence.ts';
import { collectIssues, unresolved, uuidOf, type Tx } from './references.ts';
import { ownList } from './task-lists.ts';
import { ancestorsOf, descendantsOf, WALK_LIMIT } from './task-tree.ts';
import { siblingsWhere, tasksByIds, timeZoneOf, type TaskResult } from './tasks.ts';
import { inTransaction } from './transactions.ts';

export const BULK_MAX = 100;

export type BulkResult<T> = T | NotFoundError | ValidationError;

/** The uuids of 1 to 100 distinct task ids (null for one that cannot name a task); anything else changes nothing. */
export function bulkIds(ids: readonly string[]): (string | null)[] {
  if (ids.length < 1 || ids.length > BULK_MAX) throw badUserInput(`\`ids\` must hold 1 to ${BULK_MAX} ids (got ${ids.length}).`);
  const keys = ids.map((id) => uuidOf(id, 'Task'));
  // Compared as the tasks they name too (ids are compared as strings first, then as the uuids they decode to).
  const named = keys.filter((key) => key !== null);
  if (new Set(ids).size !== ids.length || new Set(named).size !== named.length) throw badUserInput('`ids` must not repeat an id.');
  return keys;
}

export interface BulkTaskChanges {
  completed?: boolean | null;
  priority?: number | null;
  dueAt?: Date | null;
  listId?: string | null;
  addLabelIds?: string[] | null;
  removeLabelIds?: string[] | null;
}

/** The stored values a bulk update writes, per task (the columns of the UPDATE … FROM unnest below). */
type Values = Pick<Task, 'completed' | 'completedAt' | 'dueAt' | 'remindAt' | 'priority' | 'listId' | 'position' | 'recurrenceStart'>;

/**
 * `set.listId` places each task as `moveTask` with only `listId` would, one after the other in input order:
 * last among its siblings at the destination (a subtask, which stays in its list, last under its parent).
 * Only the first task placed in a group can already be last there, and then it keeps its key.
 */
async function placeLast(tx: Tx, userId: string, listId: string | null, tasks: Task[], write: (task: Task, values: Partial<Values>) => void) {
  const groups = new Map<string | null, Task[]>();
  for (const task of tasks) groups.set(task.parentId, [...(groups.get(task.parentId) ?? []), task]);
  for (const [parentId, members] of groups) {
    const tail = await tx.task.findFirst({
      where: siblingsWhere(userId, listId, parentId),
      orderBy: [{ position: 'desc' }, { id: 'desc' }],
      select: { id: true, position: true },
    });
    const placed = members[0]!.id === tail?.id ? members.slice(1) : members;
    const positions = generateNKeysBetween(tail?.position ?? null, null, placed.length);
    placed.forEach((task, index) => write(task, { position: positions[index]! }));
  }
}

export async function updateTasks(ctx: SignedInContext, ids: readonly string[], set: BulkTaskChanges): Promise<BulkResult<TaskResult>[]> {
  const keys = bulkIds(ids);
  const userId = ctx.viewer.userId;
  const setIssue = (field: string, message: string): FieldIssue => ({ path: ['input', 'set', field], message });
  const nulls = (['completed', 'priority'] as const).filter((field) => set[field] === null);
  if (nulls.length) {
    const error = new ValidationError(nulls.map((field) => setIssue(field, `${field} cannot be null: omit it to leave it unchanged`)));
    return keys.map(() => error);
  }
  return inTransaction(ctx, async (tx) => {
    // Existence comes before the checks that need stored rows, as in moveTask and updateTask.
    const tasks = await lockLive(tx, userId, keys);
    const found = (id: string | null): id is string => id !== null && tasks.has(id);
    // The changes themselves: their ids must be the caller's own (or every task found fails the same way).
    const issues: FieldIssue[] = [];
    const list = set.listId != null ? await ownList(tx, userId, uuidOf(set.listId, 'TaskList')) : null;
    if (set.listId != null && !list) issues.push(unresolved(['set', 'listId'], 'TaskList'));
    const add = set.addLabelIds?.length ? await collectIssues(issues, () => resolveLabelIds(tx, userId, ['set', 'addLabelIds'], set.addLabelIds!)) : [];
    const remove = set.removeLabelIds?.length ? await collectIssues(issues, () => resolveLabelIds(tx, userId, ['set', 'removeLabelIds'], set.removeLabelIds!)) : [];
    if (issues.length) {
      const error = new ValidationError(issues);
      return keys.map((id) => (found(id) ? error : new NotFoundError()));
    }

    const labelsOf = await currentLabels(tx, userId, [...tasks.keys()]);
    const results = new Map<string, ValidationError>();
    // In input order, which placeLast follows.
    const valid: Task[] = [];
    for (const task of keys.filter(found).map((id) => tasks.get(id)!)) {
      const problems: FieldIssue[] = [];
      if (set.listId !== undefined && task.parentId !== null && (list?.id ?? null) !== task.listId) {
        problems.push(setIssue('listId', 'A subtask stays in its parent\'s list: move its top-level task instead'));
      }
      if (set.dueAt === null && task.recurrence !== null) problems.push(setIssue('dueAt', 'dueAt cannot be cleared while the task repeats'));
      const labels = new Set([...(labelsOf.get(task.id) ?? []), ...add].filter((id) => !remove.includes(id)));
      if (labels.size > LABELS_PER_TASK_MAX) problems.push(setIssue('addLabelIds', `A task can have at most ${LABELS_PER_TASK_MAX} labels`));
      if (problems.length) results.set(task.id, new ValidationError(problems));
      else valid.push(task);
    }

    // Every row the update writes: the tasks themselves, then the cascades (subtrees, ancestors).
    const now = new Date();
    const next = new Map<string, Values>();
    const changedBy = new Map<string, Set<string>>(valid.map((task) => [task.id, new Set()]));
    const write = (task: Task, values: Partial<Values>, by?: string) => {
      const merged = { ...pick(task), ...next.get(task.id), ...values };
      next.set(task.id, merged);
      if (by && by !== task.id) changedBy.get(by)!.add(task.id);
    };
    const labelChanged = new Set<string>();
    const timeZone = set.dueAt && valid.some((task) => task.recurrence !== null) ? await timeZoneOf(tx, userId) : 'UTC';
    for (const task of valid) {
      const values: Partial<Values> = {};
      if (set.priority != null && set.priority !== task.priority) values.priority = set.priority;
      if (set.dueAt !== undefined && !sameTime(set.dueAt, task.dueAt)) {
        values.dueAt = set.dueAt;
        // The rule repeats the local time of the new dueAt, as after updateTask.
        if (task.recurrence !== null && task.dueAt && set.dueAt) values.recurrenceStart = startAtTimeOf(task.recurrenceStart ?? task.dueAt, set.dueAt, timeZone);
      }
      if (set.listId !== undefined && task.parentId === null && (list?.id ?? null) !== task.listId) values.listId = list?.id ?? null;
      if (Object.keys(values).length) write(task, values);
      const before = labelsOf.get(task.id) ?? [];
      if (add.some((id) => !before.includes(id)) || remove.some((id) => before.includes(id))) labelChanged.add(task.id);
    }
    if (set.completed != null) await completeAll(tx, ctx, valid, set.completed, now, next, write);
    await moveSubtrees(tx, userId, valid, next, write);
    if (set.listId !== undefined) await placeLast(tx, userId, list?.id ?? null, valid, write);

    for (const id of labelChanged) if (!next.has(id)) write(tasks.get(id)!, {});
    await writeAll(tx, userId, next, now);
    if (add.length && labelChanged.size) {
      await tx.$executeRaw`
        INSERT INTO "task_labels" ("task_id", "label_id")
        SELECT t.id, l.id FROM unnest(${[...labelChanged]}::uuid[]) AS t(id) CROSS JOIN unnest(${add}::uuid[]) AS l(id)
        ON CONFLICT DO NOTHING`;
    }
    if (remove.length && labelChanged.size) {
      await tx.taskLabel.deleteMany({ where: { taskId: { in: [...labelChanged] }, labelId: { in: remove }, task: { userId } } });
    }
    const rows = new Map((await tasksByIds(tx, userId, [...new Set([...next.keys(), ...valid.map((t) => t.id)])])).map((task) => [task.id, task]));
    return keys.map((id) => {
      if (!found(id)) return new NotFoundError();
      const error = results.get(id);
      if (error) return error;
      return { task: rows.get(id)!, alsoChanged: [...changedBy.get(id)!].map((other) => rows.get(other)!) };
    });
  });
}

/** Completes (with recurring roll-forward and cascades) or reopens every task of `tasks`, set-based. */
async function completeAll(tx: Tx, ctx: SignedInContext, tasks: Task[], completed: boolean, now: Date, next: Map<string, Values>, write: (task: Task, values: Partial<Values>, by?: string) => void) {
  const userId = ctx.viewer.userId;
  const toChange = tasks.filter((task) => task.completed !== completed);
  if (toChange.length === 0) return;
  if (!completed) {
    for (const task of toChange) write(task, { completed: false, completedAt: null });
    const ancestors = await ancestorsOf(tx, userId, toChange.map((t) => t.id));
    const rows = await rowsById(tx, userId, ancestors.map((a) => a.id));
    for (const { id, root } of ancestors) if (rows.get(id)?.completed) write(rows.get(id)!, { completed: false, completedAt: null }, root);
    return;
  }
  const timeZone = toChange.some((task) => task.recurrence) ? await timeZoneOf(tx, userId) : 'UTC';
  const rolling = new Set<string>();
  for (const task of toChange) {
    const { dueAt: due, recurrenceStart: start, remindAt } = next.get(task.id) ?? task;
    const rolled = task.recurrence && due ? rollForward(task.recurrence, start ?? due, due, remindAt, timeZone, now) : null;
    if (rolled) {
      rolling.add(task.id);
      write(task, rolled);
    } else {
      write(task, { completed: true, completedAt: now });
    }
  }
  // Descendants: completed with a completed task; reopened under a task that rolled forward.
  const descendants = await descendantsOf(tx, userId, toChange.map((t) => t.id));
  const rows = await rowsById(tx, userId, descendants.map((d) => d.id));
  for (const { id, root } of descendants) {
    const row = rows.get(id)!;
    const state = next.get(id)?.completed ?? row.completed;
    if (rolling.has(root) ? state : !state) {
      write(row, rolling.has(root) ? { completed: false, completedAt: null } : { completed: true, completedAt: now }, root);
    }
  }
}

/** The descendants of top-level tasks that change list follow them. */
async function moveSubtrees(tx: Tx, userId: string, tasks: Task[], next: Map<string, Values>, write: (task: Task, values: Partial<Values>, by?: string) => void) {
  const moved = tasks.filter((task) => next.has(task.id) && next.get(task.id)!.listId !== task.listId);
  if (moved.length === 0) return;
  const descendants = await descendantsOf(tx, userId, moved.map((t) => t.id), { trashed: true });
  const rows = await rowsById(tx, userId, descendants.map((d) => d.id));
  for (const { id, root } of descendants) write(rows.get(id)!, { listId: next.get(root)!.listId }, rows.get(id)!.deletedAt ? undefined : root);
}

/** One statement for every changed row: each gets its new values, a new version and updatedAt. */
async function writeAll(tx: Tx, userId: string, next: Map<string, Values>, now: Date) {
  if (next.size === 0) return;
  const rows = [...next.entries()];
  const column = <K extends keyof Values>(key: K) => rows.map(([, values]) => values[key]);
  await tx.$executeRaw`
    UPDATE "tasks" AS t
       SET "completed" = v.completed, "completed_at" = v.completed_at, "due_at" = v.due_at, "remind_at" = v.remind_at,
           "priority" = v.priority, "list_id" = v.list_id, "position" = v.position, "recurrence_start" = v.recurrence_start,
           "updated_at" = ${now}, "version" = t."version" + 1
      FROM unnest(${rows.map(([id]) => id)}::uuid[], ${column('completed')}::boolean[], ${column('completedAt')}::timestamptz[],
                  ${column('dueAt')}::timestamptz[], ${column('remindAt')}::timestamptz[], ${column('priority')}::smallint[],
                  ${column('listId')}::uuid[], ${column('position')}::text[], ${column('recurrenceStart')}::timestamptz[])
           AS v(id, completed, completed_at, due_at, remind_at, priority, list_id, position, recurrence_start)
     WHERE t."id" = v.id AND t."user_id" = ${userId}::uuid`;
}

/** Locks the live tasks among `ids` (in id order, so concurrent bulks lock alike) and loads them. */
async function lockLive(tx: Tx, userId: string, ids: (string | null)[]): Promise<Map<string, Task>> {
  const wanted = ids.filter((id): id is string => id !== null);
  if (wanted.length === 0) return new Map();
  await tx.$queryRaw`
    SELECT "id" FROM "tasks" WHERE "id" = ANY(${wanted}::uuid[]) AND "user_id" = ${userId}::uuid AND "deleted_at" IS NULL
     ORDER BY "id" FOR UPDATE`;
  return rowsById(tx, userId, wanted, { live: true });
}

async function rowsById(tx: Tx, userId: string, ids: string[], { live = false } = {}): Promise<Map<string, Task>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.task.findMany({ where: { id: { in: [...new Set(ids)] }, userId, ...(live && { deletedAt: null }) } });
  return new Map(rows.map((task) => [task.id, task]));
}

async function currentLabels(tx: Tx, userId: string, taskIds: string[]): Promise<Map<string, string[]>> {
  const rows = taskIds.length ? await tx.taskLabel.findMany({ where: { taskId: { in: taskIds }, task: { userId } }, select: { taskId: true, labelId: true } }) : [];
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row.taskId, [...(map.get(row.taskId) ?? []), row.labelId]);
  return map;
}

/** Trashes (or deletes for good) each task with its subtree; one result per id. */
export async function deleteTasks(ctx: SignedInContext, ids: readonly string[], permanently: boolean): Promise<BulkResult<string[]>[]> {
  const keys = bulkIds(ids);
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const wanted = keys.filter((id): id is string => id !== null);
    const found = wanted.length
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT "id"::text AS id FROM "tasks"
           WHERE "id" = ANY(${wanted}::uuid[]) AND "user_id" = ${userId}::uuid AND ("deleted_at" IS NULL OR ${permanently})
           ORDER BY "id" FOR UPDATE`
      : [];
    const roots = found.map((row) => row.id);
    const subtree = await descendantsOf(tx, userId, roots, { trashed: permanently });
    // A task under another task of the same request is trashed with that one's batch.
    const rootOf = new Map(subtree.map((row) => [row.id, row.root]));
    const now = new Date();
    if (permanently && roots.length) {
      await tx.task.deleteMany({ where: { id: { in: roots }, userId } });
    } else if (roots.length) {
      const all = [...new Set([...roots, ...subtree.map((row) => row.id)])];
      const batch = all.map((id) => topmost(id, rootOf));
      await tx.$executeRaw`
        UPDATE "tasks" AS t SET "deleted_at" = ${now}, "trashed_by" = v.batch, "updated_at" = ${now}, "version" = t."version" + 1
          FROM unnest(${all}::uuid[], ${batch}::uuid[]) AS v(id, batch)
         WHERE t."id" = v.id AND t."user_id" = ${userId}::uuid AND t."deleted_at" IS NULL`;
    }
    return keys.map((id) => (id !== null && roots.includes(id) ? [id, ...subtree.filter((row) => row.root === id).map((row) => row.id)] : new NotFoundError()));
  });
}

function topmost(id: string, rootOf: Map<string, string>): string {
  let current = id;
  for (let hops = 0; rootOf.has(current) && hops < WALK_LIMIT; hops++) current = rootOf.get(current)!;
  return current;
}

function pick(task: Task): Values {
  const { completed, completedAt, dueAt, remindAt, priority, listId, position, recurrenceStart } = task;
  return { completed, completedAt, dueAt, remindAt, priority, listId, position, recurrenceStart };
}

function sameTime(a: Date | null, b: Date | null) {
  return a === b || (a !== null && b !== null && a.getTime() === b.getTime());
}
