import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for frontends and the e2e tests: generated from the supergraph's API schema
 * (schema/api.graphql, written by `pnpm compose`) and the operations in packages/client/operations/.
 */
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: ['packages/client/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'packages/client/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        importExtension: '.js',
        scalars: { DateTimeISO: 'string' },
      },
    },
  },
};

export default config;
