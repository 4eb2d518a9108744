// Task mutations: createTask, updateTask, setTaskCompleted, toggleTaskCompleted, deleteTask, moveTask.
import { builder } from '../../builder.ts';
import { NotFoundError, StaleTaskError, ValidationError } from '../../errors.ts';
import { encodeGlobalId, idOfType } from '../../global-id.ts';
import { LABELS_PER_TASK_MAX } from '../../services/labels.ts';
import { RECURRENCE_MAX } from '../../services/recurrence.ts';
import { moveTask } from '../../services/task-moves.ts';
import * as tasks from '../../services/tasks.ts';
import { TaskPriority, TaskRef } from './node.ts';

export const TaskPayload = builder.objectRef<tasks.TaskResult>('TaskPayload').implement({
  description: 'The task as it is after the mutation.',
  fields: (t) => ({
    task: t.field({ type: TaskRef, description: 'The task.', resolve: (payload) => payload.task }),
    alsoChanged: t.field({
      type: [TaskRef],
      description: 'Every other task this mutation changed as a side effect (completion cascades, a subtree that moved lists); not the task itself.',
      resolve: (payload) => payload.alsoChanged,
    }),
  }),
});

const DeleteTaskPayload = builder.objectRef<{ ids: string[] }>('DeleteTaskPayload').implement({
  description: 'Result of deleteTask.',
  fields: (t) => ({
    deletedTaskId: t.id({
      description: 'Global id of the task asked for (remove it from client caches).',
      resolve: ({ ids }) => encodeGlobalId('Task', ids[0]!),
    }),
    deletedTaskIds: t.idList({
      description: 'Global ids of every task deleted: the task and its subtasks, at any depth.',
      resolve: ({ ids }) => ids.map((id) => encodeGlobalId('Task', id)),
    }),
  }),
});

const titleRule = 'trimmed, 1 to 200 characters, no NUL';
const descriptionRule = 'up to 10,000 characters, no NUL';
const recurrenceRule = `an RFC 5545 RRULE value (FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT or UNTIL), up to ${RECURRENCE_MAX} characters; needs a dueAt`;
const expectedVersionRule = 'Refuse the change (StaleTaskError, with the task as it is now) unless the task is at this version.';

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  description: 'A new task.',
  fields: (t) => ({
    id: t.id({ description: 'Optional id chosen by the client (offline creation): a global id of a Task around a fresh UUID, i.e. base64url of "Task:<uuid>". Reuse is a ValidationError.' }),
    title: t.string({ required: true, description: `Title: ${titleRule}.` }),
    description: t.string({ description: `Description: ${descriptionRule}.` }),
    dueAt: t.field({ type: 'DateTime', description: 'Optional deadline.' }),
    priority: t.field({ type: TaskPriority, defaultValue: 0, description: 'Importance; default NONE.' }),
    completed: t.boolean({ defaultValue: false, description: 'Create it already done (sets completedAt).' }),
    listId: t.id({ description: 'The list to put it in; absent or null = the Inbox. With parentId it must be the parent\'s list (or be left out).' }),
    parentId: t.id({ description: 'Make it a subtask of this task (at most 4 levels deep). It goes into the parent\'s list.' }),
    labelIds: t.idList({ description: `Labels of the task, at most ${LABELS_PER_TASK_MAX}.` }),
    recurrence: t.string({ description: `Repeat rule: ${recurrenceRule}.` }),
    remindAt: t.field({ type: 'DateTime', description: 'When to send a reminder while the task is open; a time already past fires at once.' }),
  }),
});

const UpdateTaskInput = builder.inputType('UpdateTaskInput', {
  description: 'Changes to a task: only the fields given change; null clears the nullable ones (description, dueAt, recurrence, remindAt). A change that leaves every value as it was is not a change (same version).',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    title: t.string({ description: `New title: ${titleRule}. Cannot be null.` }),
    description: t.string({ description: `New description: ${descriptionRule}; null clears it.` }),
    dueAt: t.field({ type: 'DateTime', description: 'New deadline; null clears it (not while the task repeats).' }),
    priority: t.field({ type: TaskPriority, description: 'New priority. Cannot be null.' }),
    completed: t.boolean({ description: 'Mark done (sets completedAt; completes open subtasks; a recurring task moves to its next occurrence instead) or not done (reopens completed parents). Cannot be null.' }),
    labelIds: t.idList({ description: `Replace the labels with these (at most ${LABELS_PER_TASK_MAX}). Not together with addLabelIds or removeLabelIds.` }),
    addLabelIds: t.idList({ description: 'Add these labels.' }),
    removeLabelIds: t.idList({ description: 'Remove these labels.' }),
    recurrence: t.string({ description: `New repeat rule: ${recurrenceRule}. Setting it (again) restarts it from the current dueAt; null stops repeating.` }),
    remindAt: t.field({ type: 'DateTime', description: 'New reminder time (re-arms the reminder); null clears it.' }),
    expectedVersion: t.int({ description: expectedVersionRule }),
  }),
});

