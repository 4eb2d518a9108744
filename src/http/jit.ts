// Queries run on graphql-jit's compiled executor; mutations, subscriptions and bad variables on graphql-js'.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError, getOperationAST, getVariableValues, type ExecutionArgs, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { OnExecuteDoneEventPayload } from '@envelop/core';

/**
 * graphql-jit compiles each query document once (cached per parsed document, which yoga's parser cache
 * shares between requests) into a function that runs it without graphql-js' per-field work: about 15 %
 * less server CPU on a page of tasks (bench/README.md).
 *
 * It is kept to what it does exactly as graphql-js does:
 * - queries only: mutations keep graphql-js' serial execution and subscriptions its event streams;
 * - variables that do not coerce go to graphql-js, whose errors carry the 400 status and the
 *   BAD_USER_INPUT code of the contract (graphql-jit reports them as plain errors);
 * - field errors get their `locations` back (see withSourceLocations).
 */
export function useCompiledQueries() {
  return [useGraphQlJit({}, { enableIf: compilable }), useSourceLocations] as const;
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

function compilable(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'query') return false;
  if (!operation.variableDefinitions?.length) return true;
  return !getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {}, { maxErrors: 1 }).errors;
}

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
