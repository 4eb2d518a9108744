// GraphQL Code Generator: `npm run codegen` (here) or `npm run codegen` at the repo root.
// Reads the API's committed schema (../../schema.graphql) and this example's operations, and writes
//  - src/gql/: typed documents and result/variable types (client preset), used by src/main.ts;
//  - ../apollo/possibleTypes.json: the unions and interfaces Apollo Client's cache must know about.
// Both outputs are committed, so the example builds without a running server.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  // Operations are written with `graphql(`...`)` in the example's TypeScript (src/operations.ts).
  documents: ['src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // DateTime travels as an ISO-8601 string.
        scalars: { DateTime: 'string' },
        // Plain string unions instead of TypeScript enums; `import type` where only types are used.
        enumsAsTypes: true,
        useTypeImports: true,
        // Relative imports with .js extensions, as Node's ESM resolution (and `moduleResolution: nodenext`) wants.
        emitLegacyCommonJSImports: false,
        // Every selected field is typed as it is in the schema, not as optional.
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
    '../apollo/possibleTypes.json': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3 },
    },
  },
};

export default config;
