// Which task columns a connection's selection needs: a page reads only those (task-sql.ts), not all 24,
// because turning unused columns (eight timestamps among them) into objects was a large share of a page's
// CPU and garbage (bench/README.md, "Hot path").
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Task } from '../../generated/prisma/client.ts';

type TaskField = keyof Task;

/** The columns each Task field reads from its task; a field not listed here makes the page read them all. */
const COLUMNS_OF: Record<string, readonly TaskField[]> = {
  __typename: [],
  id: ['id'],
  title: ['title'],
  description: ['description'],
  completed: ['completed'],
  completedAt: ['completedAt'],
  dueAt: ['dueAt'],
  priority: ['priority'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  position: ['position'],
  recurrence: ['recurrence'],
  remindAt: ['remindAt'],
  version: ['version'],
  subtaskCount: ['id'],
  completedSubtaskCount: ['id'],
  subtasks: ['id'],
  labels: ['id'],
  list: ['listId'],
  parent: ['parentId'],
};

/**
 * The Task fields (columns) the connection field being resolved selects under edges.node and nodes, or
 * null when it selects something not known here (then every column is read). The id is always read.
 */
export function taskColumns(info: GraphQLResolveInfo): TaskField[] | null {
  const columns = new Set<TaskField>(['id']);
  const fragments = info.fragments;
  const visit = (set: SelectionSetNode | undefined, each: (name: string, sub: SelectionSetNode | undefined) => boolean): boolean => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (!each(selection.name.value, selection.selectionSet)) return false;
      } else {
        const fragment: { selectionSet: SelectionSetNode } | FragmentDefinitionNode | undefined =
          selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
        if (!fragment || !visit(fragment.selectionSet, each)) return false;
      }
    }
    return true;
  };
  const onTask = (name: string) => {
    const needs = COLUMNS_OF[name];
    if (!needs) return false;
    for (const column of needs) columns.add(column);
    return true;
  };
  const onConnection = (name: string, sub: SelectionSetNode | undefined): boolean => {
    if (name === 'nodes') return visit(sub, onTask);
    if (name === 'edges') return visit(sub, (edgeField, edgeSub) => (edgeField === 'node' ? visit(edgeSub, onTask) : true));
    return true; // pageInfo, totalCount, __typename: the order column and id, added by the query
  };
  for (const node of info.fieldNodes) if (!visit(node.selectionSet, onConnection)) return null;
  return [...columns];
}
