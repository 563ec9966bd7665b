import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsStream } from '../../src/events/signal.js';
import { webhooksStream } from '../../src/events/webhook.js';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import {
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';
import { post, type WebhookConnection, webhookConnection } from './webhooks-support.js';

const examples = githubExamples().filter(
  (example) => example.source === 'api.github.com' && example.eventName === 'issues',
);
const bodyOf = (index: number) => JSON.stringify(examples[index % examples.length]!.payload);

const recorded = async (hub: TestHub, stream: string) => {
  const events = [];
  for await (const event of hub.runtime.eventStore.readStream(stream)) events.push(event);
  return events;
};

/** Delivers `body` to the connection as GitHub would, with this delivery id. */
const deliver = (
  hub: TestHub,
  connection: WebhookConnection,
  body: string,
  deliveryId: string,
  secret?: string,
) =>
  post(
    `${hub.url}/webhooks/github/${connection.connectionId}`,
    githubHeaders(secret ?? connection.secret, 'issues', body, deliveryId),
    body,
  );

// Two starts of the embedded profile: PGlite takes tens of seconds to create its databases.
describe('a redelivery is answered the same, restart or not (embedded)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sb-redeliver-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers duplicate with the original ids before and after a restart, from the log', async () => {
    const body = bodyOf(0);
    let first = await startTestHub({ dataDir });
    let connection: WebhookConnection;
    let original: Record<string, unknown>;
    try {
      await first.request(
        RegisterTenantDocument,
        { input: { id: 'embedded', name: 'Embedded' } },
        asOperator(),
      );
      connection = await webhookConnection(first, 'embedded', 'github');
      original = (await deliver(first, connection, body, 'delivery-1')).body;
      expect(original).toMatchObject({ status: 'accepted', signals: [expect.any(String)] });
      expect((await deliver(first, connection, body, 'delivery-1')).body).toEqual({
        status: 'duplicate',
        signals: original['signals'],
      });
    } finally {
      await first.close();
    }
    first = await startTestHub({ dataDir });
    try {
      // After it too: GitHub's redelivery (same id) and a replay under a fresh id alike.
      for (const deliveryId of ['delivery-1', 'delivery-1-again']) {
        const again = await deliver(first, connection, body, deliveryId);
        expect(again).toMatchObject({
          status: 200,
          body: { status: 'duplicate', signals: original['signals'] },
        });
      }
      expect(await recorded(first, signalsStream('embedded', connection.connectionId))).toHaveLength(1);
    } finally {
      await first.close();
    }
  }, 240_000);
});

describeWithPostgres('webhook ingestion with Redis down (PostgreSQL)', () => {
  describeWithRedis('behind a forwarder that is cut (Redis)', () => {
    let hub: TestHub;
    let redis: TcpForwarder;
    let github: WebhookConnection;

    beforeAll(async () => {
      const target = new URL(REDIS_URL);
      redis = await startTcpForwarder({ host: target.hostname, port: Number(target.port || 6379) });
      hub = await startTestHub({
        env: {
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix(),
        },
      });
      await hub.request(
        RegisterTenantDocument,
        { input: { id: 'no-redis', name: 'No Redis' } },
        asOperator(),
      );
      github = await webhookConnection(hub, 'no-redis', 'github');
    });
    afterAll(async () => {
      await hub?.close();
      await redis?.close();
    });

    it('verifies, records and acknowledges deliveries while Redis is down; the log deduplicates', async () => {
      const before = await deliver(hub, github, bodyOf(0), 'before-outage');
      expect(before.body).toMatchObject({ status: 'accepted' });
      await redis.down();
      try {
        const bodies = [1, 2, 3].map(bodyOf);
        const accepted = [];
        for (const [index, body] of bodies.entries()) {
          const response = await deliver(hub, github, body, `during-${index}`);
          expect(response, `delivery ${index}`).toMatchObject({ status: 200, body: { status: 'accepted' } });
          accepted.push(response.body['signals']);
        }
        // Redeliveries: the log answers with the original ids.
        for (const [index, body] of bodies.entries()) {
          const again = await deliver(hub, github, body, `during-${index}`);
          expect(again).toMatchObject({
            status: 200,
            body: { status: 'duplicate', signals: accepted[index] },
          });
        }
        const beforeAgain = await deliver(hub, github, bodyOf(0), 'before-outage');
        expect(beforeAgain.body).toEqual({ status: 'duplicate', signals: before.body['signals'] });
        // A forgery is still refused (401, recorded), not turned into a 503 by the rejection budget.
        const forged = await deliver(hub, github, bodyOf(9), 'forged', 'not-the-secret');
        expect(forged).toMatchObject({ status: 401, body: { reason: 'bad_signature' } });
        expect(await recorded(hub, webhooksStream('no-redis', github.connectionId))).toHaveLength(1);
      } finally {
        await redis.up();
      }
      expect(await recorded(hub, signalsStream('no-redis', github.connectionId))).toHaveLength(4);
      const after = await deliver(hub, github, bodyOf(4), 'after-outage');
      expect(after.body).toMatchObject({ status: 'accepted' });
      expect((await deliver(hub, github, bodyOf(4), 'after-outage')).body).toEqual({
        status: 'duplicate',
        signals: after.body['signals'],
      });
    });
  });
});
