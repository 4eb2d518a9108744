// Label node, Label.tasks, Task.labels, User.labels, Query.label, and the label mutations.
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { LimitExceededError, NameTakenError, NotFoundError, ValidationError } from '../errors.ts';
import type { Label } from '../generated/prisma/client.ts';
import { encodeGlobalId, idOfType } from '../global-id.ts';
import * as labels from '../services/labels.ts';
import { uuidOf } from '../services/references.ts';
import { taskColumns } from './task/columns.ts';
import { listTasks } from '../services/task-query.ts';
import { TaskConnection, taskListArgs, tasksDescription } from './task/connection.ts';
import { viewerId } from './task/node.ts';

export const LabelRef = builder.prismaNode('Label', {
  description: `A tag for tasks (at most ${labels.LABELS_PER_TASK_MAX} per task). Labels sort by name, ignoring case.`,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, userId: viewerId(context) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: `Name: trimmed, 1 to ${labels.LABEL_NAME_MAX} characters, unique among your labels ignoring case.` }),
    color: t.exposeString('color', { nullable: true, description: 'Colour as #rrggbb (lower-case hex), or null.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the label was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the label last changed.' }),
    tasks: t.field({
      type: TaskConnection,
      description: `The tasks that have this label, AND the filter. ${tasksDescription}`,
      args: taskListArgs,
      resolve: (label, args, ctx, info) =>
        listTasks(ctx, viewerId(ctx), args, { scope: { labels: { some: { labelId: label.id } } }, columns: taskColumns(info) }),
    }),
  }),
});

const byName = [{ nameKey: 'asc' as const }, { id: 'asc' as const }];

builder.prismaObjectField('Task', 'labels', (t) =>
  t.loadableGroup({
    type: LabelRef,
    description: 'The task\'s labels, by name (ignoring case).',
    load: async (taskIds: string[], ctx: Context) => {
      const rows = await ctx.prisma.taskLabel.findMany({
        where: { taskId: { in: taskIds }, task: { userId: viewerId(ctx) }, label: { userId: viewerId(ctx) } },
        include: { label: true },
        orderBy: [{ label: { nameKey: 'asc' } }, { labelId: 'asc' }],
      });
      return rows.map((row): Label & { taskId: string } => ({ ...row.label, taskId: row.taskId }));
    },
    group: (label) => (label as Label & { taskId: string }).taskId,
    resolve: (task) => task.id,
  }),
);

builder.prismaObjectField('User', 'labels', (t) =>
  t.field({
    type: [LabelRef],
    description: 'Your labels, by name (ignoring case).',
    resolve: (user, _args, ctx) => ctx.prisma.label.findMany({ where: { userId: user.id }, orderBy: byName }),
  }),
);

builder.queryField('label', (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: LabelRef,
    nullable: true,
    description: 'One of your labels by id; null when it does not exist or is not yours. Requires sign-in.',
    args: { id: t.arg.id({ required: true, description: 'The label\'s global id.' }) },
    resolve: async (_root, { id }, ctx) => {
      const labelId = idOfType(id, 'Label');
      return labelId ? ctx.prisma.label.findFirst({ where: { id: labelId, userId: ctx.viewer.userId } }) : null;
    },
  }),
);

// ---- Mutations ----

const LabelPayload = builder.objectRef<{ label: Label }>('LabelPayload').implement({
  description: 'The label as it is after the mutation.',
  fields: (t) => ({ label: t.field({ type: LabelRef, description: 'The label.', resolve: (payload) => payload.label }) }),
});

const DeleteLabelPayload = builder.objectRef<{ id: string }>('DeleteLabelPayload').implement({
  description: 'Result of deleteLabel.',
  fields: (t) => ({
    deletedLabelId: t.id({ description: 'Global id of the deleted label.', resolve: ({ id }) => encodeGlobalId('Label', id) }),
  }),
});

const nameRule = `trimmed, 1 to ${labels.LABEL_NAME_MAX} characters, unique among your labels ignoring case`;
const colorRule = '#rrggbb (either case; returned lower-case)';

const CreateLabelInput = builder.inputType('CreateLabelInput', {
  description: `A new label (at most ${labels.LABELS_MAX} per user).`,
  fields: (t) => ({
    id: t.id({ description: 'Optional id chosen by the client: a global id of a Label around a fresh UUID. Reuse is a ValidationError.' }),
    name: t.string({ required: true, description: `Name: ${nameRule}.` }),
    color: t.string({ description: `Colour: ${colorRule}, or null.` }),
  }),
});

const UpdateLabelInput = builder.inputType('UpdateLabelInput', {
  description: 'Changes to a label: only the fields given change.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The label\'s global id.' }),
    name: t.string({ description: `New name: ${nameRule}. Cannot be null.` }),
    color: t.string({ description: `New colour: ${colorRule}; null clears it.` }),
  }),
});

const DeleteLabelInput = builder.inputType('DeleteLabelInput', {
  description: 'Which label to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The label\'s global id.' }) }),
});

// The id a mutation acts on: one that names none of the caller's objects, malformed included, is NotFoundError
// (a mutation's expected failures are data); query arguments keep BAD_USER_INPUT.
const labelId = (id: string) => uuidOf(id, 'Label');
const payload = async (label: Promise<Label>) => ({ label: await label });

builder.mutationFields((t) => {
  const signedIn = t.withAuth({ loggedIn: true });
  return {
    createLabel: signedIn.field({
      type: LabelPayload,
      description: 'Creates a label. Requires sign-in. Errors: ValidationError, NameTakenError, LimitExceededError.',
      args: { input: t.arg({ type: CreateLabelInput, required: true, description: 'The new label.' }) },
      errors: { types: [ValidationError, NameTakenError, LimitExceededError], union: { name: 'CreateLabelResult', description: 'Result of createLabel.' } },
      resolve: (_root, { input }, ctx) => payload(labels.createLabel(ctx, input)),
    }),
    updateLabel: signedIn.field({
      type: LabelPayload,
      description: 'Renames or recolours a label. Requires sign-in. Errors: ValidationError, NameTakenError, NotFoundError.',
      args: { input: t.arg({ type: UpdateLabelInput, required: true, description: 'The label and its changes.' }) },
      errors: { types: [ValidationError, NameTakenError, NotFoundError], union: { name: 'UpdateLabelResult', description: 'Result of updateLabel.' } },
      resolve: (_root, { input: { id, ...changes } }, ctx) => payload(labels.updateLabel(ctx, labelId(id), changes)),
    }),
    deleteLabel: signedIn.field({
      type: DeleteLabelPayload,
      description: 'Deletes a label and takes it off every task (each of those tasks changes). Requires sign-in. Errors: NotFoundError.',
      args: { input: t.arg({ type: DeleteLabelInput, required: true, description: 'The label.' }) },
      errors: { types: [NotFoundError], union: { name: 'DeleteLabelResult', description: 'Result of deleteLabel.' } },
      resolve: async (_root, { input }, ctx) => ({ id: await labels.deleteLabel(ctx, labelId(input.id)) }),
    }),
  };
});
