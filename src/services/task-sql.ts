// Task pages in plain SQL: the where and order objects that task-query and task-pagination build (the
// subset of Prisma's TaskWhereInput they use) compiled into one parameterised statement, and rows mapped
// to the same Task objects Prisma returns. Task connections are the API's hottest path, and Prisma's
// runtime cost more CPU per page than the rest of the request (bench/README.md, "Hot path").
import { createHash } from 'node:crypto';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';

/**
 * Rows strictly after a keyset cursor in the order (field, id), both ascending (`gt`) or both descending
 * (`lt`): compiled to one row comparison, which PostgreSQL turns into a single index condition.
 */
export interface KeysetBound {
  field: keyof Task;
  op: 'gt' | 'lt';
  value: Date | string | number;
  id: string;
}

/** The subset of Prisma's TaskWhereInput that task-query and task-pagination build, plus keyset bounds. */
export type TaskWhere = Omit<Prisma.TaskWhereInput, 'AND' | 'OR' | 'NOT'> & {
  AND?: TaskWhere | TaskWhere[];
  OR?: TaskWhere[];
  NOT?: TaskWhere | TaskWhere[];
  keyset?: KeysetBound;
};

type Where = TaskWhere;
type OrderBy = Prisma.TaskOrderByWithRelationInput;

const COLUMNS = {
  id: 'id',
  userId: 'user_id',
  title: 'title',
  titleKey: 'title_key',
  description: 'description',
  completed: 'completed',
  completedAt: 'completed_at',
  dueAt: 'due_at',
  priority: 'priority',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  listId: 'list_id',
  parentId: 'parent_id',
  position: 'position',
  recurrence: 'recurrence',
  recurrenceStart: 'recurrence_start',
  remindAt: 'remind_at',
  remindedAt: 'reminded_at',
  armedSeq: 'armed_seq',
  version: 'version',
  deletedAt: 'deleted_at',
  trashedBy: 'trashed_by',
  changedSeq: 'changed_seq',
  liveSeq: 'live_seq',
  createdSeq: 'created_seq',
  trashedSeq: 'trashed_seq',
} as const satisfies Record<keyof Task, string>;
type Field = keyof typeof COLUMNS;

const BIGINT_FIELDS = ['changedSeq', 'liveSeq', 'createdSeq', 'trashedSeq', 'armedSeq'] as const;
const selectItem = (field: Field) => (field === COLUMNS[field] ? `t."${field}"` : `t."${COLUMNS[field]}" AS "${field}"`);
const ALL_FIELDS = Object.keys(COLUMNS) as Field[];
const SELECT_ALL = ALL_FIELDS.map(selectItem).join(', ');

/** The select list: every column, or `fields` plus the id and the order's columns (cursors need them). */
function selectList(fields: readonly Field[] | null, orderBy: OrderBy[]): string {
  if (!fields) return SELECT_ALL;
  const wanted = new Set<Field>([...fields, 'id', ...orderBy.flatMap((entry) => Object.keys(entry) as Field[])]);
  return ALL_FIELDS.filter((field) => wanted.has(field)).map(selectItem).join(', ');
}

const COMPARISONS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** Builds the parameter list of one statement: each value becomes $n. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.values.length}`;
  }
}

function column(field: string): string {
  const name = COLUMNS[field as Field];
  if (!name) throw new Error(`task-sql: unknown task field ${field}`);
  return `t."${name}"`;
}

/** `where` as SQL (TRUE when it has no condition). Fails loudly on a shape it does not know. */
function whereSql(where: Where, params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      for (const w of list) {
        const part = whereSql(w, params);
        if (part !== 'TRUE') parts.push(`(${part})`);
      }
    } else if (key === 'OR') {
      const list = value as Where[];
      parts.push(list.length ? `(${list.map((w) => `(${whereSql(w, params)})`).join(' OR ')})` : 'FALSE');
    } else if (key === 'NOT') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      parts.push(...list.map((w: Where) => `NOT (${whereSql(w, params)})`));
    } else if (key === 'keyset') {
      const bound = value as KeysetBound;
      parts.push(`(${column(bound.field)}, t."id") ${bound.op === 'gt' ? '>' : '<'} (${params.add(bound.value)}, ${params.add(bound.id)})`);
    } else if (key === 'labels') {
      parts.push(labelsSql(value as Prisma.TaskLabelListRelationFilter, params));
    } else {
      parts.push(fieldSql(column(key), value, params));
    }
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

function fieldSql(col: string, filter: unknown, params: Params): string {
  if (filter === null) return `${col} IS NULL`;
  if (typeof filter !== 'object' || filter instanceof Date) return `${col} = ${params.add(filter)}`;
  const parts: string[] = [];
  const { mode, ...conditions } = filter as Record<string, unknown>;
  for (const [op, value] of Object.entries(conditions)) {
    if (value === undefined) continue;
    if (op === 'not') parts.push(value === null ? `${col} IS NOT NULL` : `${col} <> ${params.add(value)}`);
    else if (op === 'equals') parts.push(value === null ? `${col} IS NULL` : `${col} = ${params.add(value)}`);
    else if (op === 'in') parts.push(`${col} = ANY(${params.add(value)})`);
    else if (op in COMPARISONS) parts.push(`${col} ${COMPARISONS[op as keyof typeof COMPARISONS]} ${params.add(value)}`);
    // The caller escapes %, _ and \ (task-query), as it did for Prisma.
    else if (op === 'contains') parts.push(`${col} ${mode === 'insensitive' ? 'ILIKE' : 'LIKE'} ('%' || ${params.add(value)} || '%')`);
    else throw new Error(`task-sql: unsupported filter ${op}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

