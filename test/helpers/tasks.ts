// Small GraphQL helpers for the task tests: the task mutations with their result unions, global ids,
// and assertions on GraphQL errors.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { GqlResponse, TestApp } from './app.ts';

export const TASK_FIELDS = 'id title description completed completedAt dueAt priority createdAt updatedAt';

export type Priority = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
export interface TaskView {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completedAt: string | null;
  dueAt: string | null;
  priority: Priority;
  createdAt: string;
  updatedAt: string;
}

// ---- Global ids: base64url("Type:uuid") ----

export const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
/** The uuid behind a global id (e.g. the user id of signup, for direct inserts). */
export const rawId = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!;
/** A well-formed task id that no row has. */
export const missingTaskId = () => globalId('Task', randomUUID());

// ---- Mutations ----

const TASK_PAYLOAD = `... on TaskPayload { task { ${TASK_FIELDS} } }`;
const VALIDATION = '... on ValidationError { fieldErrors { path message } }';

const MUTATIONS = {
  createTask: { input: 'CreateTaskInput', result: `${TASK_PAYLOAD} ${VALIDATION}` },
  updateTask: { input: 'UpdateTaskInput', result: `${TASK_PAYLOAD} ${VALIDATION}` },
  setTaskCompleted: { input: 'SetTaskCompletedInput', result: TASK_PAYLOAD },
  toggleTaskCompleted: { input: 'ToggleTaskCompletedInput', result: TASK_PAYLOAD },
  deleteTask: { input: 'DeleteTaskInput', result: '... on DeleteTaskPayload { deletedTaskId }' },
} as const;
export type MutationName = keyof typeof MUTATIONS;

/** What a task mutation returns: one member of its result union. */
export interface MutationResult {
  __typename: 'TaskPayload' | 'DeleteTaskPayload' | 'ValidationError' | 'NotFoundError';
  message?: string;
  task?: TaskView;
  deletedTaskId?: string;
  fieldErrors?: { path: string[]; message: string }[];
}

export function mutationDocument(name: MutationName): string {
  const { input, result } = MUTATIONS[name];
  return `mutation ($input: ${input}!) { ${name}(input: $input) { __typename ... on Error { message } ${result} } }`;
}

/** The task API as one user (or anonymously, without a token). */
export function tasksClient(t: TestApp, token?: string) {
  const gql = <T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> =>
    t.gql<T>(query, variables, { token });

  /** The whole response, for tests of GraphQL errors. */
  const mutateRaw = (name: MutationName, input: Record<string, unknown>) => gql(mutationDocument(name), { input });

  /** The union member; fails the test on a GraphQL error. */
  async function mutate(name: MutationName, input: Record<string, unknown>): Promise<MutationResult> {
    const res = await mutateRaw(name, input);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data[name];
  }

  /** The task of a TaskPayload; fails the test on any other result. */
  async function taskOf(name: MutationName, input: Record<string, unknown>): Promise<TaskView> {
    const result = await mutate(name, input);
    expect(result.__typename, JSON.stringify(result)).toBe('TaskPayload');
    return result.task!;
  }

  return {
    gql,
    mutate,
    mutateRaw,
    create: (input: Record<string, unknown>) => taskOf('createTask', input),
    update: (input: Record<string, unknown>) => taskOf('updateTask', input),
    setCompleted: (id: string, completed: boolean) => taskOf('setTaskCompleted', { id, completed }),
    toggle: (id: string) => taskOf('toggleTaskCompleted', { id }),
    async task(id: string): Promise<TaskView | null> {
      const res = await gql(`query ($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`, { id });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data.task;
    },
  };
}
export type TasksClient = ReturnType<typeof tasksClient>;

// ---- Assertions ----

/** A GraphQL error (not union data) whose code is BAD_USER_INPUT; returns its message. */
export function expectBadUserInput(res: GqlResponse): string {
  expect(res.errors, JSON.stringify(res)).toBeDefined();
  expect(res.errors!.map((e) => e.extensions?.code), JSON.stringify(res.errors)).toEqual(['BAD_USER_INPUT']);
  return res.errors![0]!.message;
}

/** The result union member is a NotFoundError. */
export function expectNotFound(result: MutationResult) {
  expect(result).toEqual({ __typename: 'NotFoundError', message: 'Task not found.' });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
