// Query.sync, Change and SyncPage: incremental sync for offline clients.
import { brandWithType } from '@pothos/core';
import { builder } from '../builder.ts';
import { badUserInput } from '../errors.ts';
import { encodeGlobalId } from '../global-id.ts';
import { decodeSyncToken, encodeSyncToken, SYNC_DEFAULT_PAGE, SYNC_MAX_PAGE, syncPage, type Change, type Position } from '../services/sync.ts';

const ChangeKind = builder.enumType('ChangeKind', {
  description: 'What happened to an object since the sync token.',
  values: {
    CREATED: { description: 'It did not exist (or was in the trash) at the token and is live now.' },
    UPDATED: { description: 'It existed at the token and changed since.' },
    DELETED: { description: 'It is gone: in the trash, deleted for good, or its list or label was deleted. Ignore it when you do not know the id.' },
  } as const,
});

interface ChangeShape {
  change: Change;
  userId: string;
}

export const ChangeRef = builder.objectRef<ChangeShape>('Change').implement({
  description: 'One changed object. It has no id of its own on purpose: a normalized cache must not merge it with the node.',
  fields: (t) => ({
    kind: t.field({ type: ChangeKind, description: 'CREATED, UPDATED or DELETED.', resolve: ({ change }) => change.kind }),
    nodeId: t.id({ description: 'Global id of the object (evict it from caches on DELETED).', resolve: ({ change }) => encodeGlobalId(change.nodeType, change.id) }),
    nodeType: t.string({ description: 'GraphQL type name of the object: Task, TaskList or Label.', resolve: ({ change }) => change.nodeType }),
    node: t.field({
      type: builder.nodeInterfaceRef(),
      nullable: true,
      description: 'The object as it is now; null when DELETED.',
      resolve: ({ change }) => {
        if (!change.node) return null;
        brandWithType(change.node, change.nodeType as never);
        return change.node;
      },
    }),
    syncToken: t.string({
      description: 'Resume point right after this change: pass it to sync(after:) or changes(after:).',
      resolve: ({ change, userId }) => encodeSyncToken(userId, change.position),
    }),
  }),
});

const SyncPageRef = builder.objectRef<{ changes: Change[]; position: Position; hasMore: boolean; userId: string }>('SyncPage').implement({
  description: 'A page of changes in the order they happened.',
  fields: (t) => ({
    changes: t.field({ type: [ChangeRef], description: 'The changes, oldest first; each object at most once, with its state now.', resolve: ({ changes, userId }) => changes.map((change) => ({ change, userId })) }),
    syncToken: t.string({ description: 'Pass it as `after` next time (now when hasMore, later otherwise).', resolve: ({ position, userId }) => encodeSyncToken(userId, position) }),
    hasMore: t.boolean({ description: 'True when more changes follow: call sync again with syncToken right away.', resolve: (page) => page.hasMore }),
  }),
});

builder.queryField('sync', (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: SyncPageRef,
    description: `Incremental sync. Without \`after\`: every live task, list and label as CREATED (a full sync, continued page by page with \`after\`). With \`after\`: every object changed since that token, once, in the order of its last change. Apply the pages, then the changes subscription, in order, and your copy equals the server's. Errors: BAD_USER_INPUT for a token that does not decode or is not yours, first out of 1..${SYNC_MAX_PAGE}. Requires sign-in.`,
    args: {
      after: t.arg.string({ description: 'A syncToken from a SyncPage or a Change; omit for a full sync.' }),
      first: t.arg.int({ description: `Changes per page, 1 to ${SYNC_MAX_PAGE} (default ${SYNC_DEFAULT_PAGE}).` }),
    },
    resolve: async (_root, { after, first }, ctx) => {
      const size = first ?? SYNC_DEFAULT_PAGE;
      if (size < 1 || size > SYNC_MAX_PAGE) throw badUserInput(`\`first\` must be between 1 and ${SYNC_MAX_PAGE} (got ${size}).`);
      const userId = ctx.viewer.userId;
      const position = after == null ? null : decodeSyncToken(userId, after);
      return { ...(await syncPage(ctx, userId, position, size)), userId };
    },
  }),
);
