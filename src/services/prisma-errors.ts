// Prisma error translation in one place. With driver adapters (Prisma 7) the failing constraint is
// reported under meta.driverAdapterError, not meta.target.
import { Prisma } from '../generated/prisma/client.ts';

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
