// The GraphQL-over-HTTP audit suite (graphql-http's serverAudits, the one the spec's implementers run)
// against the app over yoga.fetch, the codes of requests the executor refuses before it starts, and queries
// on the compiled executor (graphql-jit) answering as graphql-js does.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedUp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let user: SignedUp;

beforeAll(async () => {
  t = await startTestApp();
  user = await t.signup();
});
afterAll(() => t?.close());

describe('GraphQL over HTTP', () => {
  it('passes every audit of graphql-http, the optional ones included', async () => {
    const audits = serverAudits({
      url: 'http://test.local/graphql',
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(t.app.yoga.fetch(input as URL, init ?? {})),
    });
    expect(audits.length).toBeGreaterThan(50);
    const notOk: string[] = [];
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status !== 'ok') notOk.push(`${result.status}: ${audit.name}: ${result.reason}`);
    }
    expect(notOk).toEqual([]);
  });

  const post = (body: unknown, accept = 'application/json') =>
    t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify(body),
    });

  it.each([
    ['a variable that does not coerce', { query: 'query ($n: Int) { tasks(first: $n) { totalCount } }', variables: { n: 'abc' } }, /Variable "\$n" got invalid value "abc"/],
    ['a missing required variable', { query: 'query ($n: Int!) { tasks(first: $n) { totalCount } }', variables: {} }, /Variable "\$n" of required type "Int!" was not provided/],
    ['an input object with an unknown field', { query: 'mutation ($i: CreateTaskInput!) { createTask(input: $i) { __typename } }', variables: { i: { titl: 'x' } } }, /Variable "\$i" got invalid value/],
  ])('answers %s with 400, BAD_USER_INPUT and a message that says what is wrong, and runs nothing', async (_name, body, message) => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const res = await post(body, accept);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(json.data).toBeUndefined();
      expect(json.errors.length).toBeGreaterThan(0);
      expect(json.errors[0]!.message).toMatch(message);
      for (const error of json.errors) expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    }
    const tasks = await t.gql('{ tasks { totalCount } }', {}, { token: user.accessToken });
    expect(tasks.data.tasks.totalCount).toBe(0);
  });

  it('answers queries on the compiled executor as graphql-js does: aliases, fragments, directives, variables, error locations and paths', async () => {
    const query = `query Page($first: Int!, $withCount: Boolean!, $skipMe: Boolean = true) {
  me @skip(if: $skipMe) { id }
  newest: tasks(first: $first) { ...Page }
  count: tasks(first: 1) @include(if: $withCount) { total: totalCount }
}
fragment Page on TaskConnection { edges { node { __typename title } } pageInfo { hasNextPage } }`;
    const mine = await t.gql('mutation { a: createTask(input: { title: "one" }) { __typename } b: createTask(input: { title: "two" }) { __typename } }', {}, { token: user.accessToken });
    expect(mine.errors).toBeUndefined();
    // The first runs of a document are graphql-js', the later ones the compiled function's: the same answer.
    for (let run = 1; run <= 4; run++) {
      const res = await t.gql(query, { first: 1, withCount: true }, { token: user.accessToken });
      expect(res.errors, `run ${run}`).toBeUndefined();
      expect(res.data, `run ${run}`).toEqual({
        newest: { edges: [{ node: { __typename: 'Task', title: 'two' } }], pageInfo: { hasNextPage: true } },
        count: { total: 2 },
      });
    }

    // Anonymous: the tasks fields fail where they stand, with graphql-js' locations and the aliases in paths.
    const anonymous = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { first: 1, withCount: false, skipMe: false } }),
    });
    const body = (await anonymous.json()) as { data: unknown; errors: unknown[] };
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{
      message: expect.any(String),
      locations: [{ line: 3, column: 3 }],
      path: ['newest'],
      extensions: { code: 'UNAUTHENTICATED' },
    }]);
  });

  it('runs the operation a request names, however often the same document ran another one of its operations', async () => {
    const document = 'query Count { tasks { totalCount } } query Me { me { email } }';
    for (let run = 1; run <= 4; run++) {
      const count = await (await post({ query: document, operationName: 'Count' })).json();
      expect(Object.keys(count.data ?? {}), JSON.stringify(count)).toEqual(['tasks']);
    }
    const me = await (await post({ query: document, operationName: 'Me' })).json();
    expect(me.data, JSON.stringify(me)).toEqual({ me: { email: user.email } });
  });

  it('answers a GET whose variables or extensions are not a JSON object with 400 BAD_REQUEST, in either media type', async () => {
    for (const [name, value] of [['variables', '{bad'], ['extensions', '{bad'], ['variables', '[1]'], ['variables', '5']]) {
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const search = new URLSearchParams({ query: 'query ($n: Int) { tasks(first: $n) { totalCount } }', [name!]: value! });
        const res = await t.fetch(`/graphql?${search}`, { method: 'GET', headers: { accept, authorization: `Bearer ${user.accessToken}` } });
        expect(res.status, `${name}=${value} (${accept})`).toBe(400);
        const json = (await res.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
        expect(json.data).toBeUndefined();
        expect(json.errors[0]!.extensions.code).toBe('BAD_REQUEST');
        expect(json.errors[0]!.message).toContain(name!);
      }
    }
    const ok = await t.fetch(`/graphql?${new URLSearchParams({ query: 'query ($n: Int) { tasks(first: $n) { totalCount } }', variables: '{"n":5}' })}`, {
      method: 'GET', headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${user.accessToken}` },
    });
    expect(ok.status).toBe(200);
    const okJson = (await ok.json()) as { data: { tasks: { totalCount: number } }; errors?: unknown };
    expect(okJson.errors).toBeUndefined();
    expect(okJson.data.tasks.totalCount).toBeGreaterThanOrEqual(0);
  });

  it('answers a request refused by a limit with 400 under application/graphql-response+json, 200 under application/json', async () => {
    const parents = (depth: number): string => (depth === 0 ? 'id' : `parent { ${parents(depth - 1)} }`);
    const limits: [string, string][] = [
      ['QUERY_TOO_DEEP', `{ tasks { edges { node { ${parents(14)} } } } }`],
      ['TOO_MANY_ALIASES', `{ ${Array.from({ length: 51 }, (_, i) => `a${i}: me { id }`).join(' ')} }`],
      ['QUERY_TOO_COMPLEX', '{ tasks(first: 100) { edges { node { subtasks(first: 100) { edges { node { id } } } } } } }'],
    ];
    for (const [code, query] of limits) {
      for (const [accept, status] of [['application/graphql-response+json', 400], ['application/json', 200]] as const) {
        const res = await post({ query }, accept);
        expect(res.status, `${code} (${accept})`).toBe(status);
        const json = (await res.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
        expect(json.data ?? null).toBeNull();
        expect(json.errors.map((error) => error.extensions)).toContainEqual({ code });
      }
    }
  });

  it('keeps the codes of parse, validation and operation resolution failures', async () => {
    const parse = await post({ query: '{ me { id ' });
    expect((await parse.json()).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const validation = await post({ query: '{ me { nope } }' });
    expect((await validation.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unknownOperation = await post({ query: 'query A { me { id } } query B { me { id } }', operationName: 'C' });
    expect(unknownOperation.status).toBe(400);
    expect((await unknownOperation.json()).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });
});
