// OpenTelemetry traces: a span for each HTTP request, its GraphQL operation, the Query and Mutation root
// fields, and each SQL statement (Prisma's prisma:client:db_query spans, db_query for the plain SQL of
// src/db/sql-runner.ts), exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Unset, server.ts never loads this module and nothing is installed.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context as OtelContext, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { defaultFieldResolver, getOperationAST, type GraphQLFieldConfig, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { pathnameOf } from './metrics.ts';

export interface TracingOptions {
  /** Spans go here, each as it ends, instead of to OTLP (tests pass an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** The yoga plugin: HTTP request and GraphQL operation spans. */
  plugin: Plugin;
  /** A copy of the schema whose Query and Mutation fields run in spans of their own. */
  instrument(schema: GraphQLSchema): GraphQLSchema;
  /** The runner with a span for each statement it sends. */
  traceSql(runner: SqlRunner): SqlRunner;
  /** Sends what is buffered and stops; SQL statements are no longer traced. */
  shutdown(): Promise<void>;
}

const TRACER = 'taskapi';
/** Routes the server answers; anything else is named by its method alone (paths are unbounded). */
const ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics']);

let contextManagerInstalled = false;

/**
 * The tracing of the process's app, or null when tracing is off (no OTLP endpoint and no exporter given).
 * One at a time: the context manager and Prisma's hook are process-wide.
 */
export function createTracing(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_TRACES_SAMPLER_ARG'>, options: TracingOptions = {}): Tracing | null {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!options.exporter && !endpoint) return null;
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` }) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME }),
    // A caller's sampling decision (traceparent) is kept; new traces are sampled at the configured ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [processor],
  });
  // Spans follow the request across awaits (AsyncLocalStorage); one manager serves the whole process.
  if (!contextManagerInstalled) contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Prisma's client reports its operations and each SQL statement (db_query) through a process-wide hook.
  const prisma = new PrismaInstrumentation({ enabled: false });
  prisma.setTracerProvider(provider);
  prisma.enable();
  const tracer = provider.getTracer(TRACER);

  return {
    plugin: useTracing(tracer),
    instrument: (schema) => traceRootFields(schema, tracer),
    traceSql: (runner) => tracedSql(runner, tracer),
    async shutdown() {
      prisma.disable();
      await provider.shutdown();
    },
  };
}

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

function useTracing(tracer: Tracer): Plugin {
  const httpSpans = new WeakMap<Request, Span>();
  return {
    instrumentation: {
      // Around everything yoga does with the request, its other plugins' hooks included.
      request({ request }, wrapped) {
        const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
        const path = pathnameOf(request.url);
        const route = ROUTES.has(path) ? path : undefined;
        const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, {
          kind: SpanKind.SERVER,
          attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_URL_PATH]: path, ...(route && { [ATTR_HTTP_ROUTE]: route }) },
        }, parent);
        httpSpans.set(request, span);
        return inSpan(span, trace.setSpan(parent, span), wrapped);
      },
      // Parameters, context, parse, validate, execute: the GraphQL operation.
      operation(_payload, wrapped) {
        const span = tracer.startSpan('GraphQL operation', { kind: SpanKind.INTERNAL });
        return inSpan(span, trace.setSpan(context.active(), span), wrapped);
      },
    },
    onParams({ params }) {
      if (params.operationName) trace.getActiveSpan()?.setAttribute('graphql.operation.name', params.operationName);
    },
    onExecute({ args }) {
      nameOperation(args.document, args.operationName);
    },
    onSubscribe({ args }) {
      nameOperation(args.document, args.operationName);
    },
    onExecutionResult({ result }) {
      const results = Array.isArray(result) ? result : [result];
      const errors = results.flatMap((r) => ('errors' in r && r.errors) || []);
      if (!errors.length) return;
      const span = trace.getActiveSpan();
      const codes = errors.map((error) => String((error.extensions as { code?: unknown } | undefined)?.code ?? 'NONE'));
      span?.setAttribute('graphql.error.codes', codes);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] });
    },
    onResponse({ request, response }) {
      const span = httpSpans.get(request) ?? trace.getActiveSpan();
      httpSpans.delete(request); // as in src/logging.ts: the entry would outlive the request until a full GC
      if (!span) return;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
}

function nameOperation(document: Parameters<typeof getOperationAST>[0], operationName: string | null | undefined) {
  const span = trace.getActiveSpan();
  const operation = span && getOperationAST(document, operationName);
  if (!span || !operation) return;
  const name = operation.name?.value;
  span.setAttribute('graphql.operation.type', operation.operation);
  if (name) span.setAttribute('graphql.operation.name', name);
  span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
}

// The plain-SQL runner bypasses Prisma, so its statements get spans here, shaped like Prisma's.
function tracedSql(runner: SqlRunner, tracer: Tracer): SqlRunner {
  const inQuerySpan = <T>(name: string, attributes: Record<string, string>, run: () => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', ...attributes } }, (span) =>
      settle(span, run),
    );
  return {
    exec: (sql) => inQuerySpan('db_query', { 'db.query.text': sql }, () => runner.exec(sql)),
    query: (sql, params, options) =>
      inQuerySpan('db_query', { 'db.query.text': sql, ...(options?.name && { 'db.query.summary': options.name }) }, () => runner.query(sql, params, options)),
    transaction: (fn) => inQuerySpan('db_transaction', {}, () => runner.transaction((tx) => fn(tracedSql(tx, tracer)))),
    withLock: (fn) => runner.withLock((locked) => fn(tracedSql(locked, tracer))),
  };
}

/** Runs `fn` with `ctx` active and ends `span` when it settles (recording a thrown error). */
async function inSpan(span: Span, ctx: OtelContext, fn: () => unknown): Promise<void> {
  await settle(span, async () => {
    await context.with(ctx, fn);
  });
}

/** Ends `span` when `run` settles, recording a thrown error on it. */
async function settle<T>(span: Span, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

// Root fields are what a request asks for by name (createTask, tasks, me): worth a span each. Nested
// fields are not: a page of tasks would add hundreds, and their SQL already shows under the root field.
function traceRootFields(schema: GraphQLSchema, tracer: Tracer): GraphQLSchema {
  const wrap = (typeName: string) => (field: GraphQLFieldConfig<unknown, unknown>, fieldName: string): GraphQLFieldConfig<unknown, unknown> => ({
    ...field,
    resolve: tracedResolver(tracer, `${typeName}.${fieldName}`, fieldName, field.resolve ?? defaultFieldResolver),
  });
  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: wrap('Query'),
    [MapperKind.MUTATION_ROOT_FIELD]: wrap('Mutation'),
  });
}

function tracedResolver(tracer: Tracer, spanName: string, fieldName: string, resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, ctx, info) =>
    tracer.startActiveSpan(spanName, { attributes: { 'graphql.field.name': fieldName, 'graphql.field.path': String(info.path.key) } }, (span) => {
      const fail = (error: unknown) => {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      };
      try {
        const result = resolve(source, args, ctx, info);
        if (result instanceof Promise) {
          return result.then((value) => {
            span.end();
            return value;
          }, fail);
        }
        span.end();
        return result;
      } catch (error) {
        return fail(error);
      }
    });
}
