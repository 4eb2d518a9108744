// Task node, TaskConnection, User.tasks, Query.task/tasks, and the task mutations.
import { builder } from '../builder.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { encodeGlobalId, idOfType, NIL_UUID } from '../global-id.ts';
import type { Task } from '../generated/prisma/client.ts';
import * as tasks from '../services/tasks.ts';
import { DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page, type TaskOrder } from '../services/task-pagination.ts';

const TaskPriority = builder.enumType('TaskPriority', {
  description: 'How important a task is. Sorts NONE < LOW < MEDIUM < HIGH.',
  values: {
    NONE: { value: 0, description: 'No priority (the default).' },
    LOW: { value: 1, description: 'Low priority.' },
    MEDIUM: { value: 2, description: 'Medium priority.' },
    HIGH: { value: 3, description: 'High priority.' },
  } as const,
});

export const TaskRef = builder.prismaNode('Task', {
  description: 'A to-do item of the signed-in user.',
  id: { field: 'id' },
  nullable: true,
  // Node lookups are scoped to the caller: another user's task id finds nothing.
  findUnique: (id, context) => ({ id, userId: context.viewer?.userId ?? NIL_UUID }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Short title, 1 to 200 characters (trimmed).' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text, up to 10,000 characters; null when not set or cleared.' }),
    completed: t.exposeBoolean('completed', { description: 'Whether the task is done.' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true, description: 'When it was last marked done; null while not completed.' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true, description: 'Optional deadline.' }),
    priority: t.field({ type: TaskPriority, description: 'Importance; NONE unless set.', resolve: (task) => task.priority as 0 | 1 | 2 | 3 }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the task was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the task last changed.' }),
  }),
});

// ---- Listing: filter, order, connection ----

const TaskFilter = builder.inputType('TaskFilter', {
  description: 'Narrows a task list; all given conditions must hold (AND).',
  fields: (t) => ({
    completed: t.boolean({ description: 'Only completed (true) or only open (false) tasks.' }),
    priority: t.field({ type: [TaskPriority], description: 'Only tasks with any of these priorities.' }),
    search: t.string({
      description: `Case-insensitive substring of title or description, up to ${tasks.SEARCH_MAX} characters.`,
    }),
    dueBefore: t.field({ type: 'DateTime', description: 'Only tasks due strictly before this instant (undated tasks excluded).' }),
    dueAfter: t.field({ type: 'DateTime', description: 'Only tasks due strictly after this instant (undated tasks excluded).' }),
  }),
});

const TaskOrderField = builder.enumType('TaskOrderField', {
  description: 'What to sort tasks by. The id breaks ties, so the order is total and paging is stable.',
  values: {
    CREATED_AT: { description: 'Creation time (the default, newest first).' },
    UPDATED_AT: { description: 'Time of the last change.' },
    DUE_AT: { description: 'Due date; tasks without one come last in both directions.' },
    PRIORITY: { description: 'Priority, NONE < LOW < MEDIUM < HIGH.' },
    TITLE: { description: 'Title, in the database collation.' },
  } as const,
});

const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Ascending: smallest, earliest or A first.' },
    DESC: { description: 'Descending: largest, latest or Z first.' },
  } as const,
});

