import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { HubMetrics } from '../observability/metrics/index.js';

/**
 * Times each executed query and mutation into switchboard_graphql_operation_duration_seconds, by
 * operation type and whether its result carried errors. It replaces @graphql-yoga/plugin-prometheus,
 * whose hooks on every phase cost about 7 % of the CPU of a small query even with its other metrics
 * off (issue 11's bench), and whose operation-name label let clients create series at will.
 * Subscriptions are not executions and are not timed; requests refused before execution (parse,
 * validation, authentication) show in the HTTP layer, not here.
 */
export function useOperationMetrics(metrics: Pick<HubMetrics, 'graphqlOperation'>): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const operationType =
        getOperationAST(args.document, args.operationName)?.operation === 'mutation' ? 'mutation' : 'query';
      return {
        onExecuteDone({ result }) {
          const failed = !(Symbol.asyncIterator in result) && (result.errors?.length ?? 0) > 0;
          metrics.graphqlOperation(
            operationType,
            failed ? 'error' : 'ok',
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
