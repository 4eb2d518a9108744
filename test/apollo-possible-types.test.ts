// examples/apollo/possibleTypes.json (written by `npm run codegen`, @graphql-codegen/fragment-matcher) tells
// Apollo Client's cache which types can stand behind each union and interface. A stale file makes Apollo
// match fragments on result unions wrongly (silently empty data), so it must equal the live schema's.
import { readFileSync } from 'node:fs';
import { isAbstractType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';

const FILE = new URL('../examples/apollo/possibleTypes.json', import.meta.url);

/** { union or interface name: sorted names of its possible object types }, introspection types left out. */
function possibleTypesOf(source: GraphQLSchema): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const type of Object.values(source.getTypeMap())) {
    if (type.name.startsWith('__') || !isAbstractType(type)) continue;
    map[type.name] = source.getPossibleTypes(type).map((t) => t.name).sort();
  }
  return map;
}

function sortedValues(map: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(map).map(([name, types]) => [name, [...types].sort()]));
}

if (process.env.TEST_DB !== 'postgres') {
  describe('examples/apollo/possibleTypes.json', () => {
    it('matches every union and interface of the live schema (run `npm run codegen` when not)', () => {
      const committed = JSON.parse(readFileSync(FILE, 'utf8')) as { possibleTypes?: Record<string, string[]> };
      expect(Object.keys(committed)).toEqual(['possibleTypes']);
      const live = possibleTypesOf(schema);
      // The contract's abstract types are all there (a sanity check on the computation itself).
      expect(Object.keys(live)).toEqual(expect.arrayContaining(['Node', 'Error', 'SignupResult', 'DeleteTaskResult']));
      expect(sortedValues(committed.possibleTypes ?? {}), 'stale possibleTypes.json: run `npm run codegen`').toEqual(live);
    });
  });
}
