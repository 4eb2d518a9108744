// The trash: restoring trashed tasks (one or many, set-based) and purging old trash. A deletion trashes a
// task and its live descendants as one batch (trashed_by = the deleted task, or the deleted list);
// restoring a task brings back its descendants of the same batch and its trashed ancestors.
import type { SignedInContext } from '../context.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { Task } from '../generated/prisma/client.ts';
import { NotFoundError } from '../errors.ts';
import type { Bus } from '../live/bus.ts';
import type { Tx } from './references.ts';
import { keyBetween } from './ordering.ts';
import { WALK_LIMIT } from './task-tree.ts';
import { siblingsWhere, tasksByIds, type TaskResult } from './tasks.ts';
import { inTransaction } from './transactions.ts';


/** Per id (uuids from bulkIds): the restored task and what came back with it; NotFoundError for ids not in the user's trash. */
export async function restoreTasks(ctx: SignedInContext, ids: (string | null)[]): Promise<(TaskResult | NotFoundError)[]> {
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const trashed = wanted.length
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT "id"::text AS id FROM "tasks"
           WHERE "id" = ANY(${wanted}::uuid[]) AND "user_id" = ${userId}::uuid AND "deleted_at" IS NOT NULL
           ORDER BY "id" FOR UPDATE`
      : [];
    const roots = await tx.task.findMany({ where: { id: { in: trashed.map((row) => row.id) }, userId } });
    const [descendants, ancestors] = await Promise.all([batchDescendants(tx, userId, roots), trashedAncestors(tx, userId, roots)]);
    const restored = new Set([...roots.map((task) => task.id), ...descendants.map((row) => row.id), ...ancestors.map((row) => row.id)]);
    const now = new Date();
    if (restored.size) {
      await tx.task.updateMany({
        where: { id: { in: [...restored] }, userId, deletedAt: { not: null } },
        data: { deletedAt: null, trashedBy: null, updatedAt: now, version: { increment: 1 } },
      });
    }
    if (restored.size) await rekeyCollisions(tx, userId, [...restored]);
    const rows = new Map((await tasksByIds(tx, userId, [...restored])).map((task) => [task.id, task]));
    const cameWith = (root: string) => [...descendants, ...ancestors].filter((row) => row.root === root).map((row) => rows.get(row.id)!);
    return ids.map((id) => {
      const task = id === null ? undefined : rows.get(id);
      return task && roots.some((root) => root.id === id) ? { task, alsoChanged: cameWith(task.id) } : new NotFoundError();
    });
  });
}

export async function restoreTask(ctx: SignedInContext, id: string | null): Promise<TaskResult> {
  const [result] = await restoreTasks(ctx, [id]);
  if (result instanceof NotFoundError) throw result;
  return result!;
}

/**
 * A restored task keeps its key unless a live sibling has the same one: a task created or moved there
 * while it was in the trash took the key after the last live sibling, or it comes back into the Inbox
 * from a deleted list. It then goes right after the tasks sharing its key, so that keys among siblings
 * stay distinct and moveTask can always place a task between two neighbours (it never re-keys others).
 */
async function rekeyCollisions(tx: Tx, userId: string, ids: string[]) {
  const colliding = await tx.$queryRaw<{ id: string; position: string; list_id: string | null; parent_id: string | null }[]>`
    SELECT r."id"::text AS id, r."position", r."list_id"::text AS list_id, r."parent_id"::text AS parent_id FROM "tasks" r
     WHERE r."id" = ANY(${ids}::uuid[]) AND r."user_id" = ${userId}::uuid
       AND EXISTS (SELECT 1 FROM "tasks" s
                    WHERE s."user_id" = ${userId}::uuid AND s."deleted_at" IS NULL AND s."id" <> r."id" AND s."position" = r."position"
                      AND s."list_id" IS NOT DISTINCT FROM r."list_id" AND s."parent_id" IS NOT DISTINCT FROM r."parent_id")
     ORDER BY r."position", r."id"`;
  for (const row of colliding) {
    const siblings = siblingsWhere(userId, row.list_id, row.parent_id, row.id);
    // Two restored tasks that shared a key: re-keying the first one already parted them.
    if ((await tx.task.count({ where: { ...siblings, position: row.position } })) === 0) continue;
    const next = await tx.task.findFirst({ where: { ...siblings, position: { gt: row.position } }, orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { position: true } });
    await tx.task.updateMany({ where: { id: row.id, userId }, data: { position: keyBetween(row.position, next?.position ?? null) } });
  }
}

/** Trashed descendants of each root that were trashed by the same deletion as the root. */
function batchDescendants(tx: Tx, userId: string, roots: Task[]) {
  if (roots.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<{ id: string; root: string }[]>`
    WITH RECURSIVE tree AS (
      SELECT r.id AS id, r.id AS root, r.batch AS batch, 0 AS level
        FROM unnest(${roots.map((t) => t.id)}::uuid[], ${roots.map((t) => t.trashedBy)}::uuid[]) AS r(id, batch)
      UNION ALL
      SELECT t."id", tree.root, tree.batch, tree.level + 1 FROM "tasks" t JOIN tree ON t."parent_id" = tree.id
       WHERE t."user_id" = ${userId}::uuid AND t."deleted_at" IS NOT NULL AND t."trashed_by" IS NOT DISTINCT FROM tree.batch
         AND tree.level < ${WALK_LIMIT}
    )
    SELECT id::text AS id, root::text AS root FROM tree WHERE level > 0`;
}

/** Trashed ancestors of each root: a restored task needs its parents back. */
function trashedAncestors(tx: Tx, userId: string, roots: Task[]) {
  const withParent = roots.filter((task) => task.parentId !== null);
  if (withParent.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<{ id: string; root: string }[]>`
    WITH RECURSIVE up AS (
      SELECT r.parent AS id, r.id AS root, 1 AS level
        FROM unnest(${withParent.map((t) => t.id)}::uuid[], ${withParent.map((t) => t.parentId)}::uuid[]) AS r(id, parent)
      UNION ALL
      SELECT t."parent_id", up.root, up.level + 1 FROM "tasks" t JOIN up ON t."id" = up.id
       WHERE t."user_id" = ${userId}::uuid AND t."parent_id" IS NOT NULL AND up.level < ${WALK_LIMIT}
    )
    SELECT up.id::text AS id, up.root::text AS root FROM up
      JOIN "tasks" t ON t."id" = up.id AND t."user_id" = ${userId}::uuid AND t."deleted_at" IS NOT NULL`;
}

/**
 * Deletes for good the trash older than `retentionDays`, one user at a time: each user's transaction takes
 * that user's change value first (the same lock order as every request), and its tombstones tell sync.
 * Safe to run on every instance at once: a second purger of the same user waits, then finds nothing.
 * Plain SQL, as the timer that runs it should not load Prisma's query compiler into an idle server.
 */
export async function purgeTrash(sql: SqlRunner, retentionDays: number, now = new Date(), bus?: Pick<Bus, 'publishChanges'>): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const users = await sql.query<{ user_id: string }>(
    'SELECT DISTINCT "user_id"::text AS user_id FROM "tasks" WHERE "deleted_at" < $1 LIMIT 1000',
    [cutoff],
  );
  let purged = 0;
  for (const { user_id: userId } of users) {
    purged += await sql.transaction(async (tx) => {
      await tx.query('SELECT "taskapi_change_seq"($1::uuid)', [userId]);
      const [deleted] = await tx.query<{ count: number }>(
        'WITH d AS (DELETE FROM "tasks" WHERE "user_id" = $1::uuid AND "deleted_at" < $2 RETURNING 1) SELECT count(*)::int AS count FROM d',
        [userId, cutoff],
      );
      return deleted!.count;
    });
    bus?.publishChanges(userId);
  }
  await sql.query('DELETE FROM "idempotency_keys" WHERE "expires_at" < $1', [now]);
  return purged;
}
