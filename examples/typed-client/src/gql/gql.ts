/* eslint-disable */
import * as types from './graphql.js';
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
    "\n  fragment Tokens on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n": typeof types.TokensFragmentDoc,
    "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    dueAt\n    priority\n  }\n": typeof types.TaskFieldsFragmentDoc,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n        user {\n          id\n          email\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SignupDocument,
    "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  query Me {\n    me {\n      id\n      email\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreateTaskDocument,
    "\n  query TasksPage($first: Int!, $after: String, $filter: TaskFilter, $orderBy: TaskOrder) {\n    tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TasksPageDocument,
    "\n  mutation ToggleTaskCompleted($input: ToggleTaskCompletedInput!) {\n    toggleTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.ToggleTaskCompletedDocument,
    "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DeleteTaskDocument,
    "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    openTaskCount\n  }\n": typeof types.TaskListFieldsFragmentDoc,
    "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateTaskListDocument,
    "\n  mutation CreateLabel($input: CreateLabelInput!) {\n    createLabel(input: $input) {\n      __typename\n      ... on LabelPayload {\n        label {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateLabelDocument,
    "\n  fragment OrganizedTask on Task {\n    id\n    title\n    version\n    list {\n      id\n    }\n    parent {\n      id\n    }\n    labels {\n      id\n      name\n    }\n  }\n": typeof types.OrganizedTaskFragmentDoc,
    "\n  mutation CreateOrganizedTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreateOrganizedTaskDocument,
    "\n  mutation UpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on StaleTaskError {\n        message\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.UpdateTaskDocument,
    "\n  query ListTasks($id: ID!) {\n    taskList(id: $id) {\n      ...TaskListFields\n      tasks(first: 20, filter: { topLevel: true }, orderBy: { field: POSITION, direction: ASC }) {\n        edges {\n          node {\n            ...OrganizedTask\n            subtaskCount\n            subtasks(first: 10) {\n              edges {\n                node {\n                  ...OrganizedTask\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ListTasksDocument,
    "\n  query Organizing {\n    me {\n      taskLists {\n        ...TaskListFields\n      }\n      labels {\n        id\n        name\n      }\n    }\n  }\n": typeof types.OrganizingDocument,
    "\n  query SyncToken {\n    sync(first: 500) {\n      syncToken\n      hasMore\n    }\n  }\n": typeof types.SyncTokenDocument,
    "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      kind\n      nodeType\n      nodeId\n      syncToken\n      node {\n        __typename\n        id\n        ... on Task {\n          title\n          version\n        }\n      }\n    }\n  }\n": typeof types.ChangesDocument,
};
const documents: Documents = {
    "\n  fragment Tokens on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n": types.TokensFragmentDoc,
    "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    dueAt\n    priority\n  }\n": types.TaskFieldsFragmentDoc,
    "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n        user {\n          id\n          email\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SignupDocument,
    "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  query Me {\n    me {\n      id\n      email\n    }\n  }\n": types.MeDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.CreateTaskDocument,
    "\n  query TasksPage($first: Int!, $after: String, $filter: TaskFilter, $orderBy: TaskOrder) {\n    tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TasksPageDocument,
    "\n  mutation ToggleTaskCompleted($input: ToggleTaskCompletedInput!) {\n    toggleTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.ToggleTaskCompletedDocument,
    "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DeleteTaskDocument,
    "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    openTaskCount\n  }\n": types.TaskListFieldsFragmentDoc,
    "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateTaskListDocument,
    "\n  mutation CreateLabel($input: CreateLabelInput!) {\n    createLabel(input: $input) {\n      __typename\n      ... on LabelPayload {\n        label {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateLabelDocument,
    "\n  fragment OrganizedTask on Task {\n    id\n    title\n    version\n    list {\n      id\n    }\n    parent {\n      id\n    }\n    labels {\n      id\n      name\n    }\n  }\n": types.OrganizedTaskFragmentDoc,
    "\n  mutation CreateOrganizedTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.CreateOrganizedTaskDocument,
    "\n  mutation UpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on StaleTaskError {\n        message\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.UpdateTaskDocument,
    "\n  query ListTasks($id: ID!) {\n    taskList(id: $id) {\n      ...TaskListFields\n      tasks(first: 20, filter: { topLevel: true }, orderBy: { field: POSITION, direction: ASC }) {\n        edges {\n          node {\n            ...OrganizedTask\n            subtaskCount\n            subtasks(first: 10) {\n              edges {\n                node {\n                  ...OrganizedTask\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ListTasksDocument,
    "\n  query Organizing {\n    me {\n      taskLists {\n        ...TaskListFields\n      }\n      labels {\n        id\n        name\n      }\n    }\n  }\n": types.OrganizingDocument,
    "\n  query SyncToken {\n    sync(first: 500) {\n      syncToken\n      hasMore\n    }\n  }\n": types.SyncTokenDocument,
    "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      kind\n      nodeType\n      nodeId\n      syncToken\n      node {\n        __typename\n        id\n        ... on Task {\n          title\n          version\n        }\n      }\n    }\n  }\n": types.ChangesDocument,
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
export function graphql(source: "\n  fragment Tokens on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n"): (typeof documents)["\n  fragment Tokens on AuthPayload {\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    dueAt\n    priority\n  }\n"): (typeof documents)["\n  fragment TaskFields on Task {\n    id\n    title\n    completed\n    completedAt\n    dueAt\n    priority\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n        user {\n          id\n          email\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Signup($input: SignupInput!) {\n    signup(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n        user {\n          id\n          email\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          path\n          message\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($input: RefreshTokenInput!) {\n    refreshToken(input: $input) {\n      __typename\n      ... on AuthPayload {\n        ...Tokens\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TasksPage($first: Int!, $after: String, $filter: TaskFilter, $orderBy: TaskOrder) {\n    tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query TasksPage($first: Int!, $after: String, $filter: TaskFilter, $orderBy: TaskOrder) {\n    tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ToggleTaskCompleted($input: ToggleTaskCompletedInput!) {\n    toggleTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ToggleTaskCompleted($input: ToggleTaskCompletedInput!) {\n    toggleTaskCompleted(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...TaskFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTask($input: DeleteTaskInput!) {\n    deleteTask(input: $input) {\n      __typename\n      ... on DeleteTaskPayload {\n        deletedTaskId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskListFields on TaskList {\n    id\n    name\n    openTaskCount\n  }\n"): (typeof documents)["\n  fragment TaskListFields on TaskList {\n    id\n    name\n    openTaskCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTaskList($input: CreateTaskListInput!) {\n    createTaskList(input: $input) {\n      __typename\n      ... on TaskListPayload {\n        taskList {\n          ...TaskListFields\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateLabel($input: CreateLabelInput!) {\n    createLabel(input: $input) {\n      __typename\n      ... on LabelPayload {\n        label {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateLabel($input: CreateLabelInput!) {\n    createLabel(input: $input) {\n      __typename\n      ... on LabelPayload {\n        label {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrganizedTask on Task {\n    id\n    title\n    version\n    list {\n      id\n    }\n    parent {\n      id\n    }\n    labels {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment OrganizedTask on Task {\n    id\n    title\n    version\n    list {\n      id\n    }\n    parent {\n      id\n    }\n    labels {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrganizedTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOrganizedTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on StaleTaskError {\n        message\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      __typename\n      ... on TaskPayload {\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on StaleTaskError {\n        message\n        task {\n          ...OrganizedTask\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListTasks($id: ID!) {\n    taskList(id: $id) {\n      ...TaskListFields\n      tasks(first: 20, filter: { topLevel: true }, orderBy: { field: POSITION, direction: ASC }) {\n        edges {\n          node {\n            ...OrganizedTask\n            subtaskCount\n            subtasks(first: 10) {\n              edges {\n                node {\n                  ...OrganizedTask\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListTasks($id: ID!) {\n    taskList(id: $id) {\n      ...TaskListFields\n      tasks(first: 20, filter: { topLevel: true }, orderBy: { field: POSITION, direction: ASC }) {\n        edges {\n          node {\n            ...OrganizedTask\n            subtaskCount\n            subtasks(first: 10) {\n              edges {\n                node {\n                  ...OrganizedTask\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Organizing {\n    me {\n      taskLists {\n        ...TaskListFields\n      }\n      labels {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Organizing {\n    me {\n      taskLists {\n        ...TaskListFields\n      }\n      labels {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncToken {\n    sync(first: 500) {\n      syncToken\n      hasMore\n    }\n  }\n"): (typeof documents)["\n  query SyncToken {\n    sync(first: 500) {\n      syncToken\n      hasMore\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      kind\n      nodeType\n      nodeId\n      syncToken\n      node {\n        __typename\n        id\n        ... on Task {\n          title\n          version\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription Changes($after: String) {\n    changes(after: $after) {\n      kind\n      nodeType\n      nodeId\n      syncToken\n      node {\n        __typename\n        id\n        ... on Task {\n          title\n          version\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;