// OpenTelemetry traces: in process with an in-memory exporter, the span tree of a query and a mutation
// (HTTP request → GraphQL operation → root field → SQL statements), W3C traceparent propagation, error
// status, the request log line's traceId, and nothing traced without tracing; then the real server
// exporting over OTLP/HTTP to a local collector.
import { createServer, type Server } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracing } from '../src/observability/tracing.ts';
import { createApp } from '../src/yoga.ts';
import { startTestApp, type SignedUp, type TestApp } from './helpers/app.ts';
import { testDbKind } from './helpers/database.ts';
import { freePort, serverEnv, startServer } from './helpers/process.ts';

const exporter = new InMemorySpanExporter();
let t: TestApp;
let user: SignedUp;
/** The request log lines the app writes (its logger's info calls with msg "request"). */
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const tracing = createTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SERVICE_NAME: 'taskapi-test', OTEL_TRACES_SAMPLER_ARG: 1 }, { exporter });
  t = await startTestApp({ app: { tracing } });
  // Request lines are written at level info (the test apps are silent): capture them instead of printing.
  t.app.logger.level = 'info';
  t.app.logger.info = ((obj: Record<string, unknown>, msg?: string) => {
    if (msg === 'request') logLines.push(obj);
  }) as typeof t.app.logger.info;
  user = await t.signup();
});
afterAll(() => t?.close());

const isSql = (span: ReadableSpan) => /(^|:)db_query$/.test(span.name) && typeof span.attributes['db.query.text'] === 'string';

/** Sends one request and returns the spans of its trace and its log line. */
async function traced(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  exporter.reset();
  logLines.length = 0;
  const res = await t.gql(query, variables, { token: user.accessToken, headers });
  const log = logLines.find((line) => line.path === '/graphql');
  expect(log, 'a request log line').toBeDefined();
  const traceId = log!.traceId as string;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
  const ancestors = (span: ReadableSpan) => {
    const chain: string[] = [];
    for (let p = parentOf(span); p; p = parentOf(p)) chain.push(p.name);
    return chain;
  };
  const one = (name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect(found.map((span) => span.name), `one span named ${name} in ${spans.map((s) => s.name).join(', ')}`).toEqual([name]);
    return found[0]!;
  };
  return { res, log: log!, traceId, spans, parentOf, ancestors, one };
}

describe('tracing with an in-memory exporter', () => {
  it('traces a query: HTTP request → GraphQL operation → root field → SQL, the log line carrying the trace id', async () => {
    const { res, spans, parentOf, ancestors, one } = await traced(
      'query MyTasks { me { id } tasks(first: 5) { totalCount edges { node { id title } } } }',
    );
    expect(res.errors).toBeUndefined();

    const http = one('POST /graphql');
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.parentSpanContext).toBeUndefined();
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });

    const operation = one('query MyTasks');
    expect(parentOf(operation)).toBe(http);
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'MyTasks' });

    const tasks = one('Query.tasks');
    const me = one('Query.me');
    expect(parentOf(tasks)).toBe(operation);
    expect(parentOf(me)).toBe(operation);
    // Only root fields get spans: not Task.title, not the connection's edges.
    expect(spans.some((span) => span.name.startsWith('Task.') || span.name.includes('edges'))).toBe(false);

    // The page of tasks is read by SQL under Query.tasks. The session check comes first, directly under the
    // HTTP request: the token is checked before the body is read, so before the operation starts.
    const sql = spans.filter(isSql);
    for (const span of sql) expect(span.kind).toBe(SpanKind.CLIENT);
    const isSessionCheck = (span: (typeof sql)[number]) => /"sessions"/.test(String(span.attributes['db.query.text']));
    expect(sql.some((span) => ancestors(span).includes('Query.tasks') && /"tasks"/.test(String(span.attributes['db.query.text'])))).toBe(true);
    expect(sql.filter(isSessionCheck).map(ancestors)).toEqual([['POST /graphql']]);
    for (const span of sql.filter((span) => !isSessionCheck(span))) {
      expect(ancestors(span).slice(-2)).toEqual(['query MyTasks', 'POST /graphql']);
    }
    // Every span of the request ended inside its HTTP span's trace.
    expect(spans.length).toBeGreaterThanOrEqual(5);
  });

  it('traces a mutation down to its INSERT, and names the root field span after the mutation', async () => {
    const { res, log, traceId, parentOf, ancestors, one, spans } = await traced(
      'mutation AddTask($title: String!) { createTask(input: { title: $title }) { __typename ... on TaskPayload { task { id } } } }',
      { title: 'traced task' },
    );
    expect(res.data.createTask.__typename).toBe('TaskPayload');
    expect(log).toMatchObject({ path: '/graphql', status: 200, traceId });

    const operation = one('mutation AddTask');
    expect(parentOf(operation)).toBe(one('POST /graphql'));
    const createTask = one('Mutation.createTask');
    expect(parentOf(createTask)).toBe(operation);
    const insert = spans.filter(isSql).find((span) => /^INSERT INTO "public"\."tasks"/.test(String(span.attributes['db.query.text'])));
    expect(insert, 'the INSERT of the task').toBeDefined();
    expect(ancestors(insert!)).toEqual(expect.arrayContaining(['Mutation.createTask', 'mutation AddTask', 'POST /graphql']));
  });

  it('continues the trace of an incoming W3C traceparent header', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const { one } = await traced('query Me { me { id } }', {}, { traceparent: `00-${traceId}-${parentId}-01` });
    const http = one('POST /graphql');
    expect(http.spanContext().traceId).toBe(traceId);
    expect(http.parentSpanContext?.spanId).toBe(parentId);
  });

  it('marks the operation span as failed with the error codes', async () => {
    exporter.reset();
    const res = await t.gql('query Anonymous { tasks(first: 1) { totalCount } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const operation = exporter.getFinishedSpans().find((span) => span.name === 'query Anonymous');
    expect(operation?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'UNAUTHENTICATED' });
    expect(operation?.attributes['graphql.error.codes']).toEqual(['UNAUTHENTICATED']);
  });

  it('leaves an app without tracing untraced: no spans of its own, no traceId in its log lines', async () => {
    // A second app on the same database, as server.ts builds it when OTEL_EXPORTER_OTLP_ENDPOINT is unset.
    const plain = createApp(t.config, t.database.db);
    try {
      const lines: Record<string, unknown>[] = [];
      plain.logger.level = 'info';
      plain.logger.info = ((obj: Record<string, unknown>, msg?: string) => void (msg === 'request' && lines.push(obj))) as typeof plain.logger.info;
      exporter.reset();
      const res = await plain.yoga.fetch('http://test.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
        body: JSON.stringify({ query: 'query Untraced { me { id } }' }),
      });
      expect(((await res.json()) as { data: unknown }).data).toEqual({ me: { id: user.userId } });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ path: '/graphql', status: 200 });
      expect(lines[0]!.traceId).toBeUndefined();
      // Its own spans: none. (Prisma's SQL hook is process-wide, and one process runs one app.)
      expect(exporter.getFinishedSpans().filter((span) => !span.name.startsWith('prisma:'))).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});

