// Manual order: opaque fractional-indexing keys (compared by code point: COLLATE "C" in SQL), so putting
// an item between two others never renumbers anything. The id breaks ties between equal keys.
import { BASE_62_DIGITS, generateKeyBetween } from 'fractional-indexing';

/** A key after `last` (null: the first key of an empty group). */
export function keyAfter(last: string | null): string {
  return generateKeyBetween(last, null);
}

/**
 * A key strictly between two neighbours (either may be null for an open end). Two clients moving items
 * into the same gap at once would compute the same midpoint, so the key gets two random digits: equal
 * keys become unlikely, and when they happen anyway the id tie-breaker keeps the order total.
 */
export function keyBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) {
    // Neighbours already share a key (an earlier race): the only room is just past it.
    return keyBetween(before, null);
  }
  const key = generateKeyBetween(before, after);
  if (before === null || after === null) return key;
  const jittered = `${key}${randomDigit()}${randomDigit(1)}`;
  return jittered < after ? jittered : key;
}

/** A random base-62 digit; from index `min` so the key never ends in "0" (fractional-indexing forbids it). */
function randomDigit(min = 0): string {
  return BASE_62_DIGITS[min + Math.floor(Math.random() * (BASE_62_DIGITS.length - min))]!;
}

export interface Placed {
  id: string;
  position: string;
}
export type Side = 'after' | 'before';

/**
 * Where and order clauses for the nearest items past `item` on one side, in (position, id) order; spread
 * them into a findFirst over one group of siblings (tasks) or of a user's lists.
 */
export function nextTo(item: Placed, side: Side) {
  const op = side === 'after' ? 'gt' : 'lt';
  const sort: 'asc' | 'desc' = side === 'after' ? 'asc' : 'desc';
  return {
    where: { OR: [{ position: { [op]: item.position } }, { position: item.position, id: { [op]: item.id } }] },
    orderBy: [{ position: sort }, { id: sort }],
  };
}
