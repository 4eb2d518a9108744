// Trusted documents and APQ through HTTP, SSE and graphql-ws: documentId (and persisted-query hashes) from a
// manifest run, unknown ids and (with PERSISTED_OPERATIONS=only) ad-hoc documents are refused with stable codes,
// APQ registers and replays when allowed, Idempotency-Key fingerprints a documentId request like its query,
// and bad manifests stop start-up.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError } from '../src/config.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../src/live/websocket.ts';
import { createApp, type App } from '../src/yoga.ts';
import { startTestApp, testConfig, uniqueEmail, type TestApp } from './helpers/app.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Documents as GraphQL Code Generator's client preset writes them (one line each, fragments included).
const DOCUMENTS = {
  signup: 'mutation Signup($input: SignupInput!) { signup(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { message } } }',
  createTask: 'mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id title } } ... on Error { message } } }',
  tasks: 'query Tasks { tasks(first: 50) { totalCount edges { node { id title } } } }',
  // With `after`, a stream first replays what happened since the token: subscribing never races a write.
  live: 'subscription Live($after: String) { changes(after: $after) { kind nodeType node { id ... on Task { title } } } }',
  token: 'query Token { sync(first: 500) { syncToken } }',
};
type Name = keyof typeof DOCUMENTS;
const hashOf = (name: Name) => sha256(DOCUMENTS[name]);
const documentId = (name: Name) => `sha256:${hashOf(name)}`;

const dir = mkdtempSync(path.join(tmpdir(), 'taskapi-persisted-'));
const manifestFile = path.join(dir, 'persisted-documents.json');
writeFileSync(manifestFile, JSON.stringify(Object.fromEntries(Object.keys(DOCUMENTS).map((name) => [documentId(name as Name), DOCUMENTS[name as Name]])), null, 2));

