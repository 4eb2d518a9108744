// GraphQL Code Generator for the web app: `npm run codegen` (here) or `npm run codegen` at the repo root.
// Reads the API's committed schema (../../schema.graphql) and the app's operations (src/operations.ts), and
// writes src/gql/: typed documents (client preset) and persisted-documents.json, the sha256 id of every
// operation with its text, for a server that accepts persisted operations. The app itself sends the full
// documents. Committed, so the app builds without a running server.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.tsx', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Each document keeps its text and gets `__meta__.hash`; the manifest maps hash -> text.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        // Apollo Client adds __typename to every selection; optimistic answers must carry it too.
        nonOptionalTypename: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