const SetTaskCompletedInput = builder.inputType('SetTaskCompletedInput', {
  description: 'Which task, and its new completion state.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    completed: t.boolean({ required: true, description: 'true: done (completedAt = now, kept if already done; a recurring task moves to its next occurrence); false: not done (completedAt = null).' }),
    expectedVersion: t.int({ description: expectedVersionRule }),
  }),
});

const ToggleTaskCompletedInput = builder.inputType('ToggleTaskCompletedInput', {
  description: 'Which task to flip.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    expectedVersion: t.int({ description: expectedVersionRule }),
  }),
});

const DeleteTaskInput = builder.inputType('DeleteTaskInput', {
  description: 'Which task to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    expectedVersion: t.int({ description: expectedVersionRule }),
    permanently: t.boolean({ defaultValue: false, description: 'Delete for good instead of moving to the trash (also works on a task already in the trash).' }),
  }),
});

const MoveTaskInput = builder.inputType('MoveTaskInput', {
  description: 'Where to move a task (with its subtasks). Absent fields keep the current list and parent; neither afterId nor beforeId puts it last among its new siblings.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The task\'s global id.' }),
    listId: t.id({ description: 'The new list; null = the Inbox; absent = keep. With a parent it must be the parent\'s list.' }),
    parentId: t.id({ description: 'The new parent; null = top level; absent = keep. Not the task itself nor one of its subtasks; at most 4 levels deep.' }),
    afterId: t.id({ description: 'Put it right after this sibling at the destination.' }),
    beforeId: t.id({ description: 'Put it right before this sibling at the destination. Not together with afterId.' }),
    expectedVersion: t.int({ description: expectedVersionRule }),
  }),
});

const taskId = (id: string) => idOfType(id, 'Task');

builder.mutationFields((t) => {
  const signedIn = t.withAuth({ loggedIn: true });
  return {
    createTask: signedIn.field({
      type: TaskPayload,
      description: 'Creates a task, last among its siblings. Requires sign-in. Errors: ValidationError.',
      args: { input: t.arg({ type: CreateTaskInput, required: true, description: 'The new task.' }) },
      errors: { types: [ValidationError], union: { name: 'CreateTaskResult', description: 'Result of createTask.' } },
      resolve: (_root, { input }, ctx) => tasks.createTask(ctx, input),
    }),
    updateTask: signedIn.field({
      type: TaskPayload,
      description: 'Changes the given fields of a task; updatedAt and version move when a value changes. Requires sign-in. Errors: ValidationError, NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: UpdateTaskInput, required: true, description: 'The task and its changes.' }) },
      errors: { types: [ValidationError, NotFoundError, StaleTaskError], union: { name: 'UpdateTaskResult', description: 'Result of updateTask.' } },
      resolve: (_root, { input: { id, ...changes } }, ctx) => tasks.updateTask(ctx, taskId(id), changes),
    }),
    setTaskCompleted: signedIn.field({
      type: TaskPayload,
      description: 'Marks a task done or not done, with the cascades of updateTask(completed). Requires sign-in. Errors: NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: SetTaskCompletedInput, required: true, description: 'The task and its state.' }) },
      errors: { types: [NotFoundError, StaleTaskError], union: { name: 'SetTaskCompletedResult', description: 'Result of setTaskCompleted.' } },
      resolve: (_root, { input }, ctx) => tasks.setCompleted(ctx, taskId(input.id), input.completed, input.expectedVersion),
    }),
    toggleTaskCompleted: signedIn.field({
      type: TaskPayload,
      description: 'Flips completion atomically (safe under concurrent toggles). Requires sign-in. Errors: NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: ToggleTaskCompletedInput, required: true, description: 'The task.' }) },
      errors: { types: [NotFoundError, StaleTaskError], union: { name: 'ToggleTaskCompletedResult', description: 'Result of toggleTaskCompleted.' } },
      resolve: (_root, { input }, ctx) => tasks.toggleCompleted(ctx, taskId(input.id), input.expectedVersion),
    }),
    deleteTask: signedIn.field({
      type: DeleteTaskPayload,
      description: 'Moves a task and its subtasks to the trash, or deletes them for good with permanently: true. Requires sign-in. Errors: NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: DeleteTaskInput, required: true, description: 'The task.' }) },
      errors: { types: [NotFoundError, StaleTaskError], union: { name: 'DeleteTaskResult', description: 'Result of deleteTask.' } },
      resolve: async (_root, { input }, ctx) => ({ ids: await tasks.deleteTask(ctx, taskId(input.id), input) }),
    }),
    moveTask: signedIn.field({
      type: TaskPayload,
      description: 'Moves a task (with its subtasks) to another list, parent or place among its siblings, in one step; no other task\'s position changes. Requires sign-in. Errors: ValidationError, NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: MoveTaskInput, required: true, description: 'The task and where it goes.' }) },
      errors: { types: [ValidationError, NotFoundError, StaleTaskError], union: { name: 'MoveTaskResult', description: 'Result of moveTask.' } },
      resolve: (_root, { input: { id, ...to } }, ctx) => moveTask(ctx, taskId(id), to),
    }),
  };
});
