import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveSignalsDocument, type LiveSignalsSubscription } from '../../src/generated/graphql.js';
import { OPERATOR_TOKEN } from '../support/hub.js';

export type LiveSignal = LiveSignalsSubscription['signals'];

/**
 * A graphql-ws subscriber to a tenant's live signals: collects what arrives and lets a test wait
 * for the next one. graphql-ws has no "subscribed" acknowledgement, so `ready` waits a moment.
 */
export function subscribeToSignals(
  wsUrl: string,
  tenantId: string,
  variables: { filter?: Record<string, unknown>; includePayload?: boolean } = {},
) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${OPERATOR_TOKEN}`, tenantId },
    lazy: false,
    retryAttempts: 0,
  });
  const iterator = client.iterate<LiveSignalsSubscription>({ query: print(LiveSignalsDocument), variables });
  return {
    ready: new Promise((resolve) => setTimeout(resolve, 300)),
    async next(timeoutMs = 10_000): Promise<LiveSignal> {
      const result = await Promise.race([
        iterator.next(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no signal arrived')), timeoutMs),
        ),
      ]);
      if (result.done || !result.value.data)
        throw new Error(`subscription ended: ${JSON.stringify(result.value)}`);
      return result.value.data.signals;
    },
    async close() {
      await iterator.return?.();
      await client.dispose();
    },
  };
}
