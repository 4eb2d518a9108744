// Trusted documents and automatic persisted queries (APQ): the manifests GraphQL Code Generator writes
// (`{ "sha256:<hex>": "<document>" }`), requests by `{"documentId": ...}` (GraphQL over HTTP) or by
// `extensions.persistedQuery.sha256Hash` (Apollo, urql), and PERSISTED_OPERATIONS=off | allow | only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInMemoryAPQStore, useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { httpError } from './errors.ts';

export type PersistedOperationsMode = 'off' | 'allow' | 'only';

/** hex sha256 → document. */
export type Manifest = ReadonlyMap<string, string>;

/** The manifests of the examples, committed with them; loaded when they exist (relative to the app's root). */
export const DEFAULT_MANIFESTS = ['examples/typed-client/src/gql/persisted-documents.json', 'examples/web/src/gql/persisted-documents.json'];
const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const HASH = /^(?:sha256:)?([0-9a-f]{64})$/i;
/**
 * Registered APQ documents kept per instance (an instance that misses one answers NOT_FOUND and the client
 * registers it again). Anyone may register, before parsing: longer documents are not kept, so the store stays
 * under 1,000 x 16 KiB whatever is sent (such a client just sends its text every time).
 */
const APQ_STORE = { max: 1_000, ttlMs: 24 * 60 * 60 * 1000, maxQueryLength: 16 * 1024 };

/**
 * Reads and checks manifests: a JSON object of sha256 ids (with or without `sha256:`) to documents whose
 * hash they are. `files` unset = the defaults that exist; a configured file that is missing or invalid throws.
 */