const TaskOrderInput = builder.inputType('TaskOrder', {
  description: 'Sort order of a task list. Default: CREATED_AT DESC.',
  fields: (t) => ({
    field: t.field({ type: TaskOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
  }),
});

interface TaskConnectionShape {
  order: TaskOrder;
  page: Page;
  count: () => Promise<number>;
}

const TaskConnection = builder.objectRef<TaskConnectionShape>('TaskConnection');
// Cursors are encoded only when selected: most clients ask for pageInfo.endCursor, not one per edge.
const TaskEdge = builder.objectRef<{ order: TaskOrder; node: Task }>('TaskEdge').implement({
  description: 'A task and its cursor.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque keyset cursor of this task, valid for the same orderBy only.',
      resolve: ({ order, node }) => encodeCursor(order, node),
    }),
    node: t.field({ type: TaskRef, description: 'The task.', resolve: (edge) => edge.node }),
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

const taskListArgs = builder.args((t) => ({
  first: t.int({ description: `Page size from the start (or after \`after\`): 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given.` }),
  after: t.string({ description: 'Return tasks after this cursor (an endCursor or edge cursor of the same orderBy).' }),
  last: t.int({ description: `Page size from the end (or before \`before\`): 1 to ${MAX_PAGE_SIZE}. Not together with first.` }),
  before: t.string({ description: 'Return tasks before this cursor (a startCursor or edge cursor of the same orderBy).' }),
  filter: t.field({ type: TaskFilter, description: 'Only tasks matching all of these conditions.' }),
  orderBy: t.field({ type: TaskOrderInput, description: 'Sort order; default CREATED_AT DESC. Cursors only work with the order they were made for.' }),
}));


const tasksDescription =
  'Your tasks, one page at a time (Relay cursor pagination). Errors: BAD_USER_INPUT for first/last out of 1..100, both first and last, a cursor that does not decode or was made for another orderBy.';

// User.tasks lives here, beside the connection it returns.
builder.prismaObjectField('User', 'tasks', (t) =>
  t.field({
    type: TaskConnection,
    description: tasksDescription,
    args: taskListArgs,
    resolve: (user, args, ctx): Promise<TaskConnectionShape> => tasks.listTasks(ctx, user.id, args),
  }),
);

builder.queryFields((t) => ({
  task: t.withAuth({ loggedIn: true }).field({
    type: TaskRef,
    nullable: true,
    description: 'One of your tasks by id; null when it does not exist or is not yours. Requires sign-in.',
    args: { id: t.arg.id({ required: true, description: 'The task\'s global id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const taskId = idOfType(String(id), 'Task');
      return taskId ? ctx.prisma.task.findFirst({ where: { id: taskId, userId: ctx.viewer.userId } }) : null;
    },
  }),
  tasks: t.withAuth({ loggedIn: true }).field({
    type: TaskConnection,
    description: `${tasksDescription} Requires sign-in.`,
    args: taskListArgs,
    resolve: (_root, args, ctx): Promise<TaskConnectionShape> => tasks.listTasks(ctx, ctx.viewer.userId, args),
  }),
}));

// ---- Mutations ----

const TaskPayload = builder.objectRef<{ task: Task }>('TaskPayload').implement({
  description: 'The task as it is after the mutation.',
  fields: (t) => ({ task: t.field({ type: TaskRef, description: 'The task.', resolve: (payload) => payload.task }) }),
});

const DeleteTaskPayload = builder.objectRef<{ deletedTaskId: string }>('DeleteTaskPayload').implement({
  description: 'Result of deleteTask.',
  fields: (t) => ({
    deletedTaskId: t.exposeID('deletedTaskId', { description: 'Global id of the deleted task (remove it from client caches).' }),
  }),
});

const titleRule = 'trimmed, 1 to 200 characters, no NUL';
const descriptionRule = 'up to 10,000 characters, no NUL';

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  description: 'A new task.',
  fields: (t) => ({
    title: t.string({ required: true, description: `Title: ${titleRule}.` }),
    description: t.string({ description: `Description: ${descriptionRule}.` }),
    dueAt: t.field({ type: 'DateTime', description: 'Optional deadline.' }),
    priority: t.field({ type: TaskPriority, defaultValue: 0, description: 'Importance; default NONE.' }),
    completed: t.boolean({ defaultValue: false, description: 'Create it already done (sets completedAt).' }),
  }),
});

const UpdateTaskInput = builder.inputType('UpdateTaskInput', {
  description: 'Changes to a task: only the fields given change. null clears description and dueAt.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    title: t.string({ description: `New title: ${titleRule}. Cannot be null.` }),
    description: t.string({ description: `New description: ${descriptionRule}; null clears it.` }),
    dueAt: t.field({ type: 'DateTime', description: 'New deadline; null clears it.' }),
    priority: t.field({ type: TaskPriority, description: 'New priority. Cannot be null.' }),
    completed: t.boolean({ description: 'Mark done (sets completedAt to now) or not done (clears it). Cannot be null.' }),
  }),
});

