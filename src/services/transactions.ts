// Writes that take several statements run in one interactive transaction: all of it commits, or none.
import type { SignedInContext } from '../context.ts';
import type { Tx } from './references.ts';

// PGlite serves one transaction at a time, so under concurrent writes a transaction may wait its turn
// longer than Prisma's 2 s default before it starts.
const OPTIONS = { maxWait: 10_000, timeout: 20_000 };

export function inTransaction<T>(ctx: Pick<SignedInContext, 'prisma'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.prisma.$transaction(fn, OPTIONS);
}

/**
 * Locks the user's row for the rest of the transaction, so that rules over all of a user's rows (at
 * most 200 lists, 500 labels) hold under concurrent requests: the second waits for the first to commit.
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "users" WHERE "id" = ${userId}::uuid FOR UPDATE`;
}
