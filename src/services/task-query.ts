// Reading tasks: the filter of every task connection and one keyset page of it. Every query starts from
// the signed-in user's id and leaves out the trash, so another user's task or a trashed one is never seen.
import { badUserInput } from '../errors.ts';
import { idOfType, NIL_UUID } from '../global-id.ts';
import type { SignedInContext } from '../context.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import { countTasks, findTasks } from './task-sql.ts';
import { DEFAULT_ORDER, planPage, toPage, type PageArgs, type TaskOrder } from './task-pagination.ts';

export const SEARCH_MAX = 200;
export const LABEL_FILTER_MAX = 100;

export interface TaskFilter {
  completed?: boolean | null;
  priority?: number[] | null;
  search?: string | null;
  dueBefore?: Date | null;
  dueAfter?: Date | null;
  listId?: string | null;
  inbox?: boolean | null;
  labelIds?: readonly string[] | null;
  topLevel?: boolean | null;
}

/** What a connection is restricted to before its filter: a list, a label or a parent task. */
export type TaskScope = Pick<Prisma.TaskWhereInput, 'listId' | 'parentId' | 'labels'>;

/** An id of the filter: malformed is BAD_USER_INPUT; another type's (or someone else's) matches nothing. */
function filterId(globalId: string, typename: string, name: string): string {
  try {
    return idOfType(globalId, typename) ?? NIL_UUID;
  } catch {
    throw badUserInput(`\`filter.${name}\` has an id that is not valid: pass ids exactly as the API returned them.`);
  }
}

export function filterWhere(userId: string, filter: TaskFilter | null | undefined, scope: TaskScope = {}, { trash = false } = {}): Prisma.TaskWhereInput {
  // Prisma reads `userId: undefined` as no condition at all: never let a missing id through.
  if (!userId) throw new Error('filterWhere needs the signed-in user');
  const where: Prisma.TaskWhereInput = { userId, deletedAt: trash ? { not: null } : null, ...scope };
  if (!filter) return where;
  const and: Prisma.TaskWhereInput[] = [];
  if (filter.listId != null) and.push({ listId: filterId(filter.listId, 'TaskList', 'listId') });
  if (filter.inbox != null) and.push({ listId: filter.inbox ? null : { not: null } });
  if (filter.topLevel != null) and.push({ parentId: filter.topLevel ? null : { not: null } });
  if (filter.labelIds != null) {
    if (filter.labelIds.length > LABEL_FILTER_MAX) throw badUserInput(`\`filter.labelIds\` may hold at most ${LABEL_FILTER_MAX} ids.`);
    const ids = filter.labelIds.map((id) => filterId(id, 'Label', 'labelIds'));
    and.push({ labels: { some: { labelId: { in: ids } } } });
  }
  if (and.length) where.AND = and;
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
export async function listTasks(
  ctx: Pick<SignedInContext, 'sql'>,
  userId: string,
  args: TaskListArgs,
  {
    scope,
    defaultOrder = DEFAULT_ORDER,
    trash = false,
    columns = null,
  }: {
    scope?: TaskScope;
    defaultOrder?: TaskOrder;
    trash?: boolean;
    /** The task fields the caller's selection reads (schema/task/columns.ts); null = all of them. */
    columns?: readonly (keyof Task)[] | null;
  } = {},
) {
  const order = args.orderBy ?? defaultOrder;
  const plan = planPage(order, args);
  const scopedWhere = filterWhere(userId, args.filter, scope, { trash });
  const fetched: Task[] = [];
  for (const part of plan.wheres) {
    fetched.push(...(await findTasks(ctx.sql, { AND: [scopedWhere, part] }, plan.orderBy, plan.take - fetched.length, columns)));
    if (fetched.length === plan.take) break;
  }
  return {
    order,
    page: toPage(plan, fetched, args),
    count: () => countTasks(ctx.sql, scopedWhere),
  };
}
