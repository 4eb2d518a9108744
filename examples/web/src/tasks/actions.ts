// What the user can do to tasks, each a mutation with an optimistic answer: the screen changes at once, and the
// server's answer (or, when it fails, the cache as it was) replaces it.
import { useMutation } from '@apollo/client/react';
import { generateKeyBetween } from 'fractional-indexing';
import { evict, placeTask } from '../apollo/changes.ts';
import type { TaskFieldsFragment } from '../gql/graphql.ts';
import {
  CreateTaskMutation,
  DeleteTaskMutation,
  MoveTaskMutation,
  RenameTaskMutation,
  SetTaskCompletedMutation,
} from '../operations.ts';

export type Task = TaskFieldsFragment;

/** The outcome the UI shows: null when it worked, else the API's message (an `Error` member of the union). */
export type Outcome = string | null;

export function useTaskActions(listId: string | null) {
  const [createTask] = useMutation(CreateTaskMutation);
  const [setTaskCompleted] = useMutation(SetTaskCompletedMutation);
  const [renameTask] = useMutation(RenameTaskMutation);
  const [moveTask] = useMutation(MoveTaskMutation);
  const [deleteTask] = useMutation(DeleteTaskMutation);

  return {
    /** Adds a task at the end of the group. The id is made here (the API accepts client ids), so the
     *  optimistic task and the created one are the same cache object, and the stream's CREATED finds it. */
    async create(title: string, last: Task | undefined): Promise<Outcome> {
      const id = newGlobalId('Task');
      const task: Task = {
        __typename: 'Task',
        id,
        title: title.trim(),
        completed: false,
        completedAt: null,
        position: keyBetween(last?.position ?? null, null),
        version: 1,
        updatedAt: new Date().toISOString(),
        list: listId === null ? null : { __typename: 'TaskList', id: listId },
        parent: null,
      };
      const { data } = await createTask({
        variables: { input: { id, title, listId } },
        optimisticResponse: { __typename: 'Mutation', createTask: { __typename: 'TaskPayload', task } },
        update: (cache, { data }) => {
          if (data?.createTask.__typename === 'TaskPayload') placeTask(cache, data.createTask.task);
        },
      });
      return data?.createTask.__typename === 'TaskPayload' ? null : (data?.createTask.message ?? 'Not saved');
    },

    async setCompleted(task: Task, completed: boolean): Promise<Outcome> {
      const { data } = await setTaskCompleted({
        variables: { input: { id: task.id, completed } },
        optimisticResponse: {
          __typename: 'Mutation',
          setTaskCompleted: {
            __typename: 'TaskPayload',
            task: { ...task, completed, completedAt: completed ? new Date().toISOString() : null, version: task.version + 1 },
            alsoChanged: [],
          },
        },
      });
      return data?.setTaskCompleted.__typename === 'TaskPayload' ? null : (data?.setTaskCompleted.message ?? 'Not saved');
    },

    async rename(task: Task, title: string): Promise<Outcome> {
      const { data } = await renameTask({
        variables: { input: { id: task.id, title } },
        optimisticResponse: {
          __typename: 'Mutation',
          updateTask: { __typename: 'TaskPayload', task: { ...task, title: title.trim(), version: task.version + 1 } },
        },
      });
      return data?.updateTask.__typename === 'TaskPayload' ? null : (data?.updateTask.message ?? 'Not saved');
    },

    /** Moves `task` right before `previous`; `beforePrevious` is the task before that, if any. */
    async moveUp(task: Task, previous: Task, beforePrevious: Task | undefined): Promise<Outcome> {
      const { data } = await moveTask({
        variables: { input: { id: task.id, beforeId: previous.id } },
        optimisticResponse: {
          __typename: 'Mutation',
          moveTask: {
            __typename: 'TaskPayload',
            task: { ...task, position: keyBetween(beforePrevious?.position ?? null, previous.position), version: task.version + 1 },
          },
        },
        update: (cache, { data }) => {
          if (data?.moveTask.__typename === 'TaskPayload') placeTask(cache, data.moveTask.task);
        },
      });
      return data?.moveTask.__typename === 'TaskPayload' ? null : (data?.moveTask.message ?? 'Not moved');
    },

    /** Moves the task (and its subtasks) to the trash. */
    async remove(task: Task): Promise<Outcome> {
      const { data } = await deleteTask({
        variables: { input: { id: task.id } },
        optimisticResponse: { __typename: 'Mutation', deleteTask: { __typename: 'DeleteTaskPayload', deletedTaskId: task.id, deletedTaskIds: [task.id] } },
        update: (cache, { data }) => {
          if (data?.deleteTask.__typename === 'DeleteTaskPayload') evict(cache, 'Task', data.deleteTask.deletedTaskIds);
        },
      });
      return data?.deleteTask.__typename === 'DeleteTaskPayload' ? null : (data?.deleteTask.message ?? 'Not deleted');
    },
  };
}

/** A global id the API accepts for a new object: base64url (no padding) of `Type:uuid`. */
export function newGlobalId(type: 'Task' | 'TaskList'): string {
  return btoa(`${type}:${crypto.randomUUID()}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A manual-order key between two neighbours, for the optimistic answer only (the server picks the real
 * one). The API's keys are fractional-indexing keys, so the same library finds one in between.
 */
function keyBetween(before: string | null, after: string | null): string {
  try {
    return generateKeyBetween(before, after);
  } catch {
    return after === null ? `${before ?? ''}~` : after; // not a key the library accepts: close enough to show
  }
}
