// Keyset pagination of a user's tasks for every order of the API. A cursor holds the order it was made
// under, the row's sort key and its id, so a page never skips or repeats a task while rows come and go,
// and its cost does not grow with depth: the where clause starts the index scan at the cursor.
import { z } from 'zod';
import { UUID } from '../global-id.ts';
import { badUserInput } from '../errors.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import type { TaskWhere } from './task-sql.ts';

/** DELETED_AT is the trash's own order (not a TaskOrderField of the schema). */
export type OrderField = 'CREATED_AT' | 'UPDATED_AT' | 'DUE_AT' | 'PRIORITY' | 'TITLE' | 'POSITION' | 'DELETED_AT';
export type Direction = 'ASC' | 'DESC';
export interface TaskOrder {
  field: OrderField;
  direction: Direction;
}

export const DEFAULT_ORDER: TaskOrder = { field: 'CREATED_AT', direction: 'DESC' };
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const COLUMN = {
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
  DUE_AT: 'dueAt',
  PRIORITY: 'priority',
  TITLE: 'title',
  // COLLATE "C" on the column: keys compare by code point.
  POSITION: 'position',
  DELETED_AT: 'deletedAt',
} as const satisfies Record<OrderField, keyof Task>;

/** A timestamp is an ISO 8601 string (UTC, milliseconds), as cursors carry it. */
type SortValue = string | number | null;
type Key = { value: SortValue; id: string };

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface PagePlan {
  /**
   * Where clauses to run in turn, each continuing the order where the previous one ran out, until `take`
   * rows are found. One clause except for DUE_AT across the border between dated and undated tasks,
   * where one bounded index range per side keeps the cost of a page independent of its depth.
   */
  wheres: TaskWhere[];
  orderBy: Prisma.TaskOrderByWithRelationInput[];
  take: number;
  /** The query runs in reverse order (for `last`); rows must be reversed back. */
  backwards: boolean;
  size: number;
}

export interface Page {
  rows: Task[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function planPage(order: TaskOrder, args: PageArgs): PagePlan {
  const { first, last } = args;
  if (first != null && last != null) {
    throw badUserInput('Pass either `first` or `last`, not both.');
  }
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw badUserInput(`\`${name}\` must be between 1 and ${MAX_PAGE_SIZE} (got ${value}).`);
    }
  }
  const after = args.after != null ? decodeCursor(args.after, order, 'after') : null;
  const before = args.before != null ? decodeCursor(args.before, order, 'before') : null;
  const backwards = last != null;
  const size = last ?? first ?? DEFAULT_PAGE_SIZE;
  // The scan starts at one cursor (after when paging forward, before when backward); the other only
  // bounds the far end.
  const [start, far] = backwards ? [before, after] : [after, before];
  const farBound = far ? [anyOf(beyond(order, far, backwards ? 'forward' : 'backward'))] : [];
  const phases = start ? beyond(order, start, backwards ? 'backward' : 'forward') : [];
  const wheres = phases.length
    ? phases.map((phase) => ({ AND: [...farBound, phase] }))
    : [farBound.length ? { AND: farBound } : {}];
  return {
    wheres,
    orderBy: orderBy(order, backwards),
    take: size + 1,
    backwards,
    size,
  };
}

/** Turns the rows of a planned query (one extra row fetched to look ahead) into a page. */
export function toPage(plan: PagePlan, fetched: Task[], args: PageArgs): Page {
  const more = fetched.length > plan.size;
  const rows = fetched.slice(0, plan.size);
  if (plan.backwards) rows.reverse();
  // The far side of a cursor is known to hold at least the cursor's own task.
  return plan.backwards
    ? { rows, hasPreviousPage: more, hasNextPage: args.before != null }
    : { rows, hasNextPage: more, hasPreviousPage: args.after != null };
}

function orderBy(order: TaskOrder, reversed: boolean): Prisma.TaskOrderByWithRelationInput[] {
  const asc = (order.direction === 'ASC') !== reversed;
  const sort = asc ? 'asc' : 'desc';
  const column = COLUMN[order.field];
  // Undated tasks come last in both directions, so a reversed scan has them first.
  const first = column === 'dueAt' ? { dueAt: { sort, nulls: reversed ? 'first' : 'last' } as const } : { [column]: sort };
  return [first, { id: sort }];
}

