// graphql-ws (the graphql-transport-ws protocol) on the HTTP server's /graphql, wired through
// yoga.getEnveloped so a socket gets the same schema, context, plugins and limits as HTTP. The token
// comes in connectionParams.authorization and is checked at connection_init: a bad one closes with 4403.
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveViewer } from '../context.ts';
import type { App } from '../yoga.ts';

/** Largest message a client may send (a subscribe message holds one operation). */
export const WS_MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
const KEEP_ALIVE_MS = 12_000;

export interface WebSocketEndpoint {
  /** Open sockets. */
  count(): number;
  /** Closes every socket with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
}

export function attachWebSocket(server: Server, app: App): WebSocketEndpoint {
  const { yoga, services } = app;
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: WS_MAX_PAYLOAD_BYTES });
  const active = new WeakMap<WebSocket, Set<string>>();
  const close = (socket: WebSocket) => (code: number, reason: string) => socket.close(code, reason);

  // Open sockets are counted (taskapi_websockets_open) and logged as they come and go.
  wss.on('connection', (socket) => {
    services.metrics.webSockets.inc();
    app.logger.info({ webSockets: wss.clients.size }, 'websocket opened');
    socket.once('close', (code) => {
      services.metrics.webSockets.dec();
      app.logger.info({ webSockets: wss.clients.size, code }, 'websocket closed');
    });
  });

  const disposable = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: import('node:http').IncomingMessage }>(
    {
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        // The same param the context reads (authorization or Authorization); absent or empty is anonymous
        // (subscribe then answers UNAUTHENTICATED), anything but a string is a bad token.
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (authorization === undefined || authorization === null) return true;
        if (typeof authorization !== 'string') return false;
        try {
          await resolveViewer(services, authorization);
          return true;
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const socket = ctx.extra.socket;
        const ids = active.get(socket) ?? new Set<string>();
        active.set(socket, ids);
        if (ids.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per socket: complete one first.`, { extensions: { code: 'LIMIT_EXCEEDED' } })];
        }
        // Counted before the first await, so a burst of subscribe messages cannot all pass the check.
        ids.add(id);
        const refuse = (errors: readonly GraphQLError[]) => {
          ids.delete(id);
          // extensions.http (a status for HTTP responses, which yoga strips there) means nothing on a socket.
          return errors.map((error) => {
            if (!error.extensions?.http) return error;
            const { http: _http, ...extensions } = error.extensions;
            return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions });
          });
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket,
          params: payload,
          connectionParams: ctx.connectionParams,
          closeConnection: close(socket),
        });
        // A documentId or persisted-query hash (with query '') stands for its document; PERSISTED_OPERATIONS applies.
        const query = await app.documents.resolve(payload as unknown as Record<string, unknown>);
        if (query instanceof GraphQLError) return refuse([query]);
        let document;
        try {
          document = parse(query);
        } catch (error) {
          return refuse([error instanceof GraphQLError ? error : new GraphQLError('The document does not parse.')]);
        }
        const errors = validate(schema, document);
        if (errors.length) return refuse(errors);
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch {
          // The token went bad since connection_init (expired, session ended): like a bad token.
          socket.close(4403, 'Forbidden');
          return refuse([new GraphQLError('The access token is no longer valid.', { extensions: { code: 'UNAUTHENTICATED' } })]);
        }
        return { schema, operationName: payload.operationName, document, variableValues: payload.variables, contextValue, execute, subscribe } as ExecutionArgs & { execute: typeof execute; subscribe: typeof subscribe };
      },
      execute: (args) => (args as unknown as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) => (args as unknown as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onComplete: (ctx, id) => {
        active.get(ctx.extra.socket)?.delete(id);
      },
    },
    wss,
    KEEP_ALIVE_MS,
  );

  return {
    count: () => wss.clients.size,
    async close() {
      // graphql-ws closes every socket with 1001 and stops; then the server no longer waits on upgrades.
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

