// Relay global ids: base64url("Type:uuid"). Garbage (not base64 of "Type:key" for a Node type of this
// schema) is a clear BAD_USER_INPUT, never a plain Error masked as a 500. A well-formed id whose key no
// row can have (not a uuid) simply finds nothing, like any id that does not exist; nothing malformed ever
// reaches a uuid column.
import { badUserInput } from './errors.ts';

/** Matches no row: the lookup of an id the caller may not see, or that cannot exist. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The typename given to an id that does not decode; see assertDecodable. */
const UNDECODABLE = '#undecodable';

/** Any uuid as PostgreSQL prints it, of any version or variant: client-made ids may be any of them. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The Node types of the schema. An id naming any other type was never issued by the API: it is malformed,
// not "not found" (the relay plugin would otherwise fail with an uncoded "Widget has not been implemented").
export const NODE_TYPES = new Set(['Task', 'TaskList', 'Label', 'User']);

export interface DecodedId {
  typename: string;
  id: string;
}

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
}

/**
 * Never throws: the relay plugin decodes node/nodes ids before their resolvers run, and anonymous callers
 * must get null for every id, garbage included. Whoever looks an id up calls assertDecodable first.
 */
export function decodeGlobalId(globalId: string): DecodedId {
  // Only the canonical spelling (base64url, no padding, no stray bits in the last character): every object
  // has exactly one id string, so a client's cache never holds two ids for one object.
  let text = globalId.length <= 256 && /^[A-Za-z0-9_-]+$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  if (text !== '' && Buffer.from(text, 'utf8').toString('base64url') !== globalId) text = '';
  const colon = text.indexOf(':');
  const typename = text.slice(0, colon);
  const key = text.slice(colon + 1);
  if (colon < 0 || !NODE_TYPES.has(typename) || key === '') return { typename: UNDECODABLE, id: globalId };
  return { typename, id: UUID.test(key) ? key : NIL_UUID };
}

export function assertDecodable(decoded: DecodedId): void {
  if (decoded.typename === UNDECODABLE) {
    throw badUserInput(`"${decoded.id.slice(0, 64)}" is not a valid id: pass an id exactly as the API returned it.`);
  }
}

/** The database id behind a global id of the given type, or null for an id of another type. */
export function idOfType(globalId: string, typename: string): string | null {
  const decoded = decodeGlobalId(globalId);
  assertDecodable(decoded);
  return decoded.typename === typename ? decoded.id : null;
}
