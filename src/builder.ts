// The Pothos SchemaBuilder: plugins, scalars and shared conventions. No domain types live here.
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context, SignedInContext } from './context.ts';
import { AppError } from './errors.ts';
import { DateTimeScalar } from './scalars.ts';
import { assertDecodable, decodeGlobalId, encodeGlobalId } from './global-id.ts';
import { unauthenticated } from './errors.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import type PrismaTypes from './generated/pothos-types.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { loggedIn: boolean };
  AuthContexts: { loggedIn: SignedInContext };
  PrismaTypes: PrismaTypes;
  // graphql-js parses every ID input (string or integer literal) to a string.
  Scalars: { DateTime: { Input: Date; Output: Date }; ID: { Input: string; Output: string | number } };
  // The contract is mostly non-null: fields are non-null unless they say `nullable: true`.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({ loggedIn: context.viewer !== null }),
    unauthorizedError: () => unauthenticated(),
    // Subscriptions are authorized when they start, not per event.
    authorizeOnSubscribe: true,
  },
  errors: {
    defaultTypes: [],
    directResult: true,
  },
  prisma: {
    // Each request carries its database client, so tests can run many databases in one process.
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodeTypeOptions: { description: 'An object with a globally unique, opaque id (Relay Global Object Identification).' },
    pageInfoTypeOptions: { description: 'Where a page sits in its connection, for cursor pagination.' },
    idFieldOptions: { description: 'Opaque global id: base64url of "Type:uuid". Pass it back to `node` or the mutations.' },
    hasNextPageFieldOptions: { description: 'True when more items follow the last edge of this page.' },
    hasPreviousPageFieldOptions: { description: 'True when more items precede the first edge of this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge; pass it as `before` to page backwards.' },
    endCursorFieldOptions: { description: 'Cursor of the last edge; pass it as `after` to page forwards.' },
    cursorFieldOptions: { description: 'Opaque keyset cursor of this edge, valid for the same `orderBy` only.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global id; null when it does not exist, is not yours, or you are not signed in.',
      args: { id: { description: 'A global id, as returned in an `id` field.' } },
      // Anonymous callers see no nodes at all; signed-in lookups are scoped by each node's findUnique.
      resolve: (_root, { id }, context, _info, resolveNode) => {
        if (!context.viewer) return null;
        assertDecodable(id);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      description: 'Fetches several objects by global id, in order; null for each id that does not exist or is not yours.',
      args: { ids: { description: 'Global ids, as returned in `id` fields.' } },
      resolve: (_root, { ids }, context, _info, resolveNodes) => {
        if (!context.viewer) return ids.map(() => null);
        ids.forEach(assertDecodable);
        return resolveNodes(ids);
      },
    },
  },
});

builder.addScalarType('DateTime', DateTimeScalar, {});

builder.queryType({ description: 'Read entry points. Task fields require a signed-in user.' });
builder.mutationType({ description: 'Write entry points. Expected failures come back as members of each result union.' });
builder.subscriptionType({ description: 'Live updates over server-sent events or graphql-ws on /graphql. Require sign-in.' });

/** The shared `Error` interface every expected-error type implements. */
export const ErrorInterface = builder.interfaceRef<AppError>('Error').implement({
  description: 'An expected failure, returned as data in a mutation result union. Query `... on Error { message }` to handle any of them.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'Human-readable explanation, safe to show to the user.' }),
  }),
});
