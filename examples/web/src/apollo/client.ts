// The Apollo Client of a signed-in user and its link chain: queries and mutations over HTTP, subscriptions over
// graphql-ws, both on the app's own origin (/graphql, proxied to the API by Vite in development).
//
//   ErrorLink (UNAUTHENTICATED: refresh the token, retry once) -> SetContextLink (Authorization header)
//     -> subscription ? GraphQLWsLink : HttpLink
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, ServerError } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client } from 'graphql-ws';
import { from, mergeMap, throwError } from 'rxjs';
import { refreshAccessToken, validAccessToken } from '../auth/session.ts';
import { startLiveSync, type LiveSync } from '../live/live-sync.ts';
import { createCache } from './cache.ts';

export interface Connection {
  client: ApolloClient;
  /** The graphql-ws client: its `connected` and `closed` events drive the live sync. */
  socket: Client;
  live: LiveSync;
  dispose(): void;
}

const ENDPOINT = '/graphql';

/** Signed out: only signup and login go through this client. */
export function createAnonymousClient(): ApolloClient {
  return new ApolloClient({ cache: createCache(), link: new HttpLink({ uri: ENDPOINT }) });
}

export function connect(): Connection {
  const socket = createSocket();
  const link = ApolloLink.from([
    retryOnUnauthenticated,
    authorizationHeader,
    ApolloLink.split((operation) => operation.operationType === 'subscription', new GraphQLWsLink(socket), new HttpLink({ uri: ENDPOINT })),
  ]);
  const client = new ApolloClient({ cache: createCache(), link });
  const live = startLiveSync(client, socket);
  const goneOffline = () => socket.terminate();
  window.addEventListener('offline', goneOffline);
  return {
    client,
    socket,
    live,
    dispose() {
      live.stop();
      window.removeEventListener('offline', goneOffline);
      void socket.dispose();
      client.stop();
    },
  };
}

const authorizationHeader = new SetContextLink(async (context) => {
  const token = await validAccessToken();
  return { headers: { ...context.headers, ...(token && { authorization: `Bearer ${token}` }) } };
});

/**
 * A request whose access token was refused (expired, or its session ended) gets HTTP 401 and one
 * UNAUTHENTICATED error: refresh the pair and send it again, once. When the refresh is refused too, the
 * session is over (session.ts signs out) and the error goes through.
 */
const retryOnUnauthenticated = new ErrorLink(({ error, operation, forward }) => {
  const context = operation.getContext();
  const sent = /^Bearer (.+)$/.exec(String(context.headers?.authorization ?? ''))?.[1];
  if (!sent || context.retriedAfterRefresh || !isUnauthenticated(error)) return;
  return from(refreshAccessToken(sent)).pipe(
    mergeMap((token) => {
      if (!token) return throwError(() => error);
      operation.setContext({ retriedAfterRefresh: true });
      return forward(operation); // authorizationHeader sets the new token
    }),
  );
});

function isUnauthenticated(error: unknown): boolean {
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return ServerError.is(error) && error.statusCode === 401;
}

/**
 * One socket for the whole app, open while signed in (not lazy: its reconnects tell the app to catch up).
 * It retries forever, quickly at first; the token goes in connectionParams at every (re)connect, refreshed
 * when it is about to expire or when the server refused it (close code 4403).
 */
function createSocket(): Client {
  let refused: string | null = null;
  let sent: string | null = null;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${ENDPOINT}`;
  return createClient({
    url,
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5_000) + Math.random() * 250)),
    connectionParams: async () => {
      let token = await validAccessToken();
      if (token && token === refused) token = await refreshAccessToken(token);
      sent = token;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      closed: (event) => {
        if ((event as CloseEvent).code === 4403) refused = sent;
      },
    },
  });
}
