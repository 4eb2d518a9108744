/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    position\n    version\n    updatedAt\n    list {\n      id\n    }\n    parent {\n      id\n    }\n  }\n": typeof types.TaskFieldsFragmentDoc,
    "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    color\n    position\n    openTaskCount\n  }\n": typeof types.TaskListFieldsFragmentDoc,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n    user {\n      id\n      email\n    }\n  }\n": typeof types.AuthFieldsFragmentDoc,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SignupDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ...AuthFields\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Logout {\n    logout {\n      revokedSessions\n    }\n  }\n": typeof types.LogoutDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      taskLists {\n        ...TaskListFields\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Tasks($filter: TaskFilter!) {\n    tasks(first: 100, filter: $filter, orderBy: { field: POSITION, direction: ASC }) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TasksDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateTaskDocument,
    "\n  mutation SetTaskCompleted($input: SetTaskCompletedInput!) {\n    setTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n        alsoChanged {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SetTaskCompletedDocument,
    "\n  mutation RenameTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RenameTaskDocument,
    "\n  mutation MoveTask($input: MoveTaskInput!) {\n    moveTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.MoveTaskDocument,
    "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n        deletedTaskIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DeleteTaskDocument,
    "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateTaskListDocument,
    "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      ...ChangeFields\n    }\n  }\n": typeof types.ChangesDocument,
    "\n  query Sync($after: String, $first: Int) {\n    sync(after: $after, first: $first) {\n      changes {\n        ...ChangeFields\n      }\n      syncToken\n      hasMore\n    }\n  }\n": typeof types.SyncDocument,
    "\n  query SyncToken($after: String) {\n    sync(after: $after, first: 1000) {\n      syncToken\n      hasMore\n    }\n  }\n": typeof types.SyncTokenDocument,
    "\n  fragment ChangeFields on Change {\n    kind\n    nodeId\n    nodeType\n    syncToken\n    node {\n      __typename\n      id\n      ...TaskFields\n      ...TaskListFields\n    }\n  }\n": typeof types.ChangeFieldsFragmentDoc,
};
const documents: Documents = {
    "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    position\n    version\n    updatedAt\n    list {\n      id\n    }\n    parent {\n      id\n    }\n  }\n": types.TaskFieldsFragmentDoc,
    "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    color\n    position\n    openTaskCount\n  }\n": types.TaskListFieldsFragmentDoc,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n    user {\n      id\n      email\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SignupDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ...AuthFields\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Logout {\n    logout {\n      revokedSessions\n    }\n  }\n": types.LogoutDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      taskLists {\n        ...TaskListFields\n      }\n    }\n  }\n": types.MeDocument,
    "\n  query Tasks($filter: TaskFilter!) {\n    tasks(first: 100, filter: $filter, orderBy: { field: POSITION, direction: ASC }) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TasksDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateTaskDocument,
    "\n  mutation SetTaskCompleted($input: SetTaskCompletedInput!) {\n    setTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n        alsoChanged {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SetTaskCompletedDocument,
    "\n  mutation RenameTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RenameTaskDocument,
    "\n  mutation MoveTask($input: MoveTaskInput!) {\n    moveTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.MoveTaskDocument,
    "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n        deletedTaskIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DeleteTaskDocument,
    "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateTaskListDocument,
    "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      ...ChangeFields\n    }\n  }\n": types.ChangesDocument,
    "\n  query Sync($after: String, $first: Int) {\n    sync(after: $after, first: $first) {\n      changes {\n        ...ChangeFields\n      }\n      syncToken\n      hasMore\n    }\n  }\n": types.SyncDocument,
    "\n  query SyncToken($after: String) {\n    sync(after: $after, first: 1000) {\n      syncToken\n      hasMore\n    }\n  }\n": types.SyncTokenDocument,
    "\n  fragment ChangeFields on Change {\n    kind\n    nodeId\n    nodeType\n    syncToken\n    node {\n      __typename\n      id\n      ...TaskFields\n      ...TaskListFields\n    }\n  }\n": types.ChangeFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    position\n    version\n    updatedAt\n    list {\n      id\n    }\n    parent {\n      id\n    }\n  }\n"): (typeof documents)["\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    position\n    version\n    updatedAt\n    list {\n      id\n    }\n    parent {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    color\n    position\n    openTaskCount\n  }\n"): (typeof documents)["\n  fragment TaskListFields on TaskList {\n    id\n    name\n    color\n    position\n    openTaskCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n    user {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment AuthFields on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n    user {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ...AuthFields\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ...AuthFields\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ...AuthFields\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      revokedSessions\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      revokedSessions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      taskLists {\n        ...TaskListFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      taskLists {\n        ...TaskListFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tasks($filter: TaskFilter!) {\n    tasks(first: 100, filter: $filter, orderBy: { field: POSITION, direction: ASC }) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Tasks($filter: TaskFilter!) {\n    tasks(first: 100, filter: $filter, orderBy: { field: POSITION, direction: ASC }) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTaskCompleted($input: SetTaskCompletedInput!) {\n    setTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n        alsoChanged {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetTaskCompleted($input: SetTaskCompletedInput!) {\n    setTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n        alsoChanged {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RenameTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveTask($input: MoveTaskInput!) {\n    moveTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MoveTask($input: MoveTaskInput!) {\n    moveTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n        deletedTaskIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n        deletedTaskIds\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      ...ChangeFields\n    }\n  }\n"): (typeof documents)["\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      ...ChangeFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sync($after: String, $first: Int) {\n    sync(after: $after, first: $first) {\n      changes {\n        ...ChangeFields\n      }\n      syncToken\n      hasMore\n    }\n  }\n"): (typeof documents)["\n  query Sync($after: String, $first: Int) {\n    sync(after: $after, first: $first) {\n      changes {\n        ...ChangeFields\n      }\n      syncToken\n      hasMore\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncToken($after: String) {\n    sync(after: $after, first: 1000) {\n      syncToken\n      hasMore\n    }\n  }\n"): (typeof documents)["\n  query SyncToken($after: String) {\n    sync(after: $after, first: 1000) {\n      syncToken\n      hasMore\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChangeFields on Change {\n    kind\n    nodeId\n    nodeType\n    syncToken\n    node {\n      __typename\n      id\n      ...TaskFields\n      ...TaskListFields\n    }\n  }\n"): (typeof documents)["\n  fragment ChangeFields on Change {\n    kind\n    nodeId\n    nodeType\n    syncToken\n    node {\n      __typename\n      id\n      ...TaskFields\n      ...TaskListFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;