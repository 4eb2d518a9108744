// Ids inside mutation inputs: references to the caller's own objects (listId, parentId, labelIds, afterId,
// beforeId) and ids chosen by clients for new objects. A reference that is malformed, of another type,
// missing, trashed or someone else's gets one and the same ValidationError: nothing tells them apart.
import type { Prisma } from '../generated/prisma/client.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { decodeGlobalId, NIL_UUID } from '../global-id.ts';
import { isPrimaryKeyViolation } from './prisma-errors.ts';

export type Tx = Prisma.TransactionClient;
export type NodeType = 'Task' | 'TaskList' | 'Label';

const NOUN: Record<NodeType, string> = { Task: 'task', TaskList: 'list', Label: 'label' };

/** The uuid behind a global id of `typename`, or null when the id cannot name such an object. Never throws. */
export function uuidOf(globalId: string, typename: NodeType): string | null {
  const decoded = decodeGlobalId(globalId);
  return decoded.typename === typename && decoded.id !== NIL_UUID ? decoded.id : null;
}

export function unresolved(path: (string | number)[], typename: NodeType): FieldIssue {
  return { path: ['input', ...path.map(String)], message: `No such ${NOUN[typename]} among yours: pass the id of one of your ${NOUN[typename]}s` };
}

/** Runs a resolver that throws a ValidationError, adding its issues to `issues` instead (so all are reported at once). */
export async function collectIssues<T extends unknown[]>(issues: FieldIssue[], resolve: () => Promise<T>): Promise<T | []> {
  try {
    return await resolve();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.fieldErrors);
    return [];
  }
}

/** Throws one ValidationError carrying every issue, when there are any. */
export function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length) throw new ValidationError(issues);
}

// ---- Ids that clients make ----

const clientIdMessage = (typename: NodeType) =>
  `id must be a new ${typename} id: base64url of "${typename}:<uuid>" around a fresh UUID, in lower-case hex, that no object uses`;

/** The uuid of a client-chosen id (undefined when none was given); malformed ids are a ValidationError on ["input","id"]. */
export function clientId(globalId: string | null | undefined, typename: NodeType): string | undefined {
  if (globalId == null) return undefined;
  const uuid = uuidOf(globalId, typename);
  if (!uuid) throw new ValidationError([{ path: ['input', 'id'], message: clientIdMessage(typename) }]);
  return uuid;
}

/**
 * Runs an insert that may use a client-chosen id. An id used by any object is the same ValidationError
 * as a malformed one; the primary key decides between two concurrent creates of the same kind.
 */
export async function insertWithClientId<T>(tx: Tx, id: string | undefined, typename: NodeType, insert: () => Promise<T>): Promise<T> {
  // An id of another kind of object, or of one deleted for good (sync still reports it), is taken too.
  if (id !== undefined && (await idInUse(tx, id))) {
    throw new ValidationError([{ path: ['input', 'id'], message: clientIdMessage(typename) }]);
  }
  try {
    return await insert();
  } catch (error) {
    if (id !== undefined && isPrimaryKeyViolation(error)) {
      throw new ValidationError([{ path: ['input', 'id'], message: clientIdMessage(typename) }]);
    }
    throw error;
  }
}

/** Whether any task, list, label or user (of any account), or a tombstone, has this id. */
async function idInUse(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM "tasks" WHERE "id" = ${id}::uuid
    UNION ALL SELECT 1 FROM "task_lists" WHERE "id" = ${id}::uuid
    UNION ALL SELECT 1 FROM "labels" WHERE "id" = ${id}::uuid
    UNION ALL SELECT 1 FROM "deletions" WHERE "node_id" = ${id}::uuid
    UNION ALL SELECT 1 FROM "users" WHERE "id" = ${id}::uuid
    LIMIT 1`;
  return rows.length > 0;
}
