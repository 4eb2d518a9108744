// Abuse limits, in one place: operation shape (graphql-armor), connection-aware cost
// (graphql-query-complexity), request body size, CSRF prevention, and production-only hardening
// (no introspection, no "Did you mean" suggestions). The README's "Security" section lists them.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { getNamedType, GraphQLError, isObjectType, NoSchemaIntrospectionCustomRule, validate, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { errorResponse, httpError } from './http/errors.ts';
import { DEFAULT_PAGE_SIZE } from './services/task-pagination.ts';

export const LIMITS = {
  /** Request body, in bytes. Leaves room for a 1 MB string so its validation message can be returned. */
  maxBodyBytes: 2 * 1024 * 1024,
  /** Aliased fields per operation (each aliased login still counts against the login throttle). */
  maxAliases: 50,
  maxDepth: 12,
  maxDirectives: 20,
  /** Lexical tokens in the document. */
  maxTokens: 3_000,
  /**
   * Cost: 1 per field, times the page size for everything under a connection (first/last, default 20).
   * Room for a page of 100 tasks with their first 20 subtasks (about 15,000), not for 100 x 100 nodes.
   */
  maxCost: 25_000,
} as const;

export function securityPlugins(production: boolean): Plugin[] {
  const exposeLimits = !production;
  return [
    usePostCSRFPrevention(),
    EnvelopArmorPlugin({
      maxAliases: { n: LIMITS.maxAliases, exposeLimits, onReject: [withCode('TOO_MANY_ALIASES')] },
      maxDepth: { n: LIMITS.maxDepth, exposeLimits, ignoreIntrospection: !production, flattenFragments: true, onReject: [withCode('QUERY_TOO_DEEP')] },
      maxDirectives: { n: LIMITS.maxDirectives, exposeLimits, onReject: [withCode('TOO_MANY_DIRECTIVES')] },
      maxTokens: { n: LIMITS.maxTokens, exposeLimits, onReject: [withCode('TOO_MANY_TOKENS')] },
      costLimit: { enabled: false },
      // graphql-js' own switch does it everywhere (useNoSuggestions); armor's only rewrites field names.
      blockFieldSuggestion: { enabled: false },
    }) as unknown as Plugin,
    useConnectionCost(LIMITS.maxCost, exposeLimits),
    ...(production ? [useNoIntrospection(), useNoSuggestions()] : []),
  ];
}

// A browser form or text/plain POST (a "simple" request, no CORS preflight) is refused unless it carries
// a custom header. GET is left alone: it can only run queries (yoga answers a mutation over GET with 405),
// and credentials travel in the Authorization header, never in cookies a forged request could borrow.
function usePostCSRFPrevention(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] });
  return {
    onRequestParse(payload) {
      if (payload.request.method !== 'GET') return csrf.onRequestParse?.(payload);
    },
  };
}

/**
 * The request body limit, for yoga's `maxRequestBodySize: false`. A body with a Content-Length is judged by
 * the header alone: Node's HTTP parser never delivers more bytes than it states. Yoga's own limit pipes
 * every body through a counting TransformStream, which cost about a quarter of the server CPU of a small
 * query (bench/README.md, "Hot path"); here only a body without a length (chunked) is counted as it streams.
 * Runs before any plugin reads the body (idempotency keys).
 */
export function useBodyLimit(maxBytes: number): Plugin {
  const tooLargeMessage = `Request body too large: at most ${maxBytes} bytes.`;
  return {
    onRequest({ request, endResponse, fetchAPI, setRequest }) {
      const header = request.headers.get('content-length');
      if (header !== null) {
        if (!/^\d+$/.test(header)) endResponse(errorResponse(400, 'BAD_REQUEST', 'Content-Length header is invalid.'));
        else if (Number(header) > maxBytes) endResponse(errorResponse(413, 'PAYLOAD_TOO_LARGE', tooLargeMessage));
        return;
      }
      if (!request.body) return;
      let bytes = 0;
      const counted = request.body.pipeThrough(
        new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.byteLength;
            if (bytes > maxBytes) controller.error(httpError(413, 'PAYLOAD_TOO_LARGE', tooLargeMessage));
            else controller.enqueue(chunk);
          },
        }),
      );
      setRequest(
        new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body: counted, duplex: 'half' } as RequestInit),
      );
    },
  };
}

/**
 * A GET's `variables` and `extensions` must be JSON objects. Yoga parses them with a bare JSON.parse, whose
 * SyntaxError would be masked as an unexpected error; this answers 400 BAD_REQUEST, as for a POST body
 * that is not JSON.
 */
