import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../resolvers/context.js';

const withRequestId = (error: GraphQLError, requestId: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, requestId },
  });

/**
 * Puts the request id on every error of a result, so a client can quote it and an operator can
 * find the matching log lines. Registered before error masking, which keeps the id.
 */
export function useRequestIdOnErrors(): Plugin<GraphQLContext> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        const requestId = args.contextValue.requestId;
        if (isAsyncIterable(result) || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map((error) => withRequestId(error, requestId)) });
      },
    }),
  };
}
