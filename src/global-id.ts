// Relay global ids: base64url("Type:uuid"). Decoding is strict so that garbage is a clear BAD_USER_INPUT
// (the relay plugin's default decoder throws a plain Error, which would be masked as a 500), and so that
// nothing malformed ever reaches a uuid column.
import { badUserInput } from './errors.ts';

/** Matches no row: the lookup of an id the caller may not see. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TYPENAME = /^[A-Z][A-Za-z]{0,63}$/;
// The Node types of the schema. An id naming any other type was never issued by the API: it is malformed,
// not "not found" (the relay plugin would otherwise fail with an uncoded "Widget has not been implemented").
const NODE_TYPES = new Set(['Task', 'User']);

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = globalId.length <= 128 && /^[A-Za-z0-9_-]+={0,2}$/.test(globalId)
    ? Buffer.from(globalId, 'base64url').toString('utf8')
    : '';
  const colon = text.indexOf(':');
  const typename = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (colon < 0 || !TYPENAME.test(typename) || !NODE_TYPES.has(typename) || !UUID.test(id)) {
    throw badUserInput(`"${globalId.slice(0, 64)}" is not a valid id: pass an id exactly as the API returned it.`);
  }
  return { typename, id };
}

/** The database id behind a global id of the given type, or null for an id of another type. */
export function idOfType(globalId: string, typename: string): string | null {
  const decoded = decodeGlobalId(globalId);
  return decoded.typename === typename ? decoded.id : null;
}