function labelsSql(filter: Prisma.TaskLabelListRelationFilter, params: Params): string {
  const { some, ...rest } = filter;
  const labelId = (some as Prisma.TaskLabelWhereInput | undefined)?.labelId;
  if (Object.keys(rest).length || labelId === undefined || Object.keys(some!).length !== 1) {
    throw new Error('task-sql: only labels.some.labelId is supported');
  }
  return `EXISTS (SELECT 1 FROM "task_labels" tl WHERE tl."task_id" = t."id" AND ${fieldSql('tl."label_id"', labelId, params)})`;
}

function orderSql(orderBy: OrderBy[]): string {
  return orderBy
    .map((entry) => {
      const [[field, spec]] = Object.entries(entry) as [[string, Prisma.SortOrder | { sort: Prisma.SortOrder; nulls?: 'first' | 'last' }]];
      const { sort, nulls } = typeof spec === 'string' ? { sort: spec, nulls: undefined } : spec;
      return `${column(field)} ${sort === 'desc' ? 'DESC' : 'ASC'}${nulls ? ` NULLS ${nulls === 'first' ? 'FIRST' : 'LAST'}` : ''}`;
    })
    .join(', ');
}

// Statements are prepared once per connection under a name derived from their text (PostgreSQL), so the
// server does not parse and plan them again on every request. A prepared statement lives as long as its
// connection and holds its plan in that backend's memory, and filters, orders, cursors and page sizes
// combine into many texts: only the first MAX_NAMED texts get a name, later ones run unnamed (parsed and
// planned each time, as Prisma's are), so no client can grow every backend's memory without bound.
const MAX_NAMED = 500;
const names = new Map<string, string>();
function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_NAMED) {
    name = `task_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

function toTask(row: Record<string, unknown>): Task {
  for (const field of BIGINT_FIELDS) if (field in row) row[field] = BigInt(row[field] as string | number);
  return row as unknown as Task;
}

/**
 * One page of tasks. With `fields`, only those columns (and the id and the order's columns) are read: the
 * rows are then partial Tasks, for resolvers that read nothing else (schema/task/columns.ts decides).
 */
export async function findTasks(sql: SqlRunner, where: Where, orderBy: OrderBy[], take: number, fields: readonly Field[] | null = null): Promise<Task[]> {
  if (!Number.isSafeInteger(take) || take < 1) throw new Error(`task-sql: bad page size ${take}`);
  const params = new Params();
  // LIMIT is written into the text, not passed as $n: with a parameter there, PostgreSQL's generic plan
  // assumes the limit keeps a tenth of the rows, so it never trusts the cached plan and plans the statement
  // again on every execution (about 40 % of its CPU per page; bench/README.md, "Hot path"). A literal adds
  // at most one named statement per page size.
  const text = `SELECT ${selectList(fields, orderBy)} FROM "tasks" t WHERE ${whereSql(where, params)} ORDER BY ${orderSql(orderBy)} LIMIT ${take}`;
  const rows = await sql.query<Record<string, unknown>>(text, params.values, { name: nameOf(text) });
  return rows.map(toTask);
}

export async function countTasks(sql: SqlRunner, where: Where): Promise<number> {
  const params = new Params();
  const text = `SELECT count(*)::int AS "n" FROM "tasks" t WHERE ${whereSql(where, params)}`;
  const [row] = await sql.query<{ n: number }>(text, params.values, { name: nameOf(text) });
  return row!.n;
}
