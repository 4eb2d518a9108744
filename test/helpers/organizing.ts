// GraphQL helpers for the Part 2 "Organizing" tests: the new mutations (lists, labels, moves, profile) and
// the task mutations with their Part 2 fields, each with every member of its result union.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { GqlResponse, TestApp } from './app.ts';
import { globalId } from './tasks.ts';

/** Well-formed ids that no row has. */
export const missingListId = () => globalId('TaskList', randomUUID());
export const missingLabelId = () => globalId('Label', randomUUID());

export const ORG_TASK_FIELDS =
  'id title description completed completedAt dueAt priority createdAt updatedAt position recurrence remindAt version ' +
  'subtaskCount completedSubtaskCount list { id } parent { id } labels { id }';
export const LIST_FIELDS = 'id name color position openTaskCount createdAt updatedAt';
export const LABEL_FIELDS = 'id name color createdAt updatedAt';

export interface OrgTask {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completedAt: string | null;
  dueAt: string | null;
  priority: string;
  createdAt: string;
  updatedAt: string;
  position: string;
  recurrence: string | null;
  remindAt: string | null;
  version: number;
  subtaskCount: number;
  completedSubtaskCount: number;
  list: { id: string } | null;
  parent: { id: string } | null;
  labels: { id: string }[];
}
export interface ListView {
  id: string;
  name: string;
  color: string | null;
  position: string;
  openTaskCount: number;
  createdAt: string;
  updatedAt: string;
}
export interface LabelView {
  id: string;
  name: string;
  color: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One member of a mutation's result union, with the fields its fragment selects. */
export interface Outcome {
  __typename: string;
  message?: string;
  fieldErrors?: { path: string[]; message: string }[];
  limit?: number;
  task?: OrgTask;
  alsoChanged?: OrgTask[];
  taskList?: ListView;
  label?: LabelView;
  deletedTaskId?: string;
  deletedTaskIds?: string[];
  deletedTaskListId?: string;
  deletedLabelId?: string;
  user?: { id: string; name: string | null; timeZone: string };
}

const FRAGMENTS = {
  TaskPayload: `... on TaskPayload { task { ${ORG_TASK_FIELDS} } alsoChanged { ${ORG_TASK_FIELDS} } }`,
  DeleteTaskPayload: '... on DeleteTaskPayload { deletedTaskId deletedTaskIds }',
  TaskListPayload: `... on TaskListPayload { taskList { ${LIST_FIELDS} } }`,
  DeleteTaskListPayload: '... on DeleteTaskListPayload { deletedTaskListId }',
  LabelPayload: `... on LabelPayload { label { ${LABEL_FIELDS} } }`,
  DeleteLabelPayload: '... on DeleteLabelPayload { deletedLabelId }',
  UserPayload: '... on UserPayload { user { id name timeZone } }',
  ValidationError: '... on ValidationError { fieldErrors { path message } }',
  StaleTaskError: `... on StaleTaskError { task { ${ORG_TASK_FIELDS} } }`,
  LimitExceededError: '... on LimitExceededError { limit }',
  NotFoundError: '',
  NameTakenError: '',
} as const;
type Member = keyof typeof FRAGMENTS;

const MUTATIONS = {
  createTask: ['CreateTaskInput', ['TaskPayload', 'ValidationError']],
  updateTask: ['UpdateTaskInput', ['TaskPayload', 'ValidationError', 'NotFoundError', 'StaleTaskError']],
  setTaskCompleted: ['SetTaskCompletedInput', ['TaskPayload', 'NotFoundError', 'StaleTaskError']],
  toggleTaskCompleted: ['ToggleTaskCompletedInput', ['TaskPayload', 'NotFoundError', 'StaleTaskError']],
  deleteTask: ['DeleteTaskInput', ['DeleteTaskPayload', 'NotFoundError', 'StaleTaskError']],
  restoreTask: ['RestoreTaskInput', ['TaskPayload', 'NotFoundError']],
  moveTask: ['MoveTaskInput', ['TaskPayload', 'ValidationError', 'NotFoundError', 'StaleTaskError']],
  createTaskList: ['CreateTaskListInput', ['TaskListPayload', 'ValidationError', 'NameTakenError', 'LimitExceededError']],
  updateTaskList: ['UpdateTaskListInput', ['TaskListPayload', 'ValidationError', 'NameTakenError', 'NotFoundError']],
  moveTaskList: ['MoveTaskListInput', ['TaskListPayload', 'ValidationError', 'NotFoundError']],
  deleteTaskList: ['DeleteTaskListInput', ['DeleteTaskListPayload', 'NotFoundError']],
  createLabel: ['CreateLabelInput', ['LabelPayload', 'ValidationError', 'NameTakenError', 'LimitExceededError']],
  updateLabel: ['UpdateLabelInput', ['LabelPayload', 'ValidationError', 'NameTakenError', 'NotFoundError']],
  deleteLabel: ['DeleteLabelInput', ['DeleteLabelPayload', 'NotFoundError']],
  updateProfile: ['UpdateProfileInput', ['UserPayload', 'ValidationError']],
} as const satisfies Record<string, readonly [string, readonly Member[]]>;
export type OrgMutation = keyof typeof MUTATIONS;

export function orgMutationDocument(name: OrgMutation): string {
  const [input, members] = MUTATIONS[name];
  const fragments = members.map((member: Member) => FRAGMENTS[member]).filter(Boolean).join(' ');
  return `mutation ($input: ${input}!) { ${name}(input: $input) { __typename ... on Error { message } ${fragments} } }`;
}

/** The Part 2 API as one user. */
export function organizingClient(t: TestApp, token: string) {
  const gql = <T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> => t.gql<T>(query, variables, { token });

  /** The union member; fails the test on a GraphQL error. */
  async function mutate(name: OrgMutation, input: Record<string, unknown>): Promise<Outcome> {
    const res = await gql(orgMutationDocument(name), { input });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data[name];
  }

  /** The union member, which must be the payload (`typename`); fails the test otherwise. */
  async function ok(name: OrgMutation, input: Record<string, unknown>, typename: string): Promise<Outcome> {
    const outcome = await mutate(name, input);
    expect(outcome.__typename, JSON.stringify(outcome)).toBe(typename);
    return outcome;
  }

  /** Reads nodes with a query that must not fail. */
  async function read<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await gql<T>(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data as T;
  }

  return {
    gql,
    mutate,
    ok,
    read,
    createTask: async (input: Record<string, unknown>) => (await ok('createTask', input, 'TaskPayload')).task!,
    updateTask: async (input: Record<string, unknown>) => (await ok('updateTask', input, 'TaskPayload')).task!,
    createList: async (name: string, extra: Record<string, unknown> = {}) => (await ok('createTaskList', { name, ...extra }, 'TaskListPayload')).taskList!,
    createLabel: async (name: string, extra: Record<string, unknown> = {}) => (await ok('createLabel', { name, ...extra }, 'LabelPayload')).label!,
    setTimeZone: async (timeZone: string) => (await ok('updateProfile', { timeZone }, 'UserPayload')).user!,
    async task(id: string): Promise<OrgTask | null> {
      return (await read<{ task: OrgTask | null }>(`query ($id: ID!) { task(id: $id) { ${ORG_TASK_FIELDS} } }`, { id })).task;
    },
  };
}
export type OrganizingClient = ReturnType<typeof organizingClient>;