const SetTaskCompletedInput = builder.inputType('SetTaskCompletedInput', {
  description: 'Which task, and its new completion state.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    completed: t.boolean({ required: true, description: 'true: done (completedAt = now, kept if already done); false: not done (completedAt = null).' }),
  }),
});

const ToggleTaskCompletedInput = builder.inputType('ToggleTaskCompletedInput', {
  description: 'Which task to flip.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The task\'s global id.' }) }),
});

const DeleteTaskInput = builder.inputType('DeleteTaskInput', {
  description: 'Which task to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The task\'s global id.' }) }),
});

const taskId = (id: string | number) => idOfType(String(id), 'Task');
const payload = async (task: Promise<Task>) => ({ task: await task });

builder.mutationFields((t) => {
  const signedIn = t.withAuth({ loggedIn: true });
  return {
    createTask: signedIn.field({
      type: TaskPayload,
      description: 'Creates a task. Requires sign-in. Errors: ValidationError.',
      args: { input: t.arg({ type: CreateTaskInput, required: true, description: 'The new task.' }) },
      errors: { types: [ValidationError], union: { name: 'CreateTaskResult', description: 'Result of createTask.' } },
      resolve: (_root, { input }, ctx) => payload(tasks.createTask(ctx, input)),
    }),
    updateTask: signedIn.field({
      type: TaskPayload,
      description: 'Changes the given fields of a task; updatedAt moves. Requires sign-in. Errors: ValidationError, NotFoundError.',
      args: { input: t.arg({ type: UpdateTaskInput, required: true, description: 'The task and its changes.' }) },
      errors: { types: [ValidationError, NotFoundError], union: { name: 'UpdateTaskResult', description: 'Result of updateTask.' } },
      resolve: (_root, { input: { id, ...changes } }, ctx) => payload(tasks.updateTask(ctx, taskId(id), changes)),
    }),
    setTaskCompleted: signedIn.field({
      type: TaskPayload,
      description: 'Marks a task done or not done. Requires sign-in. Errors: NotFoundError.',
      args: { input: t.arg({ type: SetTaskCompletedInput, required: true, description: 'The task and its state.' }) },
      errors: { types: [NotFoundError], union: { name: 'SetTaskCompletedResult', description: 'Result of setTaskCompleted.' } },
      resolve: (_root, { input }, ctx) => payload(tasks.setCompleted(ctx, taskId(input.id), input.completed)),
    }),
    toggleTaskCompleted: signedIn.field({
      type: TaskPayload,
      description: 'Flips completion atomically (safe under concurrent toggles). Requires sign-in. Errors: NotFoundError.',
      args: { input: t.arg({ type: ToggleTaskCompletedInput, required: true, description: 'The task.' }) },
      errors: { types: [NotFoundError], union: { name: 'ToggleTaskCompletedResult', description: 'Result of toggleTaskCompleted.' } },
      resolve: (_root, { input }, ctx) => payload(tasks.toggleCompleted(ctx, taskId(input.id))),
    }),
    deleteTask: signedIn.field({
      type: DeleteTaskPayload,
      description: 'Deletes a task for good. Requires sign-in. Errors: NotFoundError.',
      args: { input: t.arg({ type: DeleteTaskInput, required: true, description: 'The task.' }) },
      errors: { types: [NotFoundError], union: { name: 'DeleteTaskResult', description: 'Result of deleteTask.' } },
      resolve: async (_root, { input }, ctx) => {
        const id = taskId(input.id);
        await tasks.deleteTask(ctx, id);
        return { deletedTaskId: encodeGlobalId('Task', id!) };
      },
    }),
  };
});
