// Apollo Client's cache for the Task API, configured as examples/README.md documents it: the schema's unions
// and interfaces (possibleTypes), Relay-style pagination for every task connection, and reads of single
// objects straight from the cache.
import { InMemoryCache, type FieldPolicy } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
// Generated from the schema by `npm run codegen` (examples/typed-client's codegen writes it).
import generated from '../../../apollo/possibleTypes.json';

/**
 * Each filter and order keeps a list of its own; first/after/last/before merge pages into it. Cursors belong to
 * the order they were made with, so lists of different orders must never be merged.
 */
const taskConnection = (): FieldPolicy => relayStylePagination(['filter', 'orderBy']);

/** A lookup by id answers from the cache when the object is already there (from a list, say). */
const byId = (typename: string): FieldPolicy => ({
  read: (existing, { args, toReference }) =>
    existing ?? (typeof args?.id === 'string' ? toReference({ __typename: typename, id: args.id }) : undefined),
});

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes: generated.possibleTypes,
    typePolicies: {
      Query: {
        fields: {
          tasks: taskConnection(),
          task: byId('Task'),
          taskList: byId('TaskList'),
          label: byId('Label'),
        },
      },
      User: { fields: { tasks: taskConnection() } },
      TaskList: { fields: { tasks: taskConnection() } },
      Label: { fields: { tasks: taskConnection() } },
      Task: { fields: { subtasks: taskConnection() } },
    },
  });
}