const anyOf = (phases: TaskWhere[]): TaskWhere => (phases.length === 1 ? phases[0]! : { OR: phases });

/**
 * Rows strictly after (forward) or before (backward) the key, in the order's sequence: one where clause
 * per stretch of the order that an index scan can start at the cursor, in that order.
 */
function beyond(order: TaskOrder, key: Key, way: 'forward' | 'backward'): TaskWhere[] {
  const column = COLUMN[order.field];
  const ascending = (order.direction === 'ASC') === (way === 'forward');
  const idBeyond = { id: { [ascending ? 'gt' : 'lt']: key.id } };
  // `(column, id) > (value, id)`: a row comparison, which the index scan starts exactly after the cursor
  // (the cursor's own row is not even read). Spelled as `column > value OR (column = value AND id > …)`
  // instead, PostgreSQL multiplies the two range estimates, expects ~no rows near the end of a list and
  // picks a bitmap scan plus sort that reads every remaining row: the page after task 960 of 1,000 then
  // costs twice the buffers of the first page. A NULL sort value makes the comparison NULL: rows without a
  // due date never match it, as the DUE_AT phases below need.
  const sameColumnBeyond: TaskWhere = {
    keyset: { field: column, op: ascending ? 'gt' : 'lt', value: key.value!, id: key.id },
  };
  if (column !== 'dueAt') return [sameColumnBeyond];
  // DUE_AT: undated tasks come last in both directions. Past a dated cursor: the later dated tasks, then
  // every undated one. Before a dated cursor: dated tasks only. Past an undated cursor: the undated ones
  // after it by id. Before one (a reversed scan): the undated ones before it, then every dated task.
  if (key.value !== null) return way === 'forward' ? [sameColumnBeyond, { dueAt: null }] : [sameColumnBeyond];
  return way === 'forward' ? [{ dueAt: null, ...idBeyond }] : [{ dueAt: null, ...idBeyond }, { dueAt: { not: null } }];
}

// Cursor = base64url(JSON [order, sort value, id]).
const orderTag = (order: TaskOrder) => `${order.field}:${order.direction}`;

export function encodeCursor(order: TaskOrder, task: Task): string {
  const raw = task[COLUMN[order.field]];
  const value = raw instanceof Date ? raw.toISOString() : raw;
  return Buffer.from(JSON.stringify([orderTag(order), value, task.id]), 'utf8').toString('base64url');
}

// Not z.uuid(): it refuses versions and variants that a client-made id may have.
const uuid = z.string().regex(UUID);
const cursorShape = z.tuple([z.string(), z.union([z.string().max(1000), z.number().int(), z.null()]), uuid]);

function decodeCursor(cursor: string, order: TaskOrder, name: string): Key {
  let parsed: z.infer<typeof cursorShape>;
  try {
    if (cursor.length > 2000) throw new Error('too long');
    parsed = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badUserInput(`\`${name}\` is not a valid cursor: pass a cursor exactly as this connection returned it.`);
  }
  const [tag, value, id] = parsed;
  if (tag !== orderTag(order)) {
    throw badUserInput(`\`${name}\` was made for orderBy ${tag.replace(':', ' ')}, not ${orderTag(order).replace(':', ' ')}: restart paging without a cursor after changing the order.`);
  }
  const column = COLUMN[order.field];
  // Only values the column can hold: anything else (a NUL in text, an integer past 32 bits, year 0) would
  // fail in PostgreSQL as an unexpected error instead of a bad cursor.
  const valid =
    column === 'priority' ? typeof value === 'number' && Math.abs(value) <= 2 ** 31 - 1
    : column === 'title' || column === 'position' ? typeof value === 'string' && !value.includes('\u0000')
    : column === 'dueAt' ? value === null || isIsoDate(value)
    : isIsoDate(value);
  if (!valid) throw badUserInput(`\`${name}\` is not a valid cursor: pass a cursor exactly as this connection returned it.`);
  // A timestamp stays the checked ISO string: it only becomes a statement parameter, which is that text.
  return { value, id };
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !value.startsWith('0000') && !Number.isNaN(Date.parse(value));
}
