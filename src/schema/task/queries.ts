// Query.task, Query.tasks, User.tasks and Task.subtasks: the task connections of the signed-in user.
import { builder } from '../../builder.ts';
import { idOfType } from '../../global-id.ts';
import { listTasks } from '../../services/task-query.ts';
import { taskColumns } from './columns.ts';
import { TaskConnection, taskListArgs, tasksDescription } from './connection.ts';
import { TaskRef, viewerId } from './node.ts';

// User.tasks lives here, beside the connection it returns.
builder.prismaObjectField('User', 'tasks', (t) =>
  t.field({
    type: TaskConnection,
    description: `Your tasks. ${tasksDescription}`,
    args: taskListArgs,
    resolve: (user, args, ctx, info) => listTasks(ctx, user.id, args, { columns: taskColumns(info) }),
  }),
);

builder.prismaObjectField('Task', 'subtasks', (t) =>
  t.field({
    type: TaskConnection,
    description: `The direct subtasks of this task, by default in manual order (POSITION ASC). ${tasksDescription}`,
    args: taskListArgs,
    resolve: (task, args, ctx, info) =>
      listTasks(ctx, viewerId(ctx), args, {
        scope: { parentId: task.id },
        defaultOrder: { field: 'POSITION', direction: 'ASC' },
        columns: taskColumns(info),
      }),
  }),
);

builder.queryFields((t) => ({
  task: t.withAuth({ loggedIn: true }).field({
    type: TaskRef,
    nullable: true,
    description: 'One of your tasks by id; null when it does not exist, is in the trash or is not yours. Requires sign-in.',
    args: { id: t.arg.id({ required: true, description: 'The task\'s global id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const taskId = idOfType(id, 'Task');
      return taskId ? ctx.prisma.task.findFirst({ where: { id: taskId, userId: ctx.viewer.userId, deletedAt: null } }) : null;
    },
  }),
  trashedTasks: t.withAuth({ loggedIn: true }).field({
    type: TaskConnection,
    description: 'Your tasks in the trash, most recently trashed first (restoreTask brings one back; trash older than 30 days is purged). Errors: BAD_USER_INPUT as for tasks. Requires sign-in.',
    args: {
      first: t.arg.int({ description: 'Page size from the start: 1 to 100 (default 20).' }),
      after: t.arg.string({ description: 'Return tasks after this cursor.' }),
      last: t.arg.int({ description: 'Page size from the end: 1 to 100. Not together with first.' }),
      before: t.arg.string({ description: 'Return tasks before this cursor.' }),
    },
    resolve: (_root, args, ctx, info) =>
      listTasks(ctx, ctx.viewer.userId, { ...args, orderBy: { field: 'DELETED_AT', direction: 'DESC' } }, { trash: true, columns: taskColumns(info) }),
  }),
  tasks: t.withAuth({ loggedIn: true }).field({
    type: TaskConnection,
    description: `Your tasks (the trash left out). ${tasksDescription} Requires sign-in.`,
    args: taskListArgs,
    resolve: (_root, args, ctx, info) => listTasks(ctx, ctx.viewer.userId, args, { columns: taskColumns(info) }),
  }),
}));
