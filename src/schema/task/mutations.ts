// Task mutations: createTask, updateTask, setTaskCompleted, toggleTaskCompleted, deleteTask, moveTask.
import { builder } from '../../builder.ts';
import { AppError, NotFoundError, StaleTaskError, ValidationError } from '../../errors.ts';
import { encodeGlobalId } from '../../global-id.ts';
import { BULK_MAX, bulkIds, deleteTasks, updateTasks } from '../../services/bulk.ts';
import { LABELS_PER_TASK_MAX } from '../../services/labels.ts';
import { RECURRENCE_MAX } from '../../services/recurrence.ts';
import { uuidOf } from '../../services/references.ts';
import { moveTask } from '../../services/task-moves.ts';
import * as tasks from '../../services/tasks.ts';
import { restoreTask, restoreTasks } from '../../services/trash.ts';
import { asData, asResult, resultUnion } from '../errors.ts';
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

const UpdateTaskResult = resultUnion('UpdateTaskResult', 'Result of updateTask.', TaskPayload, [ValidationError, NotFoundError, StaleTaskError]);
const DeleteTaskResult = resultUnion('DeleteTaskResult', 'Result of deleteTask.', DeleteTaskPayload, [NotFoundError, StaleTaskError]);
const RestoreTaskResult = resultUnion('RestoreTaskResult', 'Result of restoreTask.', TaskPayload, [NotFoundError]);

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

const RestoreTaskInput = builder.inputType('RestoreTaskInput', {
  description: 'Which trashed task to bring back.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The trashed task\'s global id.' }) }),
});

const bulkIdsDescription = `1 to ${BULK_MAX} distinct task ids.`;

const BulkTaskChanges = builder.inputType('BulkTaskChanges', {
  description: 'Changes applied to every task of updateTasks; only the fields given change.',
  fields: (t) => ({
    completed: t.boolean({ description: 'Complete or reopen, with the cascades of updateTask(completed). Cannot be null.' }),
    priority: t.field({ type: TaskPriority, description: 'New priority. Cannot be null.' }),
    dueAt: t.field({ type: 'DateTime', description: 'New deadline; null clears it (not for a repeating task).' }),
    listId: t.id({ description: 'Move top-level tasks (with their subtasks) to this list, last; null = the Inbox.' }),
    addLabelIds: t.idList({ description: 'Add these labels.' }),
    removeLabelIds: t.idList({ description: 'Remove these labels.' }),
  }),
});

const UpdateTasksInput = builder.inputType('UpdateTasksInput', {
  description: 'Tasks and the changes to apply to each.',
  fields: (t) => ({
    ids: t.idList({ required: true, description: bulkIdsDescription }),
    set: t.field({ type: BulkTaskChanges, required: true, description: 'The changes.' }),
  }),
});

const DeleteTasksInput = builder.inputType('DeleteTasksInput', {
  description: 'Tasks to delete.',
  fields: (t) => ({
    ids: t.idList({ required: true, description: bulkIdsDescription }),
    permanently: t.boolean({ defaultValue: false, description: 'Delete for good instead of moving to the trash.' }),
  }),
});

const RestoreTasksInput = builder.inputType('RestoreTasksInput', {
  description: 'Trashed tasks to bring back.',
  fields: (t) => ({ ids: t.idList({ required: true, description: bulkIdsDescription }) }),
});

type Bulk<T> = { results: T[]; changedCount: number };
const bulkResult = <T>(results: (T | AppError)[]): Bulk<T | AppError> => ({
  results: results.map(asData),
  changedCount: results.filter((result) => !(result instanceof AppError)).length,
});
const bulkType = (name: string, description: string, item: ReturnType<typeof resultUnion>) =>
  builder.objectRef<Bulk<unknown>>(name).implement({
    description,
    fields: (t) => ({
      results: t.field({ type: [item], description: 'One result per id, in the order of the input.', resolve: (bulk) => bulk.results as never }),
      changedCount: t.exposeInt('changedCount', { description: 'How many ids succeeded.' }),
    }),
  });
