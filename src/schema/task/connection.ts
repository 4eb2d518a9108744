// Task connections: TaskFilter, TaskOrder, TaskConnection and the arguments every task list takes.
import { builder } from '../../builder.ts';
import type { Task } from '../../generated/prisma/client.ts';
import { LABEL_FILTER_MAX, SEARCH_MAX } from '../../services/task-query.ts';
import { DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page, type TaskOrder } from '../../services/task-pagination.ts';
import { TaskPriority, TaskRef } from './node.ts';


export const TaskFilter = builder.inputType('TaskFilter', {
  description: 'Narrows a task list; all given conditions must hold (AND).',
  fields: (t) => ({
    completed: t.boolean({ description: 'Only completed (true) or only open (false) tasks.' }),
    priority: t.field({ type: [TaskPriority], description: 'Only tasks with any of these priorities.' }),
    search: t.string({
      description: `Case-insensitive substring of title or description, up to ${SEARCH_MAX} characters.`,
    }),
    dueBefore: t.field({ type: 'DateTime', description: 'Only tasks due strictly before this instant (undated tasks excluded).' }),
    dueAfter: t.field({ type: 'DateTime', description: 'Only tasks due strictly after this instant (undated tasks excluded).' }),
    listId: t.id({ description: 'Only tasks in this list (at any depth). An id that is not one of your lists matches nothing.' }),
    inbox: t.boolean({ description: 'true: only tasks in no list (the Inbox); false: only tasks in some list.' }),
    labelIds: t.idList({
      description: `Only tasks having at least one of these labels (up to ${LABEL_FILTER_MAX} ids). Ids that are not your labels match nothing.`,
    }),
    topLevel: t.boolean({ description: 'true: only top-level tasks (no parent); false: only subtasks.' }),
  }),
});

const TaskOrderField = builder.enumType('TaskOrderField', {
  description: 'What to sort tasks by. The id breaks ties, so the order is total and paging is stable.',
  values: {
    CREATED_AT: { description: 'Creation time (the default, newest first).' },
    UPDATED_AT: { description: 'Time of the last change.' },
    DUE_AT: { description: 'Due date; tasks without one come last in both directions.' },
    PRIORITY: { description: 'Priority, NONE < LOW < MEDIUM < HIGH.' },
    TITLE: { description: 'Title ignoring case (lower-cased, then compared by code point), then id.' },
    POSITION: {
      description: 'Manual order (position, by code point). Meaningful when the filter selects one group of siblings: topLevel with listId or inbox, or the subtasks of one task.',
    },
  } as const,
});

const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Ascending: smallest, earliest or A first.' },
    DESC: { description: 'Descending: largest, latest or Z first.' },
  } as const,
});

export const TaskOrderInput = builder.inputType('TaskOrder', {
  description: 'Sort order of a task list. Default: CREATED_AT DESC.',
  fields: (t) => ({
    field: t.field({ type: TaskOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

export interface TaskConnectionShape {
  order: TaskOrder;
  page: Page;
  count: () => Promise<number>;
}

export const TaskConnection = builder.objectRef<TaskConnectionShape>('TaskConnection');
// Cursors are encoded only when selected: most clients ask for pageInfo.endCursor, not one per edge.
const TaskEdge = builder.objectRef<{ order: TaskOrder; node: Task }>('TaskEdge').implement({
  description: 'A task and its cursor.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque keyset cursor of this task, valid for the same orderBy only.',
      resolve: ({ order, node }) => encodeCursor(order, node),
    }),
    // Exposed, not resolved: the compiled query reads the property, where a resolver costs a call and a
    // resolve info object per edge.
    node: t.expose('node', { type: TaskRef, description: 'The task.' }),
  }),
});

const PageInfo = builder.pageInfoRef();

TaskConnection.implement({
  description: 'A page of tasks (Relay cursor connection).',
  fields: (t) => ({
    edges: t.field({
      type: [TaskEdge],
      description: 'The tasks of this page, in order.',
      resolve: ({ order, page }) => page.rows.map((node) => ({ order, node })),
    }),
    pageInfo: t.field({
      type: PageInfo,
      description: 'Cursors and whether more pages exist.',
      resolve: ({ order, page }) => {
        const first = page.rows[0];
        const last = page.rows.at(-1);
        return {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: page.hasPreviousPage,
          get startCursor() {
            return first ? encodeCursor(order, first) : null;
          },
          get endCursor() {
            return last ? encodeCursor(order, last) : null;
          },
        };
      },
    }),
    totalCount: t.int({
      description: 'How many tasks match the filter, across all pages (counted only when selected).',
      resolve: ({ count }) => count(),
    }),
  }),
});

export const taskListArgs = builder.args((t) => ({
  first: t.int({ description: `Page size from the start (or after \`after\`): 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given.` }),
  after: t.string({ description: 'Return tasks after this cursor (an endCursor or edge cursor of the same orderBy).' }),
  last: t.int({ description: `Page size from the end (or before \`before\`): 1 to ${MAX_PAGE_SIZE}. Not together with first.` }),
  before: t.string({ description: 'Return tasks before this cursor (a startCursor or edge cursor of the same orderBy).' }),
  filter: t.field({ type: TaskFilter, description: 'Only tasks matching all of these conditions.' }),
  orderBy: t.field({ type: TaskOrderInput, description: 'Sort order; default CREATED_AT DESC (Task.subtasks: POSITION ASC, manual order). Cursors only work with the order they were made for.' }),
}));


export const tasksDescription =
  'One page at a time (Relay cursor pagination). Errors: BAD_USER_INPUT for first/last out of 1..100, both first and last, a cursor that does not decode or was made for another orderBy, a malformed id in the filter.';
