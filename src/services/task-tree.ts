// Subtasks as a tree: locking a task for a change, depth and height, and the cascades of completion
// (completing completes open descendants, reopening reopens completed ancestors). Recursive queries
// walk parent_id inside the caller's rows only, and stop at the depth limit even on bad data.
import { NotFoundError, StaleTaskError } from '../errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import type { Tx } from './references.ts';

/** A top-level task is at depth 1; subtasks nest down to this depth. */
export const MAX_DEPTH = 4;
// Recursion guard, past any depth the API lets a tree reach.
export const WALK_LIMIT = 16;

/**
 * Locks one of the user's tasks for the rest of the transaction and returns it, so the check of
 * expectedVersion and the write that follows see no concurrent change in between: a second writer waits
 * for the first to commit, then finds the new version. Trashed tasks count as missing unless `trashed`.
 */
export async function lockTask(tx: Tx, userId: string, id: string | null, expectedVersion?: number | null, { trashed = false } = {}): Promise<Task> {
  if (id === null) throw new NotFoundError();
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "tasks"
     WHERE "id" = ${id}::uuid AND "user_id" = ${userId}::uuid AND ("deleted_at" IS NULL OR ${trashed})
       FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError();
  const task = await tx.task.findFirstOrThrow({ where: { id, userId } });
  if (expectedVersion != null && expectedVersion !== task.version) throw new StaleTaskError(task);
  return task;
}

export interface Relative {
  id: string;
  /** The root (of `roots`) this one descends from, or is an ancestor of. */
  root: string;
}

/** The descendants of each root (not the roots), live ones only unless `trashed`, each with its root. */
export function descendantsOf(tx: Tx, userId: string, roots: string[], { trashed = false } = {}): Promise<Relative[]> {
  if (roots.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<Relative[]>`
    WITH RECURSIVE tree AS (
      SELECT r.id AS id, r.id AS root, 0 AS level FROM unnest(${roots}::uuid[]) AS r(id)
      UNION ALL
      SELECT t."id", tree.root, tree.level + 1 FROM "tasks" t JOIN tree ON t."parent_id" = tree.id
       WHERE t."user_id" = ${userId}::uuid AND (t."deleted_at" IS NULL OR ${trashed}) AND tree.level < ${WALK_LIMIT}
    )
    SELECT id::text AS id, root::text AS root FROM tree WHERE level > 0`;
}

/** The ancestors of each root, nearest first, each with its root. */
export function ancestorsOf(tx: Tx, userId: string, roots: string[]): Promise<Relative[]> {
  if (roots.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<Relative[]>`
    WITH RECURSIVE up AS (
      SELECT t."parent_id" AS id, t."id" AS root, 1 AS level FROM "tasks" t
       WHERE t."id" = ANY(${roots}::uuid[]) AND t."user_id" = ${userId}::uuid AND t."parent_id" IS NOT NULL
      UNION ALL
      SELECT t."parent_id", up.root, up.level + 1 FROM "tasks" t JOIN up ON t."id" = up.id
       WHERE t."user_id" = ${userId}::uuid AND t."parent_id" IS NOT NULL AND up.level < ${WALK_LIMIT}
    )
    SELECT id::text AS id, root::text AS root FROM up ORDER BY root, level`;
}

/** Ids of the task's descendants (not the task), live ones only unless `trashed`. */
export async function descendantIds(tx: Tx, userId: string, id: string, options: { trashed?: boolean } = {}): Promise<string[]> {
  return (await descendantsOf(tx, userId, [id], options)).map((row) => row.id);
}

/** The task's ancestors, nearest first. */
export async function ancestorIds(tx: Tx, userId: string, id: string): Promise<string[]> {
  return (await ancestorsOf(tx, userId, [id])).map((row) => row.id);
}

/** Levels in the task's subtree, trashed descendants included (they come back with a restore): 1 = no subtasks. */
export async function subtreeHeight(tx: Tx, userId: string, id: string): Promise<number> {
  const rows = await tx.$queryRaw<{ height: number }[]>`
    WITH RECURSIVE tree AS (
      SELECT "id", 1 AS level FROM "tasks" WHERE "id" = ${id}::uuid AND "user_id" = ${userId}::uuid
      UNION ALL
      SELECT t."id", tree.level + 1 FROM "tasks" t JOIN tree ON t."parent_id" = tree."id"
       WHERE t."user_id" = ${userId}::uuid AND tree.level < ${WALK_LIMIT}
    )
    SELECT max(level)::int AS height FROM tree`;
  return rows[0]?.height ?? 1;
}

/** Completes the task's open live descendants with the same completedAt; returns their ids. */
export async function completeDescendants(tx: Tx, userId: string, id: string, now: Date): Promise<string[]> {
  const ids = await descendantIds(tx, userId, id);
  return setCompletion(tx, userId, ids, true, now);
}

/** Reopens the task's completed live descendants; returns their ids. */
export async function reopenDescendants(tx: Tx, userId: string, id: string, now: Date): Promise<string[]> {
  const ids = await descendantIds(tx, userId, id);
  return setCompletion(tx, userId, ids, false, now);
}

/** Reopens the task's completed ancestors; returns their ids. */
export async function reopenAncestors(tx: Tx, userId: string, id: string, now: Date): Promise<string[]> {
  return setCompletion(tx, userId, await ancestorIds(tx, userId, id), false, now);
}

/** Sets completion on those of `ids` that are not in that state yet (one statement); returns the ids changed. */
async function setCompletion(tx: Tx, userId: string, ids: string[], completed: boolean, now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "tasks"
       SET "completed" = ${completed}, "completed_at" = ${completed ? now : null}::timestamptz,
           "updated_at" = ${now}, "version" = "version" + 1
     WHERE "id" = ANY(${ids}::uuid[]) AND "user_id" = ${userId}::uuid AND "deleted_at" IS NULL
       AND "completed" = ${!completed}
 RETURNING "id"::text AS id`;
  return rows.map((row) => row.id);
}
