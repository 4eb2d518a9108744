// Structured JSON logs (pino): one line per request with its id (echoed in X-Request-Id), operation
// name, duration, outcome and, when tracing is on, trace id. Variables are never logged: auth mutations carry
// passwords and tokens.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, redact: ['req.headers.authorization', 'variables', 'password'] });
}

interface RequestLog {
  id: string;
  start: number;
  operationName?: string;
  outcome?: 'ok' | 'errors';
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function useRequestLogging(logger: Logger): Plugin {
  const logs = new WeakMap<Request, RequestLog>();
  return {
    onRequest({ request }) {
      const incoming = request.headers.get('x-request-id');
      logs.set(request, { id: incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID(), start: performance.now() });
    },
    onParams({ params, request }) {
      const log = logs.get(request);
      if (log) log.operationName = params.operationName ?? undefined;
    },
    onResultProcess({ request, result }) {
      const log = logs.get(request);
      const results = Array.isArray(result) ? result : [result];
      if (log) log.outcome = results.some((r) => 'errors' in r && r.errors?.length) ? 'errors' : 'ok';
    },
    onResponse({ request, response }) {
      const log = logs.get(request);
      if (!log) return;
      // Deleted, not left to the WeakMap: V8's young-generation GC keeps a WeakMap entry's value alive through
      // one more collection after its key dies (bench/README.md, "Hot path" item 16).
      logs.delete(request);
      response.headers.set('x-request-id', log.id);
      // Built only when it is written: at LOG_LEVEL=warn and above, a request costs no line.
      if (!logger.isLevelEnabled('info')) return;
      const url = new URL(request.url);
      logger.info({
        requestId: log.id,
        method: request.method,
        path: url.pathname,
        operationName: log.operationName,
        status: response.status,
        outcome: log.outcome ?? (response.status < 400 ? 'ok' : 'error'),
        durationMs: Math.round((performance.now() - log.start) * 10) / 10,
        traceId: sampledTraceId(),
      }, 'request');
    },
  };
}

/** The trace id of the request's span (src/observability/tracing.ts), when it is sampled; else undefined. */
function sampledTraceId(): string | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  return span && span.traceFlags & 1 ? span.traceId : undefined;
}
