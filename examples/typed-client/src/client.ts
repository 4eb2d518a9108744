// An urql client for the Task API that signs its requests and keeps its session alive: it sends the access
// token as `Authorization: Bearer …`, and when the token has expired, or a request comes back
// UNAUTHENTICATED (the API answers HTTP 401 for a bad token), it trades the refresh token for a new pair
// and retries the request once (urql's authExchange). Every operation travels as the sha256 id of its
// trusted document (persistedExchange), so it works against a server with PERSISTED_OPERATIONS=only;
// subscriptions go over graphql-ws (subscriptionExchange).
import { Client, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { authExchange } from '@urql/exchange-auth';
import { persistedExchange } from '@urql/exchange-persisted';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TokensFragment } from './gql/graphql.ts';
import { refreshTokenMutation } from './operations.ts';

/** The signed-in session as the client holds it. */
export interface Session {
  /** null while it is known to be bad (during a refresh) or after a failed refresh. */
  accessToken: string | null;
  accessTokenExpiresAt: string | null;
  refreshToken: string | null;
  /** How many times the client has refreshed the tokens. */
  refreshes: number;
}

export function emptySession(): Session {
  return { accessToken: null, accessTokenExpiresAt: null, refreshToken: null, refreshes: 0 };
}

/** Stores a pair returned by signup, login, refreshToken or changePassword. */
export function storeTokens(session: Session, tokens: TokensFragment): void {
  session.accessToken = tokens.accessToken;
  session.accessTokenExpiresAt = tokens.accessTokenExpiresAt;
  session.refreshToken = tokens.refreshToken;
}

/** Refresh this long before the access token's expiry, so a request never races it. */
const EXPIRY_MARGIN_MS = 5_000;

export function isUnauthenticated(error: CombinedError): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/**
 * The id GraphQL Code Generator gave a document (`persistedDocuments: true` writes it to `__meta__.hash` and
 * the manifest src/gql/persisted-documents.json), without its `sha256:` prefix: what persistedExchange sends
 * as `extensions.persistedQuery.sha256Hash`.
 */
export function trustedDocumentHash(document: unknown): string | null {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' ? hash.replace(/^sha256:/, '') : null;
}

export interface TaskApiClient {
  client: Client;
  /** The graphql-ws connection subscriptions use (opened on the first subscription). */
  ws: WsClient;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** The fetch to send HTTP requests with (default: the global one). */
  fetch?: typeof fetch;
}

export function createClient(url: string, session: Session, options: ClientOptions = {}): TaskApiClient {
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    // Read on every (re)connect, so a reconnect after a refresh carries the new token.
    connectionParams: () => ({ authorization: session.accessToken ? `Bearer ${session.accessToken}` : undefined }),
    lazy: true,
  });
  const client = new Client({
    url,
    ...(options.fetch && { fetch: options.fetch }),
    // POST every operation (urql sends queries as GET by default): keeps queries and variables out of URLs
    // and access logs.
    preferGetMethod: false,
    // No cacheExchange: a script wants every read to reflect its own writes. An app would add one (or
    // Graphcache) in front of authExchange.
    exchanges: [
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          if (!session.accessToken) return operation;
          return utils.appendHeaders(operation, { Authorization: `Bearer ${session.accessToken}` });
        },
        willAuthError() {
          // Known to be expired (or about to be): refresh before sending rather than after a 401.
          const expiresAt = session.accessTokenExpiresAt ? Date.parse(session.accessTokenExpiresAt) : NaN;
          return Boolean(session.accessToken && session.refreshToken) && expiresAt - Date.now() < EXPIRY_MARGIN_MS;
        },
        didAuthError(error) {
          return Boolean(session.refreshToken) && isUnauthenticated(error);
        },
        async refreshAuth() {
          const refreshToken = session.refreshToken;
          // utils.mutate also goes through addAuthToOperation: drop the bad access token first, or the API
          // rejects the refresh request itself with 401 (a bad token fails the whole request).
          session.accessToken = null;
          session.accessTokenExpiresAt = null;
          if (!refreshToken) return;
          const result = await utils.mutate(refreshTokenMutation, { input: { refreshToken } });
          const payload = result.data?.refreshToken;
          if (payload?.__typename === 'AuthPayload') {
            storeTokens(session, payload);
            session.refreshes += 1;
          } else {
            // Expired, revoked or reused refresh token: the session is over, sign in again. The retried
            // request then runs without a token and fails with UNAUTHENTICATED.
            session.refreshToken = null;
          }
        },
      })),
      // Trusted documents: send the id codegen computed instead of the document. enforcePersistedQueries: never
      // fall back to sending the text (the server may refuse any text); mutations and subscriptions too.
      persistedExchange({
        generateHash: async (_query, document) => trustedDocumentHash(document),
        enforcePersistedQueries: true,
        enableForMutation: true,
        enableForSubscriptions: true,
        preferGetForPersistedQueries: false,
      }),
      subscriptionExchange({
        // graphql-ws wants a query string: '' with the persisted-query hash in extensions stands for the document.
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
      fetchExchange,
    ],
  });
  return { client, ws, close: async () => { await ws.dispose(); } };
}
