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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;