export function useQueryStringParams(): Plugin {
  return {
    onRequestParse({ request, url }) {
      if (request.method !== 'GET') return;
      for (const name of ['variables', 'extensions']) {
        const text = url.searchParams.get(name);
        if (text === null || text === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        // Thrown, it goes out through yoga's error handling (status and the media type the client accepts).
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
          throw httpError(400, 'BAD_REQUEST', `\`${name}\` in the query string must be a JSON object (URL-encoded), or absent.`);
        }
      }
    },
  };
}

// Everything selected under a connection is paid for once per item it can return, so nested or
// aliased `first: 100` connections cannot multiply into huge responses unnoticed.
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNamedType(field.type);
  if (isObjectType(type) && type.name.endsWith('Connection')) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
    return 1 + childComplexity * (Number.isFinite(size) && size > 0 ? size : DEFAULT_PAGE_SIZE);
  }
  if (Array.isArray(args.ids)) return 1 + childComplexity * args.ids.length;
  return undefined;
};

/**
 * A request refused before execution has no `data`: the GraphQL-over-HTTP spec wants a 4xx for it under
 * application/graphql-response+json, and 200 under application/json. Yoga reads this marker (`spec`) that
 * way, as for its own validation errors, and leaves it out of HTTP responses.
 */
const SPEC_400 = { spec: true, status: 400 } as const;

/** graphql-armor's errors carry no code of their own: give each limit a stable one (README "Security"). */
const withCode = (code: string) => (_context: unknown, error: GraphQLError) => {
  Object.assign(error.extensions as Record<string, unknown>, { code, http: SPEC_400 });
};

// One estimate per operation: the cost budget (src/http/cost-budget.ts) charges the same number this
// limit checks, and both run on the same execution args, so it is computed once and remembered here.
const costs = new WeakMap<ExecutionArgs, number | null>();

/** The operation's cost, or null when its variables do not coerce (execution reports that error itself). */
export function operationCost(args: ExecutionArgs): number | null {
  let cost = costs.get(args);
  if (cost !== undefined) return cost;
  // The same document with the same variables costs the same: clients repeat their operations, and yoga's
  // parser cache hands out one DocumentNode per query text, so most requests skip the estimate.
  const variables = JSON.stringify(args.variableValues ?? {});
  const key = variables.length <= 1024 ? `${args.operationName ?? ''}\u0000${variables}` : null;
  const known = key === null ? undefined : byDocument.get(args.document);
  cost = key === null ? undefined : known?.get(key);
  if (cost !== undefined) {
    costs.set(args, cost);
    return cost;
  }
  try {
    cost = getComplexity({
      schema: args.schema,
      query: args.document,
      variables: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName ?? undefined,
      estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    cost = null;
  }
  costs.set(args, cost);
  if (key !== null) {
    let forDocument = known;
    if (!forDocument) byDocument.set(args.document, (forDocument = new Map()));
    if (forDocument.size >= 100) forDocument.delete(forDocument.keys().next().value!);
    forDocument.set(key, cost);
  }
  return cost;
}
const byDocument = new WeakMap<ExecutionArgs['document'], Map<string, number | null>>();

function useConnectionCost(maxCost: number, exposeLimits: boolean): Plugin {
  // Queries and mutations execute; subscriptions subscribe (each event runs the same selection).
  const check = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: ExecutionResult) => void }) => {
    const cost = operationCost(args);
    if (cost !== null && cost > maxCost) {
      const message = exposeLimits
        ? `Query is too expensive: cost ${cost} exceeds the limit of ${maxCost}. Ask for smaller pages (first/last) or fewer fields.`
        : 'Query is too expensive.';
      // Over graphql-ws (a context that can close its socket) there is no status, and nothing would strip it.
      const overHttp = !(args.contextValue as { closeConnection?: unknown } | undefined)?.closeConnection;
      setResultAndStopExecution({ errors: [new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...(overHttp && { http: SPEC_400 }) } })] });
    }
  };
  return { onExecute: check, onSubscribe: check };
}

/**
 * No "Did you mean …?" in production: graphql-js leaves them out of validation errors (field, argument,
 * type and enum value names) and of the errors of variables that do not coerce, which come at execution.
 */
function useNoSuggestions(): Plugin {
  return {
    onValidate({ setValidationFn }) {
      setValidationFn((schema, document, rules) => validate(schema, document, rules, { hideSuggestions: true }));
    },
    // envelop passes these args on to yoga's executor (a patched @graphql-tools/executor hands the switch to
    // graphql-js' coercion of variables) or to graphql-jit, which only runs variables that coerce.
    onExecute({ args }) {
      (args as ExecutionArgs).hideSuggestions = true;
    },
    onSubscribe({ args }) {
      (args as ExecutionArgs).hideSuggestions = true;
    },
  };
}

/**
 * No introspection, on every transport. Yoga's useDisableIntrospection keys on the HTTP request, which a
 * graphql-ws operation does not have: it let introspection through WebSockets in production.
 */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
