// Writes that take several statements run in one interactive transaction: all of it commits, or none.
import type { SignedInContext } from '../context.ts';
import type { Tx } from './references.ts';

/**
 * Runs a user's write in one transaction that first takes the user's next change value (users.change_seq,
 * see the sync migration). That also takes the user's row lock before any task's, so two writers of one
 * user never lock in opposite orders (no deadlock), and their changes are numbered in commit order.
 * Once it has committed, the bus tells the user's change streams on every instance to read on (a write
 * that rolled back tells nobody).
 */
export async function inTransaction<T>(ctx: Pick<SignedInContext, 'prisma' | 'viewer' | 'bus'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "taskapi_change_seq"(${ctx.viewer.userId}::uuid)`;
    return fn(tx);
  });
  ctx.bus.publishChanges(ctx.viewer.userId);
  return result;
}