const BulkTaskResult = bulkType('BulkTaskResult', 'Result of updateTasks.', UpdateTaskResult);
const BulkDeleteResult = bulkType('BulkDeleteResult', 'Result of deleteTasks.', DeleteTaskResult);
const BulkRestoreResult = bulkType('BulkRestoreResult', 'Result of restoreTasks.', RestoreTaskResult);

// The id a mutation acts on: one that names none of the caller's objects, malformed included, is NotFoundError
// (a mutation's expected failures are data); query arguments keep BAD_USER_INPUT.
const taskId = (id: string) => uuidOf(id, 'Task');

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
      type: UpdateTaskResult,
      description: 'Changes the given fields of a task; updatedAt and version move when a value changes. Requires sign-in. Errors: ValidationError, NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: UpdateTaskInput, required: true, description: 'The task and its changes.' }) },
      resolve: (_root, { input: { id, ...changes } }, ctx) => asResult(tasks.updateTask(ctx, taskId(id), changes)) as never,
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
      type: DeleteTaskResult,
      description: 'Moves a task and its subtasks to the trash, or deletes them for good with permanently: true (also from the trash). Requires sign-in. Errors: NotFoundError, StaleTaskError.',
      args: { input: t.arg({ type: DeleteTaskInput, required: true, description: 'The task.' }) },
      resolve: (_root, { input }, ctx) => asResult(tasks.deleteTask(ctx, taskId(input.id), input).then((ids) => ({ ids }))) as never,
    }),
    restoreTask: signedIn.field({
      type: RestoreTaskResult,
      description: 'Brings a task back from the trash where it was: with its subtasks trashed by the same deletion and its trashed parents (alsoChanged). A task whose list was deleted meanwhile comes back into the Inbox. Requires sign-in. Errors: NotFoundError (also for a task that is not in the trash).',
      args: { input: t.arg({ type: RestoreTaskInput, required: true, description: 'The trashed task.' }) },
      resolve: (_root, { input }, ctx) => asResult(restoreTask(ctx, taskId(input.id))) as never,
    }),
    updateTasks: signedIn.field({
      type: BulkTaskResult,
      description: `Applies the same changes to 1 to ${BULK_MAX} tasks in one step: one result per id, in input order; an id that fails does not stop the others. listId moves top-level tasks (a subtask gets a ValidationError). Errors: BAD_USER_INPUT for 0 or more than ${BULK_MAX} ids or a repeated id (nothing changes). Requires sign-in.`,
      args: { input: t.arg({ type: UpdateTasksInput, required: true, description: 'The tasks and the changes.' }) },
      resolve: async (_root, { input }, ctx) => bulkResult(await updateTasks(ctx, input.ids, input.set)),
    }),
    deleteTasks: signedIn.field({
      type: BulkDeleteResult,
      description: `deleteTask for 1 to ${BULK_MAX} tasks: one result per id, in input order. Errors: BAD_USER_INPUT for 0 or more than ${BULK_MAX} ids or a repeated id. Requires sign-in.`,
      args: { input: t.arg({ type: DeleteTasksInput, required: true, description: 'The tasks.' }) },
      resolve: async (_root, { input }, ctx) =>
        bulkResult((await deleteTasks(ctx, input.ids, input.permanently ?? false)).map((result) => (Array.isArray(result) ? { ids: result } : result))),
    }),
    restoreTasks: signedIn.field({
      type: BulkRestoreResult,
      description: `restoreTask for 1 to ${BULK_MAX} tasks: one result per id, in input order. Errors: BAD_USER_INPUT for 0 or more than ${BULK_MAX} ids or a repeated id. Requires sign-in.`,
      args: { input: t.arg({ type: RestoreTasksInput, required: true, description: 'The trashed tasks.' }) },
      resolve: async (_root, { input }, ctx) => bulkResult(await restoreTasks(ctx, bulkIds(input.ids))),
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
