// Every operation the app sends, as `graphql()` calls: codegen (codegen.ts) types them from the API's schema
// and lists them in src/gql/persisted-documents.json.
import { graphql } from './gql/index.ts';

export const TaskFields = graphql(`
  fragment TaskFields on Task {
    id
    title
    completed
    completedAt
    position
    version
    updatedAt
    list {
      id
    }
    parent {
      id
    }
  }
`);

export const TaskListFields = graphql(`
  fragment TaskListFields on TaskList {
    id
    name
    color
    position
    openTaskCount
  }
`);

export const AuthFields = graphql(`
  fragment AuthFields on AuthPayload {
    accessToken
    refreshToken
    accessTokenExpiresAt
    user {
      id
      email
    }
  }
`);

export const SignupMutation = graphql(`
  mutation Signup($input: SignupInput!) {
    signup(input: $input) {
      __typename
      ...AuthFields
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ...AuthFields
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken($input: RefreshTokenInput!) {
    refreshToken(input: $input) {
      __typename
      ...AuthFields
      ... on Error {
        message
      }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      revokedSessions
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      taskLists {
        ...TaskListFields
      }
    }
  }
`);

/** One group of sibling tasks: the Inbox's or a list's top-level tasks, in manual order. */
export const TasksQuery = graphql(`
  query Tasks($filter: TaskFilter!) {
    tasks(first: 100, filter: $filter, orderBy: { field: POSITION, direction: ASC }) {
      edges {
        cursor
        node {
          ...TaskFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateTaskMutation = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      __typename
      ... on TaskPayload {
        task {
          ...TaskFields
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const SetTaskCompletedMutation = graphql(`
  mutation SetTaskCompleted($input: SetTaskCompletedInput!) {
    setTaskCompleted(input: $input) {
      __typename
      ... on TaskPayload {
        task {
          ...TaskFields
        }
        alsoChanged {
          ...TaskFields
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const RenameTaskMutation = graphql(`
  mutation RenameTask($input: UpdateTaskInput!) {
    updateTask(input: $input) {
      __typename
      ... on TaskPayload {
        task {
          ...TaskFields
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const MoveTaskMutation = graphql(`
  mutation MoveTask($input: MoveTaskInput!) {
    moveTask(input: $input) {
      __typename
      ... on TaskPayload {
        task {
          ...TaskFields
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const DeleteTaskMutation = graphql(`
  mutation DeleteTask($input: DeleteTaskInput!) {
    deleteTask(input: $input) {
      __typename
      ... on DeleteTaskPayload {
        deletedTaskId
        deletedTaskIds
      }
      ... on Error {
        message
      }
    }
  }
`);

export const CreateTaskListMutation = graphql(`
  mutation CreateTaskList($input: CreateTaskListInput!) {
    createTaskList(input: $input) {
      __typename
      ... on TaskListPayload {
        taskList {
          ...TaskListFields
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

/** Live changes; `after` resumes from the last syncToken applied. */
export const ChangesSubscription = graphql(`
  subscription Changes($after: String) {
    changes(after: $after) {
      ...ChangeFields
    }
  }
`);

/** Catch-up after a reconnect (and the starting token): pages of changes since `after`. */
export const SyncQuery = graphql(`
  query Sync($after: String, $first: Int) {
    sync(after: $after, first: $first) {
      changes {
        ...ChangeFields
      }
      syncToken
      hasMore
    }
  }
`);

/** Only the position in the change log: where a new stream starts (a full sync, without the objects). */
export const SyncTokenQuery = graphql(`
  query SyncToken($after: String) {
    sync(after: $after, first: 1000) {
      syncToken
      hasMore
    }
  }
`);

export const ChangeFields = graphql(`
  fragment ChangeFields on Change {
    kind
    nodeId
    nodeType
    syncToken
    node {
      __typename
      id
      ...TaskFields
      ...TaskListFields
    }
  }
`);
