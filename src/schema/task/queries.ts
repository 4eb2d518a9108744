// Query.task, Query.tasks, User.tasks and Task.subtasks: the task connections of the signed-in user.
import { builder } from '../../builder.ts';
import { idOfType } from '../../global-id.ts';
import { listTasks } from '../../services/task-query.ts';
import { TaskConnection, taskListArgs, tasksDescription } from './connection.ts';
import { TaskRef, viewerId } from './node.ts';

// User.tasks lives here, beside the connection it returns.
builder.prismaObjectField('User', 'tasks', (t) =>
  t.field({
    type: TaskConnection,
    description: `Your tasks. ${tasksDescription}`,
    args: taskListArgs,
    resolve: (user, args, ctx) => listTasks(ctx, user.id, args),
  }),
);

builder.prismaObjectField('Task', 'subtasks', (t) =>
  t.field({
    type: TaskConnection,
    description: `The direct subtasks of this task, by default in manual order (POSITION ASC). ${tasksDescription}`,
    args: taskListArgs,
    resolve: (task, args, ctx) =>
      listTasks(ctx, viewerId(ctx), args, { scope: { parentId: task.id }, defaultOrder: { field: 'POSITION', direction: 'ASC' } }),
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
  tasks: t.withAuth({ loggedIn: true }).field({
    type: TaskConnection,
    description: `Your tasks (the trash left out). ${tasksDescription} Requires sign-in.`,
    args: taskListArgs,
    resolve: (_root, args, ctx) => listTasks(ctx, ctx.viewer.userId, args),
  }),
}));
