import { print } from 'graphql';
import {
  LiveSignalsDocument,
  type LiveSignalsSubscription,
  TenantEventsDocument,
  type TenantEventsSubscription,
} from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import type { TestHub } from '../support/hub.js';
import { OPERATOR_TOKEN } from '../support/hub.js';
import { connectWs, type WsConnection } from '../support/ws-client.js';
import { post, type WebhookConnection } from './webhooks-support.js';

export type ResumedSignal = LiveSignalsSubscription['signals'];
export type ResumedEvent = TenantEventsSubscription['tenantEvents'];

const pushExample = () =>
  githubExamples().find((example) => example.source === 'api.github.com' && example.eventName === 'push')!;

let produced = 0;

/** Posts `count` distinct GitHub push deliveries to a hub, one after another; each becomes one signal. */
export async function produceSignals(hub: TestHub, github: WebhookConnection, count: number): Promise<void> {
  const example = pushExample();
  for (let i = 0; i < count; i++) {
    produced += 1;
    const body = JSON.stringify({ ...example.payload, after: `${produced}`.padStart(40, 'a') });
    const response = await post(
      `${hub.url}/webhooks/github/${github.connectionId}`,
      githubHeaders(github.secret, 'push', body),
      body,
    );
    if (response.body['status'] !== 'accepted') throw new Error(`delivery refused: ${response.text}`);
  }
}

/** The tenant's signal ids in log order: what a subscriber that never missed one would have seen. */
export async function logSignalIds(hub: TestHub, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of hub.runtime.eventStore.readAll({
    filter: { streamPrefixes: [`signals-${tenantId}.`], eventTypes: ['SignalRecorded'] },
  })) {
    ids.push((event.data as { signal: { id: string } }).signal.id);
  }
  return ids;
}

export interface Collector<T> {
  connection: WsConnection;
  items: T[];
  errors: unknown[];
  /** Resolves once at least `count` items have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

/** A graphql-ws subscriber (no retries) that collects what arrives, so a test can kill its socket. */
function collect<T>(
  wsUrl: string,
  tenantId: string,
  query: string,
  variables: Record<string, unknown>,
  pick: (data: Record<string, unknown>) => T,
): Collector<T> {
  const connection = connectWs(wsUrl, { authorization: `Bearer ${OPERATOR_TOKEN}`, tenantId });
  const items: T[] = [];
  const errors: unknown[] = [];
  let wake = () => {};
  const dispose = connection.client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.data) items.push(pick(result.data as Record<string, unknown>));
        else errors.push(result.errors);
        wake();
      },
      error: (error) => {
        errors.push(error);
        wake();
      },
      complete: () => {},
    },
  );
  return {
    connection,
    items,
    errors,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (items.length < count) {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) throw new Error(`only ${items.length} of ${count} arrived`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return items;
    },
    async close() {
      dispose();
      await connection.client.dispose();
    },
  };
}

export const collectSignals = (wsUrl: string, tenantId: string, variables: Record<string, unknown> = {}) =>
  collect<ResumedSignal>(
    wsUrl,
    tenantId,
    print(LiveSignalsDocument),
    variables,
    (data) => data['signals'] as ResumedSignal,
  );

export const collectEvents = (wsUrl: string, tenantId: string, variables: Record<string, unknown> = {}) =>
  collect<ResumedEvent>(
    wsUrl,
    tenantId,
    print(TenantEventsDocument),
    variables,
    (data) => data['tenantEvents'] as ResumedEvent,
  );

/** Kills the client's socket without a close handshake, as a dropped network would. */
export async function killSocket(collector: Collector<unknown>): Promise<void> {
  (await collector.connection.acknowledged).terminate();
  await collector.connection.closed;
}
