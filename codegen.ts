import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types the operations that Core and frontends use (schema/operations/*.graphql) against the
 * committed schema. The tests use the same typed documents, so an operation that drifts from the
 * schema fails the type check. `npm run codegen` regenerates src/generated/graphql.ts.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'schema/operations/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', BigInt: 'string', JSON: 'unknown', ID: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
};

export default config;
