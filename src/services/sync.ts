// Incremental sync: every change of the user's tasks, lists and labels after a position in the user's
// change order. Triggers stamp each row with the change value of its last change (changed_seq) and of its
// creation or restore (live_seq), keep each trip of a task to the trash (task_trash_spans), and leave a
// tombstone for each row deleted for good (see the sync and trash_spans migrations). A position is (change
// value, source, id): the four sources below are read in that order within one change value, each an index
// range scan, so a page costs the same six statements at any depth (the user's change value, the four
// sources, and the page's tasks' trips to the trash).
import { z } from 'zod';
import { UUID } from '../global-id.ts';
import { badUserInput } from '../errors.ts';
import type { Label, Prisma, Task, TaskList } from '../generated/prisma/client.ts';
import type { SignedInContext } from '../context.ts';

export const SYNC_DEFAULT_PAGE = 500;
export const SYNC_MAX_PAGE = 1000;

export type NodeType = 'TaskList' | 'Label' | 'Task';
export type ChangeKind = 'CREATED' | 'UPDATED' | 'DELETED';

/** Sources in their order within one change value; tombstones last. */
const SOURCES = ['TaskList', 'Label', 'Task', 'Deletion'] as const;

export interface Position {
  seq: bigint;
  source: number;
  id: string;
}

export interface Change {
  kind: ChangeKind;
  nodeType: NodeType;
  id: string;
  node: Task | TaskList | Label | null;
  /** Where a sync continues after this change. */
  position: Position;
}

export interface SyncPage {
  changes: Change[];
  position: Position;
  hasMore: boolean;
}

// ---- Tokens: opaque, bound to the user ----

const TOKEN_VERSION = 's1';
// Ids as global-id.ts accepts them (z.uuid() refuses versions and variants a client-made id may have).
const uuid = z.string().regex(UUID);
const tokenShape = z.tuple([z.literal(TOKEN_VERSION), uuid, z.string().regex(/^\d{1,19}$/), z.number().int().min(0).max(SOURCES.length), z.union([uuid, z.literal('')])]);

export function encodeSyncToken(userId: string, position: Position): string {
  return Buffer.from(JSON.stringify([TOKEN_VERSION, userId, position.seq.toString(), position.source, position.id]), 'utf8').toString('base64url');
}

/** The position in a token of this user; anything else (garbage, another user's token) is BAD_USER_INPUT. */
export function decodeSyncToken(userId: string, token: string, name = 'after'): Position {
  let parsed: z.infer<typeof tokenShape>;
  try {
    if (token.length > 500) throw new Error('too long');
    parsed = tokenShape.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw badUserInput(`\`${name}\` is not a valid sync token: pass a syncToken exactly as sync or changes returned it.`);
  }
  const [, owner, seq, source, id] = parsed;
  // A change value past PostgreSQL's bigint would fail in the database instead of as a bad token.
  if (owner !== userId || BigInt(seq) > 9223372036854775807n) throw badUserInput(`\`${name}\` is not a valid sync token: pass a syncToken exactly as sync or changes returned it.`);
  return { seq: BigInt(seq), source, id };
}

// ---- Pages ----

/**
 * The changes after `after` (a full sync of live objects when null), at most `first`, in change order.
 * Each object appears once, with its state now: DELETED when it is gone or trashed, CREATED when it did
 * not exist (or was in the trash) at `after`, else UPDATED.
 */
