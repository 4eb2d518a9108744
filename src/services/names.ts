// Names and colours of lists and labels: the input rules, and what an update really changes.
import { z } from 'zod';
import { NameTakenError } from '../errors.ts';
import { isPrimaryKeyViolation, isUniqueViolation } from './prisma-errors.ts';
import { colorSchema, nameKey, text } from './validation.ts';

export function namedSchemas(maxName: number) {
  const name = text('name', maxName, { min: 1, trim: true });
  return {
    create: z.object({ name, color: colorSchema.nullish() }),
    update: z.object({ name: name.optional(), color: colorSchema.nullish() }),
  };
}

export interface Named {
  name: string;
  color: string | null;
}

/** The stored values an update changes: a name or colour equal to the current one is not a change. */
export function namedChanges(current: Named, data: { name?: string; color?: string | null }) {
  const changes: { name?: string; nameKey?: string; color?: string | null } = {};
  if (data.name !== undefined && data.name !== current.name) Object.assign(changes, { name: data.name, nameKey: nameKey(data.name) });
  if (data.color !== undefined && data.color !== current.color) changes.color = data.color;
  return changes;
}

/** The unique index on (user, lower-cased name) decides between concurrent writers: the loser gets NameTakenError. */
export async function nameUnique<T>(what: 'list' | 'label', write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    // A reused client-chosen id violates the primary key instead: insertWithClientId reports that.
    if (isUniqueViolation(error) && !isPrimaryKeyViolation(error)) throw new NameTakenError(what);
    throw error;
  }
}
