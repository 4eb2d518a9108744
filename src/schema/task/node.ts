// Task: the node type, its own fields, its parent and its subtask counts (batched per request).
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { NIL_UUID } from '../../global-id.ts';

export const TaskPriority = builder.enumType('TaskPriority', {
  description: 'How important a task is. Sorts NONE < LOW < MEDIUM < HIGH.',
  values: {
    NONE: { value: 0, description: 'No priority (the default).' },
    LOW: { value: 1, description: 'Low priority.' },
    MEDIUM: { value: 2, description: 'Medium priority.' },
    HIGH: { value: 3, description: 'High priority.' },
  } as const,
});

/**
 * The user whose rows a loader may read: the signed-in caller, or once signup, login or refreshToken has
 * shown an account's `user`, that account (whose tasks, lists and labels are reachable from there).
 */
export const viewerId = (ctx: Context) => ctx.signedInAs ?? ctx.viewer?.userId ?? NIL_UUID;

export const TaskRef = builder.prismaNode('Task', {
  description: 'A to-do item of the signed-in user.',
  id: { field: 'id' },
  nullable: true,
  // Node lookups are scoped to the caller and skip the trash: another user's task id finds nothing.
  findUnique: (id, context) => ({ id, userId: viewerId(context), deletedAt: null }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Short title, 1 to 200 characters (trimmed).' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text, up to 10,000 characters; null when not set or cleared.' }),
    completed: t.exposeBoolean('completed', { description: 'Whether the task is done.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it was last marked done; null while not completed.' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true, description: 'Optional deadline. A recurring task always has one.' }),
    priority: t.field({ type: TaskPriority, description: 'Importance; NONE unless set.', resolve: (task) => task.priority as 0 | 1 | 2 | 3 }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the task was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the task last changed.' }),
    position: t.exposeString('position', {
      description: 'Opaque key that orders the task among its siblings (same list, same parent). Compare keys by plain code-unit order, never with a locale collation; orderBy POSITION sorts by it.',
    }),
    recurrence: t.exposeString('recurrence', {
      nullable: true,
      description: 'RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO,WE", repeating the local time of dueAt in your time zone. Completing the task moves dueAt to the next occurrence instead of completing it.',
    }),
    remindAt: t.expose('remindAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When to send one reminder (the reminders subscription) while the task is open; null when none is armed.',
    }),
    version: t.exposeInt('version', {
      description: 'Starts at 1 and grows by one with every change of the task. Pass it as expectedVersion to refuse a write over a change you have not seen.',
    }),
    subtaskCount: t.int({
      description: 'How many direct subtasks the task has (trash excluded).',
      resolve: async (task, _args, ctx) => (await subtaskCounts(ctx).load(task.id)).total,
    }),
    completedSubtaskCount: t.int({
      description: 'How many of its direct subtasks are completed (trash excluded).',
      resolve: async (task, _args, ctx) => (await subtaskCounts(ctx).load(task.id)).completed,
    }),
  }),
});

builder.prismaObjectField('Task', 'parent', (t) =>
  t.loadable({
    type: TaskRef,
    nullable: true,
    description: 'The task this one is a subtask of; null for a top-level task.',
    load: (ids: string[], ctx: Context) => ctx.prisma.task.findMany({ where: { id: { in: ids }, userId: viewerId(ctx), deletedAt: null } }),
    sort: (task) => task.id,
    resolve: (task) => task.parentId,
  }),
);

/** Direct subtask counts of every task of the response, in one grouped query per request. */
const subtaskCounts = createContextCache(
  (ctx: Context) =>
    new DataLoader<string, { total: number; completed: number }>(async (parentIds) => {
      const rows = await ctx.prisma.task.groupBy({
        by: ['parentId', 'completed'],
        where: { parentId: { in: [...parentIds] }, userId: viewerId(ctx), deletedAt: null },
        _count: { _all: true },
      });
      const counts = new Map(parentIds.map((id) => [id, { total: 0, completed: 0 }]));
      for (const row of rows) {
        const count = counts.get(row.parentId!)!;
        count.total += row._count._all;
        if (row.completed) count.completed += row._count._all;
      }
      return parentIds.map((id) => counts.get(id)!);
    }),
);