const configFor = (env: Record<string, string>) => testConfig(env);

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** POSTs a raw body (query, documentId or extensions, as the test says) to an app. */
async function post(app: App, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await app.yoga.fetch('http://test.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The user's current syncToken, through the trusted Token document. */
async function syncTokenOf(app: App, token: string): Promise<string> {
  const answer = await post(app, { documentId: documentId('token') }, bearer(token));
  return answer.body.data.sync.syncToken;
}

/** Signs up through the trusted Signup document (works in every mode but off). */
async function signupById(app: App): Promise<string> {
  const answer = await post(app, { documentId: documentId('signup'), variables: { input: { email: uniqueEmail('pq'), password: 'a long password' } } });
  expect(answer.body.data?.signup.__typename, JSON.stringify(answer.body)).toBe('AuthPayload');
  return answer.body.data.signup.accessToken;
}

let t: TestApp;
let allow: App;
let only: App;
let off: App;

beforeAll(async () => {
  t = await startTestApp({ env: { PERSISTED_DOCUMENTS: manifestFile } });
  allow = t.app;
  only = createApp(configFor({ PERSISTED_OPERATIONS: 'only', PERSISTED_DOCUMENTS: manifestFile }), t.database.db);
  off = createApp(configFor({ PERSISTED_OPERATIONS: 'off', PERSISTED_DOCUMENTS: manifestFile }), t.database.db);
});

afterAll(async () => {
  await only?.close();
  await off?.close();
  await t?.close();
});

describe('PERSISTED_OPERATIONS=allow (the default)', () => {
  it('runs a documentId from the manifest, with or without the sha256: prefix, and by GET', async () => {
    expect(t.config.PERSISTED_OPERATIONS).toBe('allow');
    const token = await signupById(allow);
    const created = await post(allow, { documentId: documentId('createTask'), variables: { input: { title: 'By id' } } }, bearer(token));
    expect(created.status).toBe(200);
    expect(created.body.data?.createTask).toMatchObject({ __typename: 'TaskPayload', task: { title: 'By id' } });

    const bare = await post(allow, { documentId: hashOf('tasks') }, bearer(token));
    expect(bare.body.data?.tasks.edges.map((e: any) => e.node.title)).toEqual(['By id']);

    const get = await allow.yoga.fetch(`http://test.local/graphql?documentId=${encodeURIComponent(documentId('tasks'))}`, { headers: { accept: 'application/json', ...bearer(token) } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data.tasks.totalCount).toBe(1);
  });

  it('still runs ad-hoc documents', async () => {
    const token = await signupById(allow);
    const answer = await post(allow, { query: '{ tasks(first: 1) { totalCount } }' }, bearer(token));
    expect(answer.body.data).toEqual({ tasks: { totalCount: 0 } });
  });

  it('refuses an unknown documentId, and a documentId sent with a query, with a clear error', async () => {
    const unknown = await post(allow, { documentId: `sha256:${sha256('query Nope { me { id } }')}` });
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(unknown.body.errors?.[0]?.message).toMatch(/is not in this server's persisted-documents manifests/);
    expect(unknown.body.data).toBeUndefined();

    const both = await post(allow, { documentId: documentId('tasks'), query: DOCUMENTS.tasks });
    expect(both.status).toBe(400);
    expect(codeOf(both)).toBe('CANNOT_SEND_PQ_ID_AND_BODY');

    const neither = await post(allow, { variables: {} });
    expect(neither.status).toBe(400);
    expect(codeOf(neither)).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('runs APQ: a hash miss is PERSISTED_QUERY_NOT_FOUND, the client registers it, then the hash alone runs', async () => {
    const token = await signupById(allow);
    const query = `query Count${randomUUID().replaceAll('-', '')} { tasks(first: 5) { totalCount } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };

    const miss = await post(allow, { extensions: { persistedQuery } }, bearer(token));
    expect(miss.status).toBe(404);
    expect(miss.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });

    const register = await post(allow, { query, extensions: { persistedQuery } }, bearer(token));
    expect(register.body.data).toEqual({ tasks: { totalCount: 0 } });

    const hit = await post(allow, { extensions: { persistedQuery } }, bearer(token));
    expect(hit.status).toBe(200);
    expect(hit.body.data).toEqual({ tasks: { totalCount: 0 } });

    const mismatch = await post(allow, { query: '{ me { id } }', extensions: { persistedQuery } }, bearer(token));
    expect(mismatch.status).toBe(400);
    expect(codeOf(mismatch)).toBe('PERSISTED_QUERY_MISMATCH');

    // Registration is open to anyone and happens before parsing: a long document runs but is not kept.
    const long = `# ${'x'.repeat(20 * 1024)}\n{ __typename }`;
    const longHash = { version: 1, sha256Hash: sha256(long) };
    expect((await post(allow, { query: long, extensions: { persistedQuery: longHash } })).body.data).toEqual({ __typename: 'Query' });
    expect(codeOf(await post(allow, { extensions: { persistedQuery: longHash } }))).toBe('PERSISTED_QUERY_NOT_FOUND');

    // A manifest document's hash needs no registration (Apollo's and urql's persisted-query links send these).
    const trusted = await post(allow, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('tasks') } } }, bearer(token));
    expect(trusted.body.data?.tasks.totalCount).toBe(0);
  });

  it('fingerprints an Idempotency-Key request by its document: the documentId and the same query replay each other', async () => {
    const token = await signupById(allow);
    const key = randomUUID();
    const variables = { input: { title: 'Once' } };
    const headers = { ...bearer(token), 'idempotency-key': key };

    const first = await post(allow, { documentId: documentId('createTask'), variables }, headers);
    expect(first.body.data?.createTask.__typename).toBe('TaskPayload');
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await post(allow, { documentId: documentId('createTask'), variables }, headers);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);

    const asQuery = await post(allow, { query: DOCUMENTS.createTask, variables }, headers);
    expect(asQuery.headers.get('idempotent-replayed')).toBe('true');
    expect(asQuery.body).toEqual(first.body);

    const otherVariables = await post(allow, { documentId: documentId('createTask'), variables: { input: { title: 'Twice' } } }, headers);
    expect(otherVariables.status).toBe(422);
    expect(codeOf(otherVariables)).toBe('IDEMPOTENCY_KEY_REUSED');

    const tasks = await post(allow, { documentId: documentId('tasks') }, bearer(token));
    expect(tasks.body.data?.tasks.edges.map((e: any) => e.node.title)).toEqual(['Once']);
  });

  it('runs a subscription by documentId over server-sent events', async () => {
    const token = await signupById(allow);
    const controller = new AbortController();
    const response = await allow.yoga.fetch('http://test.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(token) },
      body: JSON.stringify({ documentId: documentId('live'), variables: { after: await syncTokenOf(allow, token) } }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const event = (async () => {
      while (!text.includes('"title":"Streamed"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text;
    })();
    await post(allow, { documentId: documentId('createTask'), variables: { input: { title: 'Streamed' } } }, bearer(token));
    const received = await event;
    controller.abort();
    const data = received.split('\n').find((line) => line.startsWith('data:') && line.includes('Streamed'));
    expect(JSON.parse(data!.slice('data:'.length))).toMatchObject({ data: { changes: { kind: 'CREATED', nodeType: 'Task', node: { title: 'Streamed' } } } });
  });
});

describe('PERSISTED_OPERATIONS=only', () => {
  it('refuses an ad-hoc document with 400 PERSISTED_QUERY_ONLY and runs manifest documents', async () => {
    const adHoc = await post(only, { query: '{ me { id } }' });
    expect(adHoc.status).toBe(400);
    expect(adHoc.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/runs only trusted documents .*documentId/), extensions: { code: 'PERSISTED_QUERY_ONLY' } }),
    ]);
    expect(adHoc.body.data).toBeUndefined();

    const token = await signupById(only);
    const created = await post(only, { documentId: documentId('createTask'), variables: { input: { title: 'Trusted' } } }, bearer(token));
    expect(created.body.data?.createTask).toMatchObject({ __typename: 'TaskPayload', task: { title: 'Trusted' } });
    const byHash = await post(only, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('tasks') } } }, bearer(token));
    expect(byHash.body.data?.tasks.edges.map((e: any) => e.node.title)).toEqual(['Trusted']);

    // A mutation sent as text is refused too: nothing ran.
    const refused = await post(only, { query: DOCUMENTS.createTask, variables: { input: { title: 'Not trusted' } } }, bearer(token));
    expect(codeOf(refused)).toBe('PERSISTED_QUERY_ONLY');
    const after = await post(only, { documentId: documentId('tasks') }, bearer(token));
    expect(after.body.data?.tasks.totalCount).toBe(1);
  });

  it('refuses APQ: registration is PERSISTED_QUERY_ONLY, an unknown hash is PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const query = '{ me { id } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const register = await post(only, { query, extensions: { persistedQuery } });
    expect(register.status).toBe(400);
    expect(codeOf(register)).toBe('PERSISTED_QUERY_ONLY');
    const hashOnly = await post(only, { extensions: { persistedQuery } });
    expect(hashOnly.status).toBe(400);
    expect(codeOf(hashOnly)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const unknownId = await post(only, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(codeOf(unknownId)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('applies over graphql-ws too: a trusted hash subscribes, an ad-hoc subscription is refused', async () => {
    const server: Server = createServer(only.yoga);
    const sockets: WebSocketEndpoint = attachWebSocket(server, only);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const token = await signupById(only);
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription { changes { kind } }' }, { next: () => {}, error: resolve, complete: () => resolve(null) });
      });
      expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_ONLY' }) })]);

      const after = await syncTokenOf(only, token);
      const events: any[] = [];
      const first = new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: '', variables: { after }, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('live') } } },
          { next: (result) => (events.push(result), resolve()), error: reject, complete: () => {} },
        );
      });
      await post(only, { documentId: documentId('createTask'), variables: { input: { title: 'Over ws' } } }, bearer(token));
      await first;
      expect(events[0]).toMatchObject({ data: { changes: { kind: 'CREATED', node: { title: 'Over ws' } } } });
    } finally {
      await client.dispose();
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('PERSISTED_OPERATIONS=off', () => {
  it('refuses documentId with PERSISTED_QUERY_NOT_SUPPORTED and still runs APQ', async () => {
    const byId = await post(off, { documentId: documentId('tasks') });
    expect(byId.status).toBe(400);
    expect(codeOf(byId)).toBe('PERSISTED_QUERY_NOT_SUPPORTED');

    const query = `query Off${randomUUID().replaceAll('-', '')} { __typename }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    expect(codeOf(await post(off, { extensions: { persistedQuery } }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(off, { query, extensions: { persistedQuery } })).body.data).toEqual({ __typename: 'Query' });
    expect((await post(off, { extensions: { persistedQuery } })).body.data).toEqual({ __typename: 'Query' });
  });
});

describe('PERSISTED_DOCUMENTS', () => {
  it('defaults to the committed manifests of the examples: the typed client\'s documents run by id', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../examples/typed-client/src/gql/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>;
    const [id] = Object.entries(manifest).find(([, document]) => document.startsWith('query Me ')) ?? [];
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const app = createApp(configFor({ PERSISTED_OPERATIONS: 'only' }), t.database.db);
    try {
      const token = await signupById(allow);
      const answer = await post(app, { documentId: id }, bearer(token));
      expect(answer.body.data?.me).toEqual({ id: expect.any(String), email: expect.stringMatching(/@example\.com$/) });
    } finally {
      await app.close();
    }
  });

  it('stops start-up naming the variable when a manifest is missing, malformed or does not match its ids', () => {
    const bad = (content: string) => {
      const file = path.join(dir, `${randomUUID()}.json`);
      writeFileSync(file, content);
      return file;
    };
    const cases = [
      path.join(dir, 'missing.json'),
      bad('not json'),
      bad('["a list"]'),
      bad(JSON.stringify({ 'sha256:abc': '{ me { id } }' })),
      bad(JSON.stringify({ [`sha256:${sha256('{ me { id } }')}`]: '{ me { email } }' })),
    ];
    for (const file of cases) {
      expect(() => configFor({ PERSISTED_DOCUMENTS: file }), file).toThrow(ConfigError);
      expect(() => configFor({ PERSISTED_DOCUMENTS: `${manifestFile},${file}` }), file).toThrow(/PERSISTED_DOCUMENTS: .*\.json/);
    }
    expect(() => configFor({ PERSISTED_OPERATIONS: 'only', PERSISTED_DOCUMENTS: bad('{}') })).toThrow(/PERSISTED_OPERATIONS=only needs at least one/);
    expect(() => configFor({ PERSISTED_OPERATIONS: 'sometimes' })).toThrow(/PERSISTED_OPERATIONS/);
    // Off reads no manifest at all.
    expect(configFor({ PERSISTED_OPERATIONS: 'off', PERSISTED_DOCUMENTS: path.join(dir, 'missing.json') }).persistedDocuments.size).toBe(0);
  });
});
