// Prisma error translation in one place. With driver adapters (Prisma 7) the failing constraint is
// reported under meta.driverAdapterError (prisma/orm#28953): @prisma/adapter-pg names the index,
// the PGlite adapter lists its columns.
import { Prisma } from '../generated/prisma/client.ts';

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** A unique violation of the primary key (an id used twice), as opposed to another unique index. */
export function isPrimaryKeyViolation(error: unknown): boolean {
  if (!isUniqueViolation(error)) return false;
  const meta = (error as Prisma.PrismaClientKnownRequestError).meta as
    | { driverAdapterError?: { cause?: { constraint?: { index?: string; fields?: string[] } } } }
    | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint;
  return Boolean(constraint?.index?.endsWith('_pkey') || (constraint?.fields?.length === 1 && constraint.fields[0] === 'id'));
}