export async function syncPage(ctx: Pick<SignedInContext, 'prisma'>, userId: string, after: Position | null, first: number): Promise<SyncPage> {
  const take = first + 1;
  const seqWhere = (source: number): Prisma.TaskWhereInput & Prisma.TaskListWhereInput & Prisma.LabelWhereInput => {
    if (!after) return {};
    if (source < after.source) return { changedSeq: { gt: after.seq } };
    if (source > after.source) return { changedSeq: { gte: after.seq } };
    // Same spelling as the task pages: a range start plus NOT(ties up to the id) keeps it an index range.
    return { changedSeq: { gte: after.seq }, NOT: { changedSeq: after.seq, id: { lte: after.id } } };
  };
  const order = [{ changedSeq: 'asc' as const }, { id: 'asc' as const }];
  const { prisma } = ctx;
  // One snapshot for every read (REPEATABLE READ): read separately, a commit landing between two of them
  // would put its later change on the page and its earlier one nowhere, and the token would pass both.
  const [user, lists, labels, tasks, deletions] = await prisma.$transaction(
    [
      // A full sync that ends on this page continues from the user's change value in this snapshot: what
      // was deleted before it (and is not on the page) must not come back as DELETED.
      prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { changeSeq: true } }),
      prisma.taskList.findMany({ where: { userId, ...seqWhere(0) }, orderBy: order, take }),
      prisma.label.findMany({ where: { userId, ...seqWhere(1) }, orderBy: order, take }),
      prisma.task.findMany({
        where: { userId, ...seqWhere(2), ...(!after && { deletedAt: null }) },
        // The trips to the trash that may hold the token (refined to positions in rowChange).
        include: { trashSpans: { where: { userId, trashedSeq: { lte: after?.seq ?? -1n }, restoredSeq: { gte: after?.seq ?? -1n } } } },
        orderBy: order,
        take,
      }),
      // A full sync starts from nothing: what was deleted before it does not concern the client.
      prisma.deletion.findMany({
        where: {
          userId,
          ...(!after ? { seq: { lt: 0 } }
            : after.source < 3 ? { seq: { gte: after.seq } }
            : after.source > 3 ? { seq: { gt: after.seq } }
            : { seq: { gte: after.seq }, NOT: { seq: after.seq, nodeId: { lte: after.id } } }),
        },
        orderBy: [{ seq: 'asc' }, { nodeId: 'asc' }],
        take,
      }),
    ],
    { isolationLevel: 'RepeatableRead' },
  );
  const start: Position | null = after ? null : { seq: user.changeSeq, source: SOURCES.length, id: '' };
  const all: Change[] = [
    ...lists.map((list) => rowChange('TaskList', list, after, 0)),
    ...labels.map((label) => rowChange('Label', label, after, 1)),
    ...tasks.map(({ trashSpans, ...task }) => rowChange('Task', task, after, 2, task.deletedAt !== null, trashSpans)),
    ...deletions.map((row): Change => ({
      kind: 'DELETED',
      nodeType: row.nodeType as NodeType,
      id: row.nodeId,
      node: null,
      position: { seq: row.seq, source: 3, id: row.nodeId },
    })),
  ].sort((a, b) => comparePositions(a.position, b.position));
  const changes = all.slice(0, first);
  const hasMore = all.length > first;
  const last = changes.at(-1)?.position;
  const end = start && !hasMore && (!last || comparePositions(start, last) > 0) ? start : undefined;
  return { changes, hasMore, position: end ?? last ?? after ?? start! };
}

/**
 * DELETED when trashed; CREATED when the object did not exist at the token or was in the trash then
 * (created after it, or inside one of its trips to the trash); else UPDATED.
 */
function rowChange(
  nodeType: NodeType,
  row: (Task | TaskList | Label) & { changedSeq: bigint; liveSeq: bigint },
  after: Position | null,
  source: number,
  trashed = false,
  trashSpans: readonly { trashedSeq: bigint; restoredSeq: bigint }[] = [],
): Change {
  const { createdSeq = row.liveSeq } = row as Partial<Task>;
  // Each change of this object sat at (its change value, source, id) in the change order. Compared as
  // positions, not as change values: a page can stop midway through one change value, before or after
  // this object's share of it (a trashed batch, a task and the list it was added to).
  const pastToken = (seq: bigint) => !after || comparePositions({ seq, source, id: row.id }, after) > 0;
  const absentAtToken = pastToken(createdSeq) || trashSpans.some((span) => !pastToken(span.trashedSeq) && pastToken(span.restoredSeq));
  const kind: ChangeKind = trashed ? 'DELETED' : absentAtToken ? 'CREATED' : 'UPDATED';
  return { kind, nodeType, id: row.id, node: trashed ? null : row, position: { seq: row.changedSeq, source, id: row.id } };
}

/** Past every change the user has committed so far (an empty full sync). */
export async function currentPosition(ctx: Pick<SignedInContext, 'prisma'>, userId: string): Promise<Position> {
  const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { changeSeq: true } });
  return { seq: user.changeSeq, source: SOURCES.length, id: '' };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  if (a.source !== b.source) return a.source - b.source;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
