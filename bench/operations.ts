// The GraphQL operations of the workloads. The floor server dispatches on operationName and answers
// with the same JSON the API returns for them.
export const PAGE_SIZE = 20;

const PAGE_SELECTION = 'edges { node { id title completed createdAt } } pageInfo { hasNextPage endCursor }';

export const OPERATIONS = {
  /** W1 (and W4's reads). */
  FirstPage: `query FirstPage { tasks(first: ${PAGE_SIZE}) { ${PAGE_SELECTION} } }`,
  /** W2: after the cursor of the 960th task. */
  DeepPage: `query DeepPage($after: String!) { tasks(first: ${PAGE_SIZE}, after: $after) { ${PAGE_SELECTION} } }`,
  /** W3. */
  CreateTask:
    'mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id title completed createdAt } } } }',
  /** W4's logins. */
  Login: 'mutation Login($input: LoginInput!) { login(input: $input) { __typename ... on AuthPayload { accessToken } } }',
  /** W5. */
  Search: `query Search($search: String!) { tasks(first: ${PAGE_SIZE}, filter: { search: $search }) { ${PAGE_SELECTION} } }`,
  /** W6: one incremental sync page of 500 changes. */
  SyncPage:
    'query SyncPage($after: String) { sync(after: $after, first: 500) { changes { kind nodeId nodeType syncToken node { ... on Task { id title completed updatedAt version } } } syncToken hasMore } }',
  /** W7: one bulk update of 100 tasks. */
  UpdateTasks: 'mutation UpdateTasks($input: UpdateTasksInput!) { updateTasks(input: $input) { changedCount } }',
  /** The PGlite memory check's account. */
  Signup: 'mutation Signup($input: SignupInput!) { signup(input: $input) { __typename ... on AuthPayload { accessToken } } }',
} as const;

export type OperationName = keyof typeof OPERATIONS;

export function requestBody(operationName: OperationName, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ operationName, query: OPERATIONS[operationName], variables });
}
