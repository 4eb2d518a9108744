// Task rules without GraphQL: validation, completion semantics, listing. Every query carries the
// signed-in user's id in its where clause, so another user's task is indistinguishable from none.
import { z } from 'zod';
import { badUserInput, NotFoundError, ValidationError } from '../errors.ts';
import type { SignedInContext } from '../context.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import { parseInput, text } from './validation.ts';
import { DEFAULT_ORDER, planPage, toPage, type PageArgs, type TaskOrder } from './task-pagination.ts';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10_000;
export const SEARCH_MAX = 200;

const title = text('title', TITLE_MAX, { min: 1, trim: true });
const description = text('description', DESCRIPTION_MAX);
const priority = z.number().int().min(0).max(3);

const createSchema = z.object({
  title,
  description: description.nullish(),
  dueAt: z.date().nullish(),
  priority: priority.nullish(),
  completed: z.boolean().nullish(),
});

// Absent = leave as it is. null clears description and dueAt; the other fields cannot be null.
const updateSchema = z.object({
  title: title.optional(),
  description: description.nullish(),
  dueAt: z.date().nullish(),
  priority: priority.optional(),
  completed: z.boolean().optional(),
});
const NOT_NULLABLE = ['title', 'priority', 'completed'] as const;

export type CreateTaskInput = z.input<typeof createSchema>;
export interface UpdateTaskInput {
  title?: string | null;
  description?: string | null;
  dueAt?: Date | null;
  priority?: number | null;
  completed?: boolean | null;
}

export async function createTask(ctx: SignedInContext, input: CreateTaskInput): Promise<Task> {
  const data = parseInput(createSchema, input);
  const completed = data.completed ?? false;
  // One instant for every timestamp, so completedAt never precedes createdAt.
  const now = new Date();
  return ctx.prisma.task.create({
    data: {
      createdAt: now,
      updatedAt: now,
      userId: ctx.viewer.userId,
      title: data.title,
      description: data.description ?? null,
      dueAt: data.dueAt ?? null,
      priority: data.priority ?? 0,
      completed,
      completedAt: completed ? now : null,
    },
  });
}

export async function updateTask(ctx: SignedInContext, id: string | null, input: UpdateTaskInput): Promise<Task> {
  const nulls = NOT_NULLABLE.filter((field) => input[field] === null);
  if (nulls.length) {
    throw new ValidationError(
      nulls.map((field) => ({ path: ['input', field], message: `${field} cannot be null: omit it to leave it unchanged` })),
    );
  }
  const data = parseInput(updateSchema, input);
  if (id === null) throw new NotFoundError();
  const changes: Prisma.TaskUpdateManyMutationInput = {};
  if (data.title != null) changes.title = data.title;
  if (data.description !== undefined) changes.description = data.description;
  if (data.dueAt !== undefined) changes.dueAt = data.dueAt;
  if (data.priority != null) changes.priority = data.priority;
  if (data.completed != null) return setCompleted(ctx, id, data.completed, changes);
  return Object.keys(changes).length ? updateOwned(ctx, id, { ...changes, updatedAt: new Date() }) : findOwned(ctx, id);
}

/** Sets completion; completedAt keeps its time when the task was already complete. */
export async function setCompleted(
  ctx: SignedInContext,
  id: string | null,
  completed: boolean,
  otherChanges: Prisma.TaskUpdateManyMutationInput = {},
): Promise<Task> {
  if (id === null) throw new NotFoundError();
  const now = new Date();
  const scope = { id, userId: ctx.viewer.userId };
  const { count } = await ctx.prisma.task.updateMany({
    where: { ...scope, completed: !completed },
    data: { ...otherChanges, completed, completedAt: completed ? now : null, updatedAt: now },
  });
  if (count === 0 && Object.keys(otherChanges).length) return updateOwned(ctx, id, { ...otherChanges, updatedAt: now });
  // Either it changed, or it already had that state (or is not ours: findOwned says NotFound).
  return findOwned(ctx, id);
}

