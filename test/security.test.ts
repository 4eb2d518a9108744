// Abuse limits, CSRF, production mode and input edge cases, through HTTP (yoga.fetch).
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../src/security.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  [dev, prod] = await Promise.all([startTestApp(), startTestApp({ env: { NODE_ENV: 'production' } })]);
});
afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
});

const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

describe('operation limits (checked before execution)', () => {
  it('limits aliases, naming the limit in development', async () => {
    const fields = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await dev.gql(`{ ${fields} }`);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/aliases/i);
    expect(res.errors?.[0]?.message).toContain(String(LIMITS.maxAliases));
    expect(codeOf(res)).toBe('TOO_MANY_ALIASES');
  });

  it('limits depth', async () => {
    // The schema has no cycles deep enough for a valid query to pass the limit, so nest unknown fields:
    // the depth rule reports alongside the other validation errors.
    const res = await dev.gql(`{ ${'me { '.repeat(LIMITS.maxDepth + 1)}id${' }'.repeat(LIMITS.maxDepth + 1)} }`);
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => e.message).join('\n')).toMatch(/depth/i);
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_DEEP');
    expect((await dev.gql('{ me { tasks { edges { node { id } } } } }')).errors).toBeUndefined();
  });

  it('limits the document size in tokens', async () => {
    const res = await dev.gql(`{ me { ${'id '.repeat(LIMITS.maxTokens)} } }`);
    expect(res.errors?.[0]?.message).toMatch(/token/i);
    expect(codeOf(res)).toBe('TOO_MANY_TOKENS');
  });

  it('limits directives', async () => {
    const res = await dev.gql(`{ me ${'@include(if: true) '.repeat(LIMITS.maxDirectives + 1)} { id } }`);
    expect(res.errors?.[0]?.message).toMatch(/directive/i);
    expect(codeOf(res)).toBe('TOO_MANY_DIRECTIVES');
  });

  it('counts connection sizes in the cost', async () => {
    const user = await dev.signup();
    const page = (i: number) => `p${i}: tasks(first: 100) { edges { node { id title completed dueAt } } }`;
    const cheap = await dev.gql(`{ ${page(0)} }`, {}, { token: user.accessToken });
    expect(cheap.errors).toBeUndefined();
    // Each page costs 601: enough of them to pass the limit, fewer than the 50 aliases allowed.
    const pages = Math.ceil(LIMITS.maxCost / 601) + 1;
    expect(pages).toBeLessThanOrEqual(LIMITS.maxAliases);
    const expensive = await dev.gql(`{ ${Array.from({ length: pages }, (_, i) => page(i)).join(' ')} }`, {}, { token: user.accessToken });
    expect(expensive.data).toBeUndefined();
    expect(codeOf(expensive)).toBe('QUERY_TOO_COMPLEX');
    expect(expensive.errors?.[0]?.message).toContain(String(LIMITS.maxCost));
  });

  it('allows a page of 100 tasks with their first 20 subtasks, as a task tree view asks', async () => {
    const user = await dev.signup();
    const tree = await dev.gql(
      '{ tasks(first: 100) { totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id title completed dueAt priority labels { id name } subtasks { totalCount edges { node { id title completed } } } } } } }',
      {}, { token: user.accessToken },
    );
    expect(tree.errors).toBeUndefined();
    expect(tree.data.tasks.totalCount).toBe(0);
  });

  it('rejects circular fragments', async () => {
    const res = await dev.gql('query { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }');
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/Cannot spread fragment/);
  });

  it('refuses bodies over the size limit with 413', async () => {
    const res = await dev.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(LIMITS.maxBodyBytes) } }),
    });
    expect(res.status).toBe(413);
  });

  it('counts a body sent without a length (chunked) as it streams: 413 past the limit, answered below it', async () => {
    const server = createServer(dev.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Sent in 64 KB chunks with Transfer-Encoding: chunked and no Content-Length.
    const post = (body: string) =>
      new Promise<{ status: number; json: { data?: unknown; errors?: { extensions?: { code?: string } }[] } }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        for (let i = 0; i < body.length; i += 65_536) req.write(body.slice(i, i + 65_536));
        req.end();
      });
    try {
      const small = await post(JSON.stringify({ query: '{ __typename }', extensions: { pad: 'x'.repeat(200_000) } }));
      expect(small.status).toBe(200);
      expect(small.json).toMatchObject({ data: { __typename: 'Query' } });
      const large = await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(LIMITS.maxBodyBytes) } }));
      expect(large.status).toBe(413);
      expect(large.json.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a Content-Length that is not a number with 400', async () => {
    const res = await dev.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '12, 12' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(400);
  });

  it('does not accept JSON-array batches', async () => {
    const res = await dev.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('CSRF', () => {
  it('refuses a simple text/plain POST and a form POST', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await dev.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: 'mutation { logout { revokedSessions } }' }),
      });
      expect(res.status, contentType).toBeGreaterThanOrEqual(400);
      expect(res.status, contentType).toBeLessThan(500);
    }
  });

  it('refuses mutations over GET with 405', async () => {
    const query = encodeURIComponent('mutation { logout { revokedSessions } }');
    const res = await dev.fetch(`/graphql?query=${query}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(405);
    // Queries over GET work, with no special header.
    const get = await dev.fetch(`/graphql?query=${encodeURIComponent('{ me { id } }')}`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ data: { me: null } }); // and extensions.cost (request budgets)
  });
});

describe('production mode', () => {
  it('serves no GraphiQL', async () => {
    const res = await prod.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('GraphiQL');
  });

  it('refuses introspection', async () => {
    const res = await prod.gql('{ __schema { types { name } } }');
    expect(res.data?.__schema).toBeUndefined();
    expect(res.errors?.length).toBeGreaterThan(0);
    expect((await dev.gql('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
  });

  it('gives no "Did you mean" suggestions (development does)', async () => {
    const res = await prod.gql('{ mee { id } }');
    expect(JSON.stringify(res.errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify((await dev.gql('{ mee { id } }')).errors)).toMatch(/Did you mean/);
  });

  it('gives no suggestions for arguments, types, enum values or variables either', async () => {
    const cases: [string, Record<string, unknown>?][] = [
      ['{ tasks(frist: 1) { totalCount } }'],
      ['query ($o: TaskOrderInpt) { me { id } }'],
      ['{ tasks(orderBy: { field: CREATED_ATT, direction: DESC }) { totalCount } }'],
      // Variables are coerced when the operation runs, after validation.
      ['query ($o: TaskOrder) { tasks(orderBy: $o) { totalCount } }', { o: { field: 'CREATED_ATT', direction: 'DESC' } }],
      ['query ($o: TaskOrder) { tasks(orderBy: $o) { totalCount } }', { o: { fild: 'CREATED_AT', direction: 'DESC' } }],
      ['mutation ($input: CreateTaskInput!) { createTask(input: $input) { __typename } }', { input: { titl: 'x' } }],
    ];
    for (const [query, variables] of cases) {
      const [inProduction, inDevelopment] = await Promise.all([prod.gql(query, variables), dev.gql(query, variables)]);
      expect(inProduction.errors?.length, query).toBeGreaterThan(0);
      expect(codeOf(inProduction), query).toBe(codeOf(inDevelopment));
      expect(JSON.stringify(inProduction.errors), query).not.toMatch(/Did you mean/);
      expect(JSON.stringify(inDevelopment.errors), query).toMatch(/Did you mean/);
    }
  });

  it('keeps the limit numbers out of messages', async () => {
    const fields = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await prod.gql(`{ ${fields} }`);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(res.errors?.[0]?.message).not.toContain(String(LIMITS.maxAliases));
  });

  it('masks database failures: no SQL, Prisma or stack text', async () => {
    const user = await prod.signup();
    // Break the database under the app: every query now fails inside Prisma.
    await prod.database.db.sql.exec('ALTER TABLE "tasks" RENAME TO "tasks_gone"');
    try {
      const res = await prod.gql('{ tasks { totalCount } }', {}, { token: user.accessToken });
      expect(codeOf(res)).toBe('INTERNAL_SERVER_ERROR');
      const text = JSON.stringify(res);
      expect(text).not.toMatch(/prisma|tasks_gone|relation|SELECT|stack|at \//i);
    } finally {
      await prod.database.db.sql.exec('ALTER TABLE "tasks_gone" RENAME TO "tasks"');
    }
  });
});

describe('input edge cases get 4xx-class errors, never a 500', () => {
  let token: string;
  beforeAll(async () => {
    token = (await dev.signup()).accessToken;
  });

  it.each([
    ['invalid DateTime', 'mutation { createTask(input: { title: "t", dueAt: "not a date" }) { __typename } }', 'BAD_USER_INPUT'],
    ['out-of-range DateTime', 'mutation { createTask(input: { title: "t", dueAt: "10000-01-01T00:00:00Z" }) { __typename } }', 'BAD_USER_INPUT'],
    ['malformed global id', '{ task(id: "!!!") { id } }', 'BAD_USER_INPUT'],
    ['malformed node id', '{ node(id: "bm90LWFuLWlk") { id } }', 'BAD_USER_INPUT'],
    ['unknown enum value', 'mutation { createTask(input: { title: "t", priority: URGENT }) { __typename } }', 'GRAPHQL_VALIDATION_FAILED'],
  ])('%s', async (_name, query, code) => {
    const res = await dev.gql(query, {}, { token });
    expect(res.status).toBeLessThan(500);
    expect(codeOf(res)).toBe(code);
  });

  it('rejects a huge string with a ValidationError', async () => {
    const res = await dev.gql(
      'mutation ($title: String!) { createTask(input: { title: $title }) { __typename ... on ValidationError { fieldErrors { path } } } }',
      { title: 'x'.repeat(1_000_000) },
      { token },
    );
    expect(res.data.createTask).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'title'] }] });
  });

  it('rejects deeply nested input values', async () => {
    let value = '"x"';
    for (let i = 0; i < 200; i++) value = `[${value}]`;
    const res = await dev.gql(`{ tasks(filter: { priority: ${value} }) { totalCount } }`, {}, { token });
    expect(res.status).toBeLessThan(500);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(codeOf(res)).not.toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('request ids', () => {
  it('echoes a request id header, generating one when the client sends none', async () => {
    const generated = await dev.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await dev.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-123' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('client-123');
  });
});
