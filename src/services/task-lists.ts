// Task lists: create, rename/recolour, manual order, delete (tasks to the Inbox or to the trash).
// Every statement carries the signed-in user's id; a list of someone else's is exactly a missing one.
import { generateNKeysBetween } from 'fractional-indexing';
import type { SignedInContext } from '../context.ts';
import { LimitExceededError, NotFoundError, ValidationError } from '../errors.ts';
import type { TaskList } from '../generated/prisma/client.ts';
import { keyAfter, keyBetween, nextTo, type Placed, type Side } from './ordering.ts';
import { namedChanges, namedSchemas, nameUnique } from './names.ts';
import { clientId, insertWithClientId, throwIfAny, unresolved, uuidOf, type Tx } from './references.ts';
import { inTransaction } from './transactions.ts';
import { nameKey, nullIssues, parseInput } from './validation.ts';

export const LIST_NAME_MAX = 100;
export const LISTS_MAX = 200;

const schemas = namedSchemas(LIST_NAME_MAX);
const notFound = () => new NotFoundError('Task list');

export async function createTaskList(ctx: SignedInContext, input: { id?: string | null; name: string; color?: string | null }): Promise<TaskList> {
  const id = clientId(input.id, 'TaskList');
  const data = parseInput(schemas.create, input);
  const userId = ctx.viewer.userId;
  // inTransaction holds the user's row lock: concurrent creates count one after the other.
  return inTransaction(ctx, async (tx) => {
    if ((await tx.taskList.count({ where: { userId } })) >= LISTS_MAX) throw new LimitExceededError(LISTS_MAX, 'lists');
    const last = await tx.taskList.findFirst({ where: { userId }, orderBy: [{ position: 'desc' }, { id: 'desc' }], select: { position: true } });
    const now = new Date();
    return insertWithClientId(tx, id, 'TaskList', () =>
      nameUnique('list', tx.taskList.create({
        data: { id, userId, name: data.name, nameKey: nameKey(data.name), color: data.color ?? null, position: keyAfter(last?.position ?? null), createdAt: now, updatedAt: now },
      })),
    );
  });
}

export async function updateTaskList(ctx: SignedInContext, listId: string | null, input: { name?: string | null; color?: string | null }): Promise<TaskList> {
  throwIfAny(nullIssues(input, ['name']));
  const data = parseInput(schemas.update, input);
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const list = await ownList(tx, userId, listId);
    if (!list) throw notFound();
    const changes = namedChanges(list, data);
    if (Object.keys(changes).length === 0) return list;
    return nameUnique('list', tx.taskList.update({ where: { id: list.id, userId }, data: changes }));
  });
}

/** Puts a list right after `afterId` or right before `beforeId` (exactly one of them). */
export async function moveTaskList(ctx: SignedInContext, listId: string | null, input: { afterId?: string | null; beforeId?: string | null }): Promise<TaskList> {
  const given = (['afterId', 'beforeId'] as const).filter((field) => input[field] != null);
  if (given.length !== 1) {
    throw new ValidationError([{ path: ['input', given.length ? 'beforeId' : 'afterId'], message: 'Give exactly one of afterId and beforeId' }]);
  }
  const field = given[0]!;
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const list = await ownList(tx, userId, listId);
    if (!list) throw notFound();
    const anchor = await ownList(tx, userId, uuidOf(input[field]!, 'TaskList'));
    if (!anchor || anchor.id === list.id) throw new ValidationError([unresolved([field], 'TaskList')]);
    const side: Side = field === 'afterId' ? 'after' : 'before';
    const other: Side = side === 'after' ? 'before' : 'after';
    const neighbour = (item: Placed, towards: Side) =>
      tx.taskList.findFirst({ where: { userId, id: { not: list.id }, ...nextTo(item, towards).where }, orderBy: nextTo(item, towards).orderBy, select: { id: true, position: true } });
    // Already right there: not a change.
    if ((await neighbour(list, other))?.id === anchor.id) return list;
    const far = (await neighbour(anchor, side))?.position ?? null;
    const position = side === 'after' ? keyBetween(anchor.position, far) : keyBetween(far, anchor.position);
    return tx.taskList.update({ where: { id: list.id, userId }, data: { position } });
  });
}

/**
 * Deletes a list. Its tasks go to the Inbox, keeping their hierarchy and relative order (the top-level
 * ones after the Inbox's last task), or with deleteTasks to the trash.
 */
export async function deleteTaskList(ctx: SignedInContext, listId: string | null, deleteTasks: boolean): Promise<string> {
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const list = await ownList(tx, userId, listId);
    if (!list) throw notFound();
    const now = new Date();
    if (deleteTasks) {
      await tx.task.updateMany({
        where: { userId, listId: list.id, deletedAt: null },
        // The list's id names the batch: restoring one of its tasks brings back its subtasks trashed with it.
        data: { deletedAt: now, trashedBy: list.id, updatedAt: now, version: { increment: 1 } },
      });
    } else {
      const topLevel = await tx.task.findMany({
        where: { userId, listId: list.id, parentId: null },
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
        select: { id: true },
      });
      const lastInInbox = await tx.task.findFirst({
        where: { userId, listId: null, parentId: null, deletedAt: null },
        orderBy: [{ position: 'desc' }, { id: 'desc' }],
        select: { position: true },
      });
      const keys = generateNKeysBetween(lastInInbox?.position ?? null, null, topLevel.length);
      if (topLevel.length) {
        await tx.$executeRaw`
          UPDATE "tasks" AS t
             SET "list_id" = NULL, "position" = moved.position, "updated_at" = ${now}, "version" = t."version" + 1
            FROM unnest(${topLevel.map((task) => task.id)}::uuid[], ${keys}::text[]) AS moved(id, position)
           WHERE t."id" = moved.id AND t."user_id" = ${userId}::uuid`;
      }
      // The subtasks follow their parents; their places among their siblings stay as they were.
      await tx.task.updateMany({
        where: { userId, listId: list.id },
        data: { listId: null, updatedAt: now, version: { increment: 1 } },
      });
    }
    await tx.taskList.deleteMany({ where: { id: list.id, userId } });
    return list.id;
  });
}

/** One of the user's lists, or null (also for an id of no list at all). */
export function ownList(tx: Tx, userId: string, listId: string | null): Promise<TaskList | null> {
  return listId ? tx.taskList.findFirst({ where: { id: listId, userId } }) : Promise.resolve(null);
}
