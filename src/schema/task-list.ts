// TaskList node, TaskList.tasks, Task.list, User.taskLists, Query.taskList, and the list mutations.
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { LimitExceededError, NameTakenError, NotFoundError, ValidationError } from '../errors.ts';
import { encodeGlobalId, idOfType } from '../global-id.ts';
import * as lists from '../services/task-lists.ts';
import { uuidOf } from '../services/references.ts';
import { taskColumns } from './task/columns.ts';
import { listTasks } from '../services/task-query.ts';
import { TaskConnection, taskListArgs, tasksDescription } from './task/connection.ts';
import { viewerId } from './task/node.ts';

export const TaskListRef = builder.prismaNode('TaskList', {
  description: 'A list of tasks, in the manual order of User.taskLists. Tasks in no list are in the Inbox.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, userId: viewerId(context) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: `Name: trimmed, 1 to ${lists.LIST_NAME_MAX} characters, unique among your lists ignoring case.` }),
    color: t.exposeString('color', { nullable: true, description: 'Colour as #rrggbb (lower-case hex), or null.' }),
    position: t.exposeString('position', { description: 'Opaque key of its place among your lists; compare by plain code-unit order.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the list was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the list last changed.' }),
    openTaskCount: t.loadable({
      type: 'Int',
      description: 'How many open tasks the list holds, at any depth (trash excluded).',
      load: async (ids: string[], ctx: Context) => {
        const rows = await ctx.prisma.task.groupBy({
          by: ['listId'],
          where: { listId: { in: ids }, userId: viewerId(ctx), completed: false, deletedAt: null },
          _count: { _all: true },
        });
        const counts = new Map(rows.map((row) => [row.listId, row._count._all]));
        return ids.map((id) => counts.get(id) ?? 0);
      },
      resolve: (list) => list.id,
    }),
    tasks: t.field({
      type: TaskConnection,
      description: `The tasks of this list, AND the filter. ${tasksDescription}`,
      args: taskListArgs,
      resolve: (list, args, ctx, info) => listTasks(ctx, viewerId(ctx), args, { scope: { listId: list.id }, columns: taskColumns(info) }),
    }),
  }),
});

builder.prismaObjectField('Task', 'list', (t) =>
  t.loadable({
    type: TaskListRef,
    nullable: true,
    description: 'The list the task is in; null = the Inbox. A subtask is always in its parent\'s list.',
    load: (ids: string[], ctx: Context) => ctx.prisma.taskList.findMany({ where: { id: { in: ids }, userId: viewerId(ctx) } }),
    sort: (list) => list.id,
    resolve: (task) => task.listId,
  }),
);

builder.prismaObjectField('User', 'taskLists', (t) =>
  t.field({
    type: [TaskListRef],
    description: 'Your lists, in manual order (moveTaskList).',
    resolve: (user, _args, ctx) => ctx.prisma.taskList.findMany({ where: { userId: user.id }, orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.queryField('taskList', (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: TaskListRef,
    nullable: true,
    description: 'One of your lists by id; null when it does not exist or is not yours. Requires sign-in.',
    args: { id: t.arg.id({ required: true, description: 'The list\'s global id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const listId = idOfType(id, 'TaskList');
      return listId ? ctx.prisma.taskList.findFirst({ where: { id: listId, userId: ctx.viewer.userId } }) : null;
    },
  }),
);

// ---- Mutations ----

const TaskListPayload = builder.objectRef<{ taskList: Awaited<ReturnType<typeof lists.createTaskList>> }>('TaskListPayload').implement({
  description: 'The list as it is after the mutation.',
  fields: (t) => ({ taskList: t.field({ type: TaskListRef, description: 'The list.', resolve: (payload) => payload.taskList }) }),
});

const DeleteTaskListPayload = builder.objectRef<{ id: string }>('DeleteTaskListPayload').implement({
  description: 'Result of deleteTaskList.',
  fields: (t) => ({
    deletedTaskListId: t.id({ description: 'Global id of the deleted list.', resolve: ({ id }) => encodeGlobalId('TaskList', id) }),
  }),
});

const nameRule = `trimmed, 1 to ${lists.LIST_NAME_MAX} characters, unique among your lists ignoring case`;
const colorRule = '#rrggbb (either case; returned lower-case)';

const CreateTaskListInput = builder.inputType('CreateTaskListInput', {
  description: `A new list (at most ${lists.LISTS_MAX} per user); it goes last.`,
  fields: (t) => ({
    id: t.id({ description: 'Optional id chosen by the client: a global id of a TaskList around a fresh UUID. Reuse is a ValidationError.' }),
    name: t.string({ required: true, description: `Name: ${nameRule}.` }),
    color: t.string({ description: `Colour: ${colorRule}, or null.` }),
  }),
});

const UpdateTaskListInput = builder.inputType('UpdateTaskListInput', {
  description: 'Changes to a list: only the fields given change.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The list\'s global id.' }),
    name: t.string({ description: `New name: ${nameRule}. Cannot be null.` }),
    color: t.string({ description: `New colour: ${colorRule}; null clears it.` }),
  }),
});

const MoveTaskListInput = builder.inputType('MoveTaskListInput', {
  description: 'Where to put a list among yours: exactly one of afterId and beforeId.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The list\'s global id.' }),
    afterId: t.id({ description: 'Put it right after this list.' }),
    beforeId: t.id({ description: 'Put it right before this list.' }),
  }),
});

