// Production protections hold on the live transports too: no introspection and the same cost limit over
// graphql-ws and server-sent events as over plain HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachWebSocket, type WebSocketEndpoint } from '../src/live/websocket.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let server: Server;
let endpoint: WebSocketEndpoint;
let client: Client;
let token: string;

beforeAll(async () => {
  t = await startTestApp({ env: { NODE_ENV: 'production' } });
  token = (await t.signup()).accessToken;
  server = createServer(t.app.yoga);
  endpoint = attachWebSocket(server, t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
});
afterAll(async () => {
  await client?.dispose();
  await endpoint?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

/** The errors of one operation over the socket (its first result's errors, or the error it ended with). */
function overSocket(query: string): Promise<{ message: string; extensions?: { code?: string } }[]> {
  return new Promise((resolve) => {
    const unsubscribe = client.subscribe(
      { query },
      {
        next: (result) => {
          unsubscribe();
          resolve((result.errors ?? []) as never);
        },
        error: (error) => resolve(Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }]),
        complete: () => resolve([]),
      },
    );
  });
}

async function overSse(query: string): Promise<string> {
  const res = await t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return res.text();
}

// 20 tasks per page, 20 subtasks per task, 20 per subtask: 8,000 nodes an event, over the cost limit.
const EXPENSIVE = `subscription { changes { node { ... on Task {
  subtasks(first: 100) { edges { node { subtasks(first: 100) { edges { node { id title } } } } } } } } } }`;

describe('production on the live transports', () => {
  it('refuses introspection over graphql-ws', async () => {
    const errors = await overSocket('{ __schema { types { name } } }');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join(' ')).toMatch(/introspection/i);
  });

  it('refuses an over-cost subscription over graphql-ws and over SSE', async () => {
    const errors = await overSocket(EXPENSIVE);
    expect(errors.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    expect(await overSse(EXPENSIVE)).toContain('QUERY_TOO_COMPLEX');
  });

  it('still serves a plain query over the socket', async () => {
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: '{ me { email } }' }, { next: resolve, error: resolve, complete: () => {} });
    });
    expect(result).toMatchObject({ data: { me: { email: expect.stringContaining('@') } } });
  });
});
