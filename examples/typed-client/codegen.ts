// GraphQL Code Generator: `npm run codegen` (here) or `npm run codegen` at the repo root.
// Reads the API's committed schema (../../schema.graphql) and this example's operations, and writes
//  - src/gql/: typed documents and result/variable types (client preset), used by src/main.ts, and
//    src/gql/persisted-documents.json, the trusted-documents manifest the API loads (PERSISTED_DOCUMENTS);
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
      // persistedDocuments: each document carries its sha256 id (`__meta__.hash`, "sha256:<hex>") and the
      // manifest maps ids to documents, so the client sends ids and the server runs only what it knows.
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
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
