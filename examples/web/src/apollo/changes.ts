// Applying changes to the cache: a `Change` from the `changes` stream or a `sync` page, and the results of the
// app's own mutations. The cache cannot know on its own that an object is gone, nor where a new or moved
// task belongs: this module evicts DELETED objects and keeps each cached group of tasks (the Inbox's and each
// list's top-level tasks) holding exactly its members, in manual order.
import type { ApolloCache } from '@apollo/client';
import type { ChangeFieldsFragment, TaskFieldsFragment, TaskListFieldsFragment, TasksQuery } from '../gql/graphql.ts';
import { MeQuery, TaskFields, TaskListFields, TasksQuery as TasksDocument } from '../operations.ts';

/** The filter of one group of sibling tasks; the UI queries with exactly these objects, so keys match. */
export function groupFilter(listId: string | null) {
  return listId === null ? { inbox: true, topLevel: true } : { listId, topLevel: true };
}

export function applyChange(cache: ApolloCache, change: ChangeFieldsFragment): void {
  const node = change.node;
  if (change.kind === 'DELETED' || !node) {
    evict(cache, change.nodeType, [change.nodeId]);
    return;
  }
  if (node.__typename === 'Task') {
    const id = cache.identify({ __typename: 'Task', id: node.id });
    // A replayed change can be older than what a mutation's answer already wrote.
    const cached = cache.readFragment({ id, fragment: TaskFields, fragmentName: 'TaskFields' });
    if (cached && cached.version > node.version) return;
    cache.writeFragment({ id, fragment: TaskFields, fragmentName: 'TaskFields', data: node });
    placeTask(cache, node);
  } else if (node.__typename === 'TaskList') {
    const id = cache.identify({ __typename: 'TaskList', id: node.id });
    cache.writeFragment({ id, fragment: TaskListFields, fragmentName: 'TaskListFields', data: node });
    placeTaskList(cache, node);
  }
  // Labels: the app shows none.
}

/**
 * Removes objects from the cache; lists and connections that pointed at them skip them from then on. Tasks
 * are also taken out of the cached groups first: an eviction made in an optimistic layer does not hide them.
 */
export function evict(cache: ApolloCache, typename: string, ids: readonly string[]): void {
  if (typename === 'Task') {
    const gone = new Set(ids);
    forEachGroup(cache, (edges) => (edges.some((edge) => gone.has(edge.node.id)) ? edges.filter((edge) => !gone.has(edge.node.id)) : undefined));
  }
  for (const id of ids) cache.evict({ id: cache.identify({ __typename: typename, id }) });
  cache.gc();
}

/** Puts `task` into the cached group it belongs to (and out of any other), each group in manual order. */
export function placeTask(cache: ApolloCache, task: TaskFieldsFragment): void {
  forEachGroup(cache, (edges, listId) => {
    const belongs = task.parent === null && (task.list?.id ?? null) === listId;
    const others = edges.filter((edge) => edge.node.id !== task.id);
    if (!belongs && others.length === edges.length) return undefined;
    const placed = belongs ? [...others, { __typename: 'TaskEdge' as const, cursor: '', node: task }] : others;
    return placed.sort((a, b) => compareKeys(a.node, b.node));
  });
}

type Edges = TasksQuery['tasks']['edges'];

/** Calls `update` with the edges of each cached group; what it returns (unless undefined) replaces them. */
function forEachGroup(cache: ApolloCache, update: (edges: Edges, listId: string | null) => Edges | undefined): void {
  const lists = cache.readQuery({ query: MeQuery })?.me?.taskLists ?? [];
  for (const listId of [null, ...lists.map((list) => list.id)]) {
    cache.updateQuery({ query: TasksDocument, variables: { filter: groupFilter(listId) } }, (data) => {
      if (!data) return undefined; // that group was never loaded
      const edges = update(data.tasks.edges, listId);
      return edges && { ...data, tasks: { ...data.tasks, edges } };
    });
  }
}

/** Puts a created or moved list into the user's lists, in manual order. */
export function placeTaskList(cache: ApolloCache, list: TaskListFieldsFragment): void {
  cache.updateQuery({ query: MeQuery }, (data) => {
    if (!data?.me) return undefined;
    const taskLists = [...data.me.taskLists.filter((other) => other.id !== list.id), list];
    taskLists.sort(compareKeys);
    return { ...data, me: { ...data.me, taskLists } };
  });
}

/** The API's manual order: position by plain code-unit order (not a locale collation), then id. */
function compareKeys(a: { position: string; id: string }, b: { position: string; id: string }): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