const DeleteTaskListInput = builder.inputType('DeleteTaskListInput', {
  description: 'Which list to delete, and what happens to its tasks.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The list\'s global id.' }),
    deleteTasks: t.boolean({
      defaultValue: false,
      description: 'false: its tasks move to the Inbox, keeping their hierarchy and order; true: they move to the trash.',
    }),
  }),
});

// The id a mutation acts on: one that names none of the caller's objects, malformed included, is NotFoundError
// (a mutation's expected failures are data); query arguments keep BAD_USER_INPUT.
const listId = (id: string) => uuidOf(id, 'TaskList');
const payload = async (taskList: ReturnType<typeof lists.createTaskList>) => ({ taskList: await taskList });

builder.mutationFields((t) => {
  const signedIn = t.withAuth({ loggedIn: true });
  return {
    createTaskList: signedIn.field({
      type: TaskListPayload,
      description: 'Creates a list, last in your order. Requires sign-in. Errors: ValidationError, NameTakenError, LimitExceededError.',
      args: { input: t.arg({ type: CreateTaskListInput, required: true, description: 'The new list.' }) },
      errors: { types: [ValidationError, NameTakenError, LimitExceededError], union: { name: 'CreateTaskListResult', description: 'Result of createTaskList.' } },
      resolve: (_root, { input }, ctx) => payload(lists.createTaskList(ctx, input)),
    }),
    updateTaskList: signedIn.field({
      type: TaskListPayload,
      description: 'Renames or recolours a list. Requires sign-in. Errors: ValidationError, NameTakenError, NotFoundError.',
      args: { input: t.arg({ type: UpdateTaskListInput, required: true, description: 'The list and its changes.' }) },
      errors: { types: [ValidationError, NameTakenError, NotFoundError], union: { name: 'UpdateTaskListResult', description: 'Result of updateTaskList.' } },
      resolve: (_root, { input: { id, ...changes } }, ctx) => payload(lists.updateTaskList(ctx, listId(id), changes)),
    }),
    moveTaskList: signedIn.field({
      type: TaskListPayload,
      description: 'Moves a list right after or right before another of yours. Requires sign-in. Errors: ValidationError, NotFoundError.',
      args: { input: t.arg({ type: MoveTaskListInput, required: true, description: 'The list and its new place.' }) },
      errors: { types: [ValidationError, NotFoundError], union: { name: 'MoveTaskListResult', description: 'Result of moveTaskList.' } },
      resolve: (_root, { input: { id, ...to } }, ctx) => payload(lists.moveTaskList(ctx, listId(id), to)),
    }),
    deleteTaskList: signedIn.field({
      type: DeleteTaskListPayload,
      description: 'Deletes a list; its tasks go to the Inbox, or to the trash with deleteTasks: true. Requires sign-in. Errors: NotFoundError.',
      args: { input: t.arg({ type: DeleteTaskListInput, required: true, description: 'The list.' }) },
      errors: { types: [NotFoundError], union: { name: 'DeleteTaskListResult', description: 'Result of deleteTaskList.' } },
      resolve: async (_root, { input }, ctx) => ({ id: await lists.deleteTaskList(ctx, listId(input.id), input.deleteTasks ?? false) }),
    }),
  };
});
