// Queries run on graphql-jit's compiled executor; mutations, subscriptions and bad variables on graphql-js'.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError, Kind, getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { OnExecuteDoneEventPayload } from '@envelop/core';

/**
 * graphql-jit compiles a query document into a function that runs it without graphql-js' per-field work:
 * about 15 % less server CPU on a page of tasks (bench/README.md). Compiling costs about 4 ms and 110 KB of
 * heap per document, so only documents that come back are compiled (the third run of the same parsed
 * document; yoga's parser cache shares it between requests), and at most MAX_COMPILED at a time: one-off
 * queries (GraphiQL, or a client sending a new document each time) stay on graphql-js.
 *
 * It is kept to what it does exactly as graphql-js does:
 * - queries only: mutations keep graphql-js' serial execution and subscriptions its event streams;
 * - documents with one operation only: the plugin caches one compiled operation per document;
 * - variables that do not coerce go to graphql-js, whose errors carry the 400 status and the
 *   BAD_USER_INPUT code of the contract (graphql-jit reports them as plain errors);
 * - field errors get their `locations` back (see withSourceLocations).
 */
export function useCompiledQueries() {
  return [useGraphQlJit({}, { enableIf: compilable }), useSourceLocations] as const;
}

const COMPILE_ON_RUN = 3;
const MAX_COMPILED = 200;
const NEVER = -2;
const COMPILED = -1;
/** Per parsed document: NEVER, COMPILED, or how many times it ran on graphql-js. */
const documents = new WeakMap<DocumentNode, number>();
let compiled = 0;
const forgotten = new FinalizationRegistry<undefined>(() => compiled--);

function compilable(args: ExecutionArgs): boolean {
  const { document } = args;
  let state = documents.get(document) ?? (isSingleQuery(document) ? 0 : NEVER);
  if (state === NEVER) {
    documents.set(document, NEVER);
    return false;
  }
  // An operationName the document does not have: graphql-js answers it.
  const operation = getOperationAST(document, args.operationName);
  if (!operation) return false;
  if (state !== COMPILED) {
    state += 1;
    if (state < COMPILE_ON_RUN || compiled >= MAX_COMPILED) {
      documents.set(document, state);
      return false;
    }
    documents.set(document, COMPILED);
    compiled++;
    forgotten.register(document, undefined);
  }
  if (!operation.variableDefinitions?.length) return true;
  return !getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {}, { maxErrors: 1 }).errors;
}

function isSingleQuery(document: DocumentNode): boolean {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operations.length === 1 && operations[0]!.operation === 'query';
}

// One hooks object for every request: nothing is allocated unless a result has errors to fix.
const sourceLocationHooks = {
  onExecuteDone({ args, result, setResult }: OnExecuteDoneEventPayload<unknown>) {
    if (!('errors' in result) || !result.errors?.some(lacksNodes)) return;
    const source = args.document.loc?.source;
    setResult({ ...result, errors: result.errors.map((error) => withSourceLocations(error, source)) });
  },
};
const useSourceLocations: Plugin = { onExecute: () => sourceLocationHooks };

const lacksNodes = (error: GraphQLError) => !error.nodes && Boolean(error.locations?.length);

/**
 * graphql-jit's errors carry `locations` but no AST nodes, and yoga rebuilds every error from its nodes
 * (or source and positions) when it serialises a response, which would drop them. The same error is
 * rebuilt here on the document's source, at the positions of those locations.
 */
function withSourceLocations(error: GraphQLError, source: Source | undefined): GraphQLError {
  if (!lacksNodes(error) || !source) return error;
  const lineStarts = [0];
  for (let i = source.body.indexOf('\n'); i !== -1; i = source.body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const positions = error.locations!.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
  return new GraphQLError(error.message, {
    source,
    positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
