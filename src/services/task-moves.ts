// moveTask: a new list (null = Inbox), a new parent (null = top level) and a new place among the
// siblings there, in one step. The subtree moves along; no other task's position ever changes.
import { ValidationError, type FieldIssue } from '../errors.ts';
import type { SignedInContext } from '../context.ts';
import type { Task } from '../generated/prisma/client.ts';
import { keyAfter, keyBetween, nextTo, type Placed, type Side } from './ordering.ts';
import { throwIfAny, unresolved, uuidOf, type Tx } from './references.ts';
import { ownList } from './task-lists.ts';
import { ancestorIds, descendantIds, lockTask, MAX_DEPTH, subtreeHeight } from './task-tree.ts';
import { depthIssue, lastSiblingPosition, listOfParentIssue, liveTask, siblingsWhere, tasksByIds, type TaskResult } from './tasks.ts';
import { inTransaction } from './transactions.ts';

export interface MoveTaskInput {
  /** Absent: keep; null: the Inbox. */
  listId?: string | null;
  /** Absent: keep; null: top level. */
  parentId?: string | null;
  afterId?: string | null;
  beforeId?: string | null;
  expectedVersion?: number | null;
}

export async function moveTask(ctx: SignedInContext, id: string | null, input: MoveTaskInput): Promise<TaskResult> {
  if (input.afterId != null && input.beforeId != null) {
    throw new ValidationError([{ path: ['input', 'beforeId'], message: 'Give afterId or beforeId, not both (neither puts the task last)' }]);
  }
  // The input alone says a task is its own parent or neighbour: that comes before existence and version.
  const itself = (ref: string | null | undefined) => ref != null && id !== null && uuidOf(ref, 'Task') === id;
  if (itself(input.parentId)) {
    throw new ValidationError([{ path: ['input', 'parentId'], message: 'A task cannot move under itself or one of its subtasks' }]);
  }
  for (const field of ['afterId', 'beforeId'] as const) {
    if (itself(input[field])) throw new ValidationError([{ ...unresolved([field], 'Task'), message: siblingMessage(field) }]);
  }
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const task = await lockTask(tx, userId, id, input.expectedVersion);
    const issues: FieldIssue[] = [];
    const { listId, parentId } = await destination(tx, userId, task, input, issues);
    throwIfAny(issues);
    const position = await placeAmongSiblings(tx, userId, task, { listId, parentId }, input);
    if (listId === task.listId && parentId === task.parentId && position === task.position) return { task, alsoChanged: [] };

    const now = new Date();
    const moved = await tx.task.update({
      where: { id: task.id, userId },
      data: { listId, parentId, position, updatedAt: now, version: { increment: 1 } },
    });
    if (listId === task.listId) return { task: moved, alsoChanged: [] };
    // The subtree follows into the new list (trashed descendants too, so a restore finds them there).
    const subtree = await descendantIds(tx, userId, task.id, { trashed: true });
    if (subtree.length) {
      await tx.task.updateMany({ where: { id: { in: subtree }, userId }, data: { listId, updatedAt: now, version: { increment: 1 } } });
    }
    const live = await descendantIds(tx, userId, task.id);
    return { task: moved, alsoChanged: await tasksByIds(tx, userId, live) };
  });
}

/** The list and parent the task moves to, checked for existence, cycles, depth and list agreement. */
async function destination(tx: Tx, userId: string, task: Task, input: MoveTaskInput, issues: FieldIssue[]) {
  let parent: Task | null = null;
  if (input.parentId === undefined) {
    parent = task.parentId ? await liveTask(tx, userId, task.parentId) : null;
  } else if (input.parentId !== null) {
    parent = await liveTask(tx, userId, uuidOf(input.parentId, 'Task'));
    if (!parent) {
      issues.push(unresolved(['parentId'], 'Task'));
    } else {
      const ancestors = await ancestorIds(tx, userId, parent.id);
      if (parent.id === task.id || ancestors.includes(task.id)) {
        issues.push({ path: ['input', 'parentId'], message: 'A task cannot move under itself or one of its subtasks' });
      } else if (ancestors.length + 1 + (await subtreeHeight(tx, userId, task.id)) > MAX_DEPTH) {
        issues.push(depthIssue());
      }
    }
  }
  let listId = parent ? parent.listId : task.listId;
  if (input.listId !== undefined) {
    const list = input.listId === null ? null : await ownList(tx, userId, uuidOf(input.listId, 'TaskList'));
    if (input.listId !== null && !list) issues.push(unresolved(['listId'], 'TaskList'));
    else if (parent && (list?.id ?? null) !== parent.listId) issues.push(listOfParentIssue());
    else if (!parent) listId = list?.id ?? null;
  }
  return { listId, parentId: parent?.id ?? null };
}

/**
 * The task's position at the destination: right after `afterId`, right before `beforeId`, or last. A task
 * already at that place keeps its key (moving there is not a change).
 */
async function placeAmongSiblings(tx: Tx, userId: string, task: Task, group: { listId: string | null; parentId: string | null }, input: MoveTaskInput): Promise<string> {
  const scopedSiblings = siblingsWhere(userId, group.listId, group.parentId, task.id);
  const sameGroup = group.listId === task.listId && group.parentId === task.parentId;
  const neighbour = async (item: Placed, side: Side) => {
    const { where, orderBy } = nextTo(item, side);
    return tx.task.findFirst({ where: { ...scopedSiblings, ...where }, orderBy, select: { id: true, position: true } });
  };
  const field = input.afterId != null ? 'afterId' : input.beforeId != null ? 'beforeId' : null;
  if (!field) {
    if (sameGroup && (await neighbour(task, 'after')) === null) return task.position;
    return keyAfter(await lastSiblingPosition(tx, userId, group.listId, group.parentId, task.id));
  }
  const anchor = await liveTask(tx, userId, uuidOf(input[field]!, 'Task'));
  const isSibling = anchor && anchor.id !== task.id && (group.parentId ? anchor.parentId === group.parentId : anchor.parentId === null && anchor.listId === group.listId);
  if (!anchor || !isSibling) {
    throw new ValidationError([{ ...unresolved([field], 'Task'), message: siblingMessage(field) }]);
  }
  const side: Side = field === 'afterId' ? 'after' : 'before';
  if (sameGroup && (await neighbour(task, side === 'after' ? 'before' : 'after'))?.id === anchor.id) return task.position;
  let far = (await neighbour(anchor, side))?.position ?? null;
  if (far === anchor.position) {
    // The anchor shares its key with its neighbour (keys left equal by an older version's restore): no key
    // fits between them without re-keying another task, so the task goes past the run of equal keys, and
    // never onto the key of the sibling beyond it.
    const op = side === 'after' ? 'gt' : 'lt';
    const beyond = await tx.task.findFirst({ where: { ...scopedSiblings, position: { [op]: anchor.position } }, orderBy: [{ position: side === 'after' ? 'asc' : 'desc' }], select: { position: true } });
    far = beyond?.position ?? null;
  }
  return side === 'after' ? keyBetween(anchor.position, far) : keyBetween(far, anchor.position);
}

const siblingMessage = (field: string) =>
  `${field} must be one of your tasks that is a sibling at the destination (same list and parent), not the task itself`;