export function loadManifests(files: readonly string[] | undefined): Manifest {
  const paths = files ?? DEFAULT_MANIFESTS.map((file) => path.join(APP_ROOT, file)).filter((file) => existsSync(file));
  const manifest = new Map<string, string>();
  for (const file of paths) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object of "sha256:<hash>": "<document>"`);
    for (const [id, document] of Object.entries(parsed)) {
      const hash = HASH.exec(id)?.[1]?.toLowerCase();
      if (!hash || typeof document !== 'string') throw new Error(`${file}: "${id.slice(0, 80)}" is not a sha256 id of a document`);
      // The id is the hash of the document's text: a hand-edited document would run under a stale id.
      if (sha256(document) !== hash) throw new Error(`${file}: the document of ${id} does not hash to its id`);
      manifest.set(hash, document);
    }
  }
  return manifest;
}

export interface PersistedDocuments {
  plugins: Plugin[];
  /**
   * The document text a request body stands for (its `query`, or the trusted or APQ document its id names),
   * or null. For the Idempotency-Key fingerprint, which must see the operation before yoga parses it.
   */
  queryOf(body: Record<string, unknown>): Promise<string | null>;
  /**
   * The same resolution for a graphql-ws subscribe payload (its `query` must be a string: clients send ''
   * with an id). A GraphQLError when the mode refuses it or the id is unknown.
   */
  resolve(payload: Record<string, unknown>): Promise<string | GraphQLError>;
}

export function persistedDocuments(mode: PersistedOperationsMode, manifest: Manifest): PersistedDocuments {
  const trusted = mode === 'off' ? new Map<string, string>() : manifest;
  const registered = createInMemoryAPQStore({ max: APQ_STORE.max, ttl: APQ_STORE.ttlMs });
  // APQ looks in the manifests first, so a hash-only request for a trusted document never misses.
  const store: APQStore = {
    get: async (hash) => trusted.get(hash.toLowerCase()) ?? (await registered.get(hash)),
    set: (hash, query) => (query.length <= APQ_STORE.maxQueryLength ? registered.set(hash, query) : undefined),
  };
  const lookup = (id: string | null): string | null => {
    const hash = id === null ? undefined : HASH.exec(id)?.[1]?.toLowerCase();
    return (hash && trusted.get(hash)) ?? null;
  };

  const plugins: Plugin[] = [useDocumentIdChecks(mode)];
  if (mode !== 'only') plugins.push(useAPQ({ store }));
  if (mode !== 'off') {
    plugins.push(
      usePersistedOperations({
        allowArbitraryOperations: mode === 'allow',
        extractPersistedOperationId: (params, request) => idOf(params as Record<string, unknown>, request),
        getPersistedOperation: (id) => lookup(id),
        customErrors: {
          notFound: (payload) => notInList(idOf(payload.params as Record<string, unknown>, payload.request)),
          persistedQueryOnly: () => onlyTrusted(),
          keyNotFound: () => idRequired(),
        },
      }) as Plugin,
    );
  }

  return {
    plugins,
    async queryOf(body) {
      if (typeof body.query === 'string' && body.query !== '') return body.query;
      const documentId = typeof body.documentId === 'string' ? body.documentId : null;
      if (documentId !== null) return lookup(documentId);
      const hash = apqHash(body.extensions);
      return hash === null ? null : ((await store.get(hash)) ?? null);
    },
    async resolve(payload) {
      const query = typeof payload.query === 'string' && payload.query !== '' ? payload.query : null;
      const documentId = typeof payload.documentId === 'string' ? payload.documentId : null;
      const hash = apqHash(payload.extensions);
      if (query !== null) return mode === 'only' ? onlyTrusted() : query;
      if (documentId !== null) return mode === 'off' ? notSupported() : (lookup(documentId) ?? notInList(documentId));
      if (hash === null) return idRequired();
      if (mode === 'only') return lookup(hash) ?? notInList(hash);
      return (await store.get(hash)) ?? httpError(404, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
    },
  };
}

/** `documentId` (body, or the URL of a GET), else an Apollo/urql persisted-query hash. */
function idOf(params: Record<string, unknown>, request: Request): string | null {
  const documentId = params.documentId ?? (request.method === 'GET' ? new URL(request.url).searchParams.get('documentId') : null);
  if (typeof documentId === 'string') return documentId;
  return apqHash(params.extensions);
}

function apqHash(extensions: unknown): string | null {
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

// What the libraries leave open: a documentId next to a query, and a documentId where trusted documents are off.
function useDocumentIdChecks(mode: PersistedOperationsMode): Plugin {
  return {
    onParams({ params, request }) {
      const documentId = (params as Record<string, unknown>).documentId ?? (request.method === 'GET' ? new URL(request.url).searchParams.get('documentId') : null);
      if (documentId === null || documentId === undefined) return;
      if (params.query) throw httpError(400, 'CANNOT_SEND_PQ_ID_AND_BODY', 'Send either a query or a documentId, not both.');
      if (mode === 'off') throw notSupported();
      if (typeof documentId !== 'string') throw notInList(null);
    },
  };
}

function onlyTrusted(): GraphQLError {
  return httpError(400, 'PERSISTED_QUERY_ONLY', 'This server runs only trusted documents (PERSISTED_OPERATIONS=only): send {"documentId": "sha256:<hash>"} from a persisted-documents manifest instead of a query.');
}

function notSupported(): GraphQLError {
  return httpError(400, 'PERSISTED_QUERY_NOT_SUPPORTED', 'Trusted documents are off on this server (PERSISTED_OPERATIONS=off): send the query instead.');
}

function idRequired(): GraphQLError {
  return httpError(400, 'PERSISTED_QUERY_ID_REQUIRED', 'Send a query, or a documentId from a persisted-documents manifest.');
}

function notInList(id: string | null): GraphQLError {
  const named = id === null ? 'The documentId' : `documentId "${id.slice(0, 80)}"`;
  return httpError(400, 'PERSISTED_QUERY_NOT_IN_LIST', `${named} is not in this server's persisted-documents manifests (PERSISTED_DOCUMENTS).`);
}


function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
