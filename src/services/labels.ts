// Labels: create, rename/recolour, delete (taking the label off every task), and resolving label ids of
// task inputs. Every statement carries the signed-in user's id.
import type { SignedInContext } from '../context.ts';
import { LimitExceededError, NotFoundError, type FieldIssue } from '../errors.ts';
import type { Label } from '../generated/prisma/client.ts';
import { namedChanges, namedSchemas, nameUnique } from './names.ts';
import { clientId, insertWithClientId, throwIfAny, unresolved, uuidOf, type Tx } from './references.ts';
import { inTransaction } from './transactions.ts';
import { nameKey, nullIssues, parseInput } from './validation.ts';

export const LABEL_NAME_MAX = 50;
export const LABELS_MAX = 500;
export const LABELS_PER_TASK_MAX = 20;

const schemas = namedSchemas(LABEL_NAME_MAX);
const notFound = () => new NotFoundError('Label');

export async function createLabel(ctx: SignedInContext, input: { id?: string | null; name: string; color?: string | null }): Promise<Label> {
  const id = clientId(input.id, 'Label');
  const data = parseInput(schemas.create, input);
  const userId = ctx.viewer.userId;
  // inTransaction holds the user's row lock: concurrent creates count one after the other.
  return inTransaction(ctx, async (tx) => {
    if ((await tx.label.count({ where: { userId } })) >= LABELS_MAX) throw new LimitExceededError(LABELS_MAX, 'labels');
    const now = new Date();
    return insertWithClientId(tx, id, 'Label', () =>
      nameUnique('label', tx.label.create({
        data: { id, userId, name: data.name, nameKey: nameKey(data.name), color: data.color ?? null, createdAt: now, updatedAt: now },
      })),
    );
  });
}

export async function updateLabel(ctx: SignedInContext, labelId: string | null, input: { name?: string | null; color?: string | null }): Promise<Label> {
  throwIfAny(nullIssues(input, ['name']));
  const data = parseInput(schemas.update, input);
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const label = labelId ? await tx.label.findFirst({ where: { id: labelId, userId } }) : null;
    if (!label) throw notFound();
    const changes = namedChanges(label, data);
    if (Object.keys(changes).length === 0) return label;
    return nameUnique('label', tx.label.update({ where: { id: label.id, userId }, data: changes }));
  });
}

/** Deletes a label; every live task that had it changes (a new version and updatedAt). */
export async function deleteLabel(ctx: SignedInContext, labelId: string | null): Promise<string> {
  const userId = ctx.viewer.userId;
  return inTransaction(ctx, async (tx) => {
    const label = labelId ? await tx.label.findFirst({ where: { id: labelId, userId }, select: { id: true } }) : null;
    if (!label) throw notFound();
    await tx.task.updateMany({
      where: { userId, deletedAt: null, labels: { some: { labelId: label.id } } },
      data: { updatedAt: new Date(), version: { increment: 1 } },
    });
    await tx.label.deleteMany({ where: { id: label.id, userId } });
    return label.id;
  });
}

/**
 * The label uuids of an input list of label ids (duplicates dropped), each checked to be one of the
 * user's labels; every one that is not gives a ValidationError at its index under `path` (["input","labelIds","2"]).
 */
export async function resolveLabelIds(tx: Tx, userId: string, path: string[], ids: readonly string[]): Promise<string[]> {
  const uuids = ids.map((id) => uuidOf(id, 'Label'));
  const wanted = [...new Set(uuids.filter((id): id is string => id !== null))];
  const found = new Set(
    wanted.length ? (await tx.label.findMany({ where: { userId, id: { in: wanted } }, select: { id: true } })).map((l) => l.id) : [],
  );
  const issues: FieldIssue[] = [];
  uuids.forEach((uuid, index) => {
    if (uuid === null || !found.has(uuid)) issues.push(unresolved([...path, index], 'Label'));
  });
  throwIfAny(issues);
  return wanted;
}
