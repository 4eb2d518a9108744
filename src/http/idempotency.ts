// Idempotency-Key: a signed-in user's mutation request sent with the header runs once; its response
// (status and body) is kept in PostgreSQL for 24 hours, so a retry through any instance gets the same
// bytes back with `Idempotent-Replayed: true`. The same key with another operation or other variables
// is 422 IDEMPOTENCY_KEY_REUSED; a retry while the first still runs is 409 IDEMPOTENCY_KEY_IN_USE.
// Ignored for queries and for requests that include an account mutation (their responses hold tokens).
import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.ts';
import { errorResponse } from './errors.ts';
import type { PersistedDocuments } from './persisted-operations.ts';
import type { Viewers } from './viewer.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const ACCOUNT_MUTATIONS = new Set(['signup', 'login', 'refreshToken', 'logout', 'changePassword']);
const KEY = /^[\x21-\x7e]{1,255}$/;

interface Claim {
  userId: string;
  key: string;
}

// `documents` resolves a documentId or persisted-query hash to its document, so such a request is fingerprinted
// (and recognised as a mutation) exactly like the same operation sent as a query.
export function useIdempotencyKeys(
  services: Pick<AppServices, 'prisma' | 'metrics' | 'config'>,
  viewers: Pick<Viewers, 'of'>,
  documents?: Pick<PersistedDocuments, 'queryOf'>,
): Plugin {
  const claims = new WeakMap<Request, Claim>();
  const { prisma } = services;
  // How long a running request holds its key; past it (the instance died), a retry takes the key over.
  const leaseMs = services.config.IDEMPOTENCY_LEASE_SECONDS * 1000;

  return {
    async onRequest({ request, endResponse }) {
      const key = request.headers.get('idempotency-key');
      if (key === null || request.method !== 'POST') return;
      // The whole session check, not just the token's signature: a revoked token gets its 401 (from
      // onRequestParse), never a kept response.
      const userId = (await viewers.of(request).catch(() => null))?.userId ?? null;
      const body = userId ? await mutationBody(request, documents) : null;
      // Anonymous, not a mutation, an account mutation, or a body yoga itself will reject: no idempotency.
      if (!userId || !body) return;
      if (!KEY.test(key)) {
        return endResponse(errorResponse(400, 'BAD_USER_INPUT', 'Idempotency-Key must be 1 to 255 visible ASCII characters.'));
      }
      const fingerprint = fingerprintOf(body);
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = new Date();
        const { count } = await prisma.idempotencyKey.createMany({
          data: [{ userId, key, fingerprint, lockedUntil: new Date(now.getTime() + leaseMs), expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) }],
          skipDuplicates: true,
        });
        if (count === 1) {
          claims.set(request, { userId, key });
          return;
        }
        const kept = await prisma.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
        if (!kept) continue; // deleted in between (a failed first request): try again
        if (kept.expiresAt <= now) {
          await prisma.idempotencyKey.deleteMany({ where: { userId, key, expiresAt: { lte: now } } });
          continue;
        }
        if (kept.fingerprint !== fingerprint) {
          return endResponse(errorResponse(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request (operation or variables): use a new key for a new request.'));
        }
        if (kept.status === null) {
          // Still running, unless its instance died: then the lease has run out and this retry takes over.
          const { count: taken } = await prisma.idempotencyKey.updateMany({
            where: { userId, key, status: null, lockedUntil: { lt: now } },
            data: { lockedUntil: new Date(now.getTime() + leaseMs) },
          });
          if (taken === 1) {
            claims.set(request, { userId, key });
            return;
          }
          return endResponse(errorResponse(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running: retry after it finishes.'));
        }
        services.metrics.idempotentReplays.inc();
        return endResponse(new Response(kept.body, {
          status: kept.status,
          headers: { 'content-type': kept.contentType ?? 'application/json; charset=utf-8', 'idempotent-replayed': 'true' },
        }));
      }
      return endResponse(errorResponse(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running: retry after it finishes.'));
    },

    async onResponse({ request, response }) {
      const claim = claims.get(request);
      if (!claim) return;
      claims.delete(request);
      const where = { userId: claim.userId, key: claim.key };
      // Server failures are not kept (a retry runs again), nor a rejected token (a retry with a fresh one runs).
      if (response.status >= 500 || response.status === 401) {
        await prisma.idempotencyKey.deleteMany({ where: { ...where, status: null } });
        return;
      }
      const body = await response.clone().text();
      await prisma.idempotencyKey.updateMany({
        where: { ...where, status: null },
        data: { status: response.status, body, contentType: response.headers.get('content-type'), lockedUntil: null },
      });
    },
  };
}

interface Body {
  query: string;
  operationName: string | null;
  variables: unknown;
}

/** The JSON body of a mutation request without account mutations, or null. */
async function mutationBody(request: Request, documents?: Pick<PersistedDocuments, 'queryOf'>): Promise<Body | null> {
  let body: { query?: unknown; operationName?: unknown; variables?: unknown };
  let query: string | null;
  let document: DocumentNode;
  try {
    body = JSON.parse(await request.clone().text());
    query = typeof body?.query === 'string' ? body.query : ((await documents?.queryOf(body as Record<string, unknown>)) ?? null);
    if (query === null) return null;
    document = parse(query, { maxTokens: 10_000 });
  } catch {
    return null;
  }
  const operationName = typeof body.operationName === 'string' ? body.operationName : null;
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((op) => op.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== 'mutation') return null;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  if (rootFields(operation.selectionSet, fragments).some((name) => ACCOUNT_MUTATIONS.has(name))) return null;
  return { query, operationName, variables: body.variables ?? {} };
}

function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, SelectionSetNode>, seen = new Set<string>()): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    if (seen.has(name) || !fragments.has(name)) return [];
    seen.add(name);
    return rootFields(fragments.get(name)!, fragments, seen);
  });
}

/** Same operation and variables, variables compared as JSON values (key order does not matter). */
function fingerprintOf(body: Body): string {
  return createHash('sha256').update(JSON.stringify([body.query, body.operationName, canonical(body.variables)])).digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