/** POSTs an operation with its operationName (which the log line reports). */
async function post(url: string, operationName: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables, operationName }) });
  return (await res.json()) as { data?: any };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

describe(`the server exporting over OTLP/HTTP (${testDbKind})`, () => {
  let collector: Server;
  let collectorUrl: string;
  const exports: { path: string; body: any }[] = [];
  let env: Record<string, string>;
  let drop = async () => {};

  beforeAll(async () => {
    // A stand-in OpenTelemetry collector: records what the exporter posts (OTLP/JSON).
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        exports.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => collector.listen(port, '127.0.0.1', resolve));
    collectorUrl = `http://127.0.0.1:${port}`;
    ({ env, drop } = await serverEnv('tracing', { LOG_LEVEL: 'info' }));
  });
  afterAll(async () => {
    await new Promise((resolve) => collector?.close(resolve));
    await drop();
  });

  it('sends the spans of a request to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, flushed on shutdown, under the log line\'s trace id', async () => {
    const server = await startServer({ ...env, PORT: String(await freePort()), OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_SERVICE_NAME: 'taskapi-otlp-test' });
    const res = await post(server.url, 'OtlpSignup', 'mutation OtlpSignup($input: SignupInput!) { signup(input: $input) { __typename } }', {
      input: { email: 'otlp@example.com', password: 'otlp password 123' },
    });
    expect(res.data.signup.__typename).toBe('AuthPayload');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const log = server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
      .find((line) => line.msg === 'request' && line.operationName === 'OtlpSignup');
    expect(log?.traceId).toMatch(/^[0-9a-f]{32}$/);

    expect(exports.length).toBeGreaterThan(0);
    expect(exports.every((e) => e.path === '/v1/traces')).toBe(true);
    const resourceSpans = exports.flatMap((e) => e.body.resourceSpans as any[]);
    expect(resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'taskapi-otlp-test' } });
    const spans: OtlpSpan[] = resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s: any) => s.spans));
    const ofRequest = spans.filter((span) => span.traceId === log.traceId);
    const http = ofRequest.find((span) => span.name === 'POST /graphql');
    const operation = ofRequest.find((span) => span.name === 'mutation OtlpSignup');
    const signup = ofRequest.find((span) => span.name === 'Mutation.signup');
    expect(http && operation && signup).toBeTruthy();
    expect(operation!.parentSpanId).toBe(http!.spanId);
    expect(signup!.parentSpanId).toBe(operation!.spanId);
    const byId = new Map(ofRequest.map((span) => [span.spanId, span]));
    const underSignup = (span: OtlpSpan) => {
      for (let p = byId.get(span.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) if (p === signup) return true;
      return false;
    };
    expect(ofRequest.some((span) => span.name.endsWith('db_query') && underSignup(span))).toBe(true);
  });
});