/** Flips completion in one statement, so concurrent toggles serialise in the database. */
export async function toggleCompleted(ctx: SignedInContext, id: string | null): Promise<Task> {
  if (id === null) throw new NotFoundError();
  const rows = await ctx.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "tasks"
       SET "completed" = NOT "completed",
           "completed_at" = CASE WHEN "completed" THEN NULL ELSE now() END,
           "updated_at" = now()
     WHERE "id" = ${id}::uuid AND "user_id" = ${ctx.viewer.userId}::uuid
 RETURNING "id"`;
  if (rows.length === 0) throw new NotFoundError();
  return findOwned(ctx, id);
}

export async function deleteTask(ctx: SignedInContext, id: string | null): Promise<void> {
  if (id === null) throw new NotFoundError();
  const { count } = await ctx.prisma.task.deleteMany({ where: { id, userId: ctx.viewer.userId } });
  if (count === 0) throw new NotFoundError();
}

async function updateOwned(ctx: SignedInContext, id: string, data: Prisma.TaskUpdateManyMutationInput): Promise<Task> {
  const { count } = await ctx.prisma.task.updateMany({ where: { id, userId: ctx.viewer.userId }, data });
  if (count === 0) throw new NotFoundError();
  return findOwned(ctx, id);
}

async function findOwned(ctx: SignedInContext, id: string): Promise<Task> {
  const task = await ctx.prisma.task.findFirst({ where: { id, userId: ctx.viewer.userId } });
  if (!task) throw new NotFoundError();
  return task;
}

export interface TaskFilter {
  completed?: boolean | null;
  priority?: number[] | null;
  search?: string | null;
  dueBefore?: Date | null;
  dueAfter?: Date | null;
}

export function filterWhere(userId: string, filter: TaskFilter | null | undefined): Prisma.TaskWhereInput {
  const where: Prisma.TaskWhereInput = { userId };
  if (!filter) return where;
  if (filter.completed != null) where.completed = filter.completed;
  if (filter.priority != null) where.priority = { in: filter.priority };
  if (filter.dueBefore != null || filter.dueAfter != null) {
    where.dueAt = {
      ...(filter.dueBefore != null && { lt: filter.dueBefore }),
      ...(filter.dueAfter != null && { gt: filter.dueAfter }),
    };
  }
  if (filter.search != null) {
    const search = filter.search;
    if ([...search].length > SEARCH_MAX) throw badUserInput(`\`filter.search\` must be at most ${SEARCH_MAX} characters.`);
    if (search.includes('\u0000')) throw badUserInput('`filter.search` must not contain NUL characters.');
    if (search !== '') {
      // Prisma sends `contains` as ILIKE '%' || value || '%' without escaping, so % and _ would be
      // wildcards and a backslash an escape: escape all three so the search is a literal substring.
      const contains = { contains: search.replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' } as const;
      where.OR = [{ title: contains }, { description: contains }];
    }
  }
  return where;
}

export interface TaskListArgs extends PageArgs {
  filter?: TaskFilter | null;
  orderBy?: TaskOrder | null;
}

/**
 * One page of `userId`'s tasks (one query; two when a DUE_AT page crosses from dated to undated tasks),
 * plus a lazy count of the filtered set. The caller decides whose list it may read: the signed-in
 * user's own (Query.tasks, me.tasks, AuthPayload.user.tasks).
 */
export async function listTasks(ctx: Pick<SignedInContext, 'prisma'>, userId: string, args: TaskListArgs) {
  const order = args.orderBy ?? DEFAULT_ORDER;
  const plan = planPage(order, args);
  const scope = filterWhere(userId, args.filter);
  const fetched: Task[] = [];
  for (const where of plan.wheres) {
    fetched.push(...(await ctx.prisma.task.findMany({
      where: { AND: [scope, where] },
      orderBy: plan.orderBy,
      take: plan.take - fetched.length,
    })));
    if (fetched.length === plan.take) break;
  }
  return {
    order,
    page: toPage(plan, fetched, args),
    count: () => ctx.prisma.task.count({ where: scope }),
  };
}
