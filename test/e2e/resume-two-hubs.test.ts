import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FollowedSignal, followSignals } from '../../scripts/follow-signals.js';
import { RegisterTenantDocument, SignalsDocument } from '../../src/generated/graphql.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import {
  createScratchDatabase,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';
import { logSignalIds, produceSignals } from './resume-support.js';
import { settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithPostgres('resuming across instances (PostgreSQL)', () => {
  describeWithRedis('two hubs, one Redis (Redis)', () => {
    let database: { url: string; drop: () => Promise<void> };
    let first: TestHub | undefined;
    let second: TestHub;
    let github: WebhookConnection;
    const tenantId = 'resume-fleet';

    beforeAll(async () => {
      // Both hubs on one database of the test's own, so stopping the first drops nothing the second uses.
      database = await createScratchDatabase();
      const env = { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix(), EVENTSTORE_URL: database.url };
      first = await startTestHub({ env });
      second = await startTestHub({ env });
      await first.request(RegisterTenantDocument, { input: { id: tenantId, name: 'Fleet' } }, asOperator());
      github = await webhookConnection(first, tenantId, 'github');
      await settled(first);
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      await database?.drop();
    });

    it("the README's client, its instance stopped mid-stream, resumes on the other one with the log's sequence", async () => {
      await produceSignals(second, github, 1);
      await settled(second);
      const seed = (await second.request(SignalsDocument, { first: 1 }, asOperator(tenantId))).data!.signals
        .edges[0]!.node.cursor;

      const received: FollowedSignal[] = [];
      const errors: unknown[] = [];
      const urls: string[] = [];
      // A load balancer: the first hub while it runs, then the other.
      const follower = followSignals({
        url: () => {
          const url = (first ?? second).wsUrl;
          urls.push(url);
          return url;
        },
        token: OPERATOR_TOKEN,
        tenantId,
        after: seed,
        onSignal: (signal) => received.push(signal),
        onError: (error) => errors.push(error),
      });

      // Deliveries go to the second hub throughout; the first is the projection leader until it stops.
      // Four arrive before the stop; the other eight are produced while the first hub stops, so the
      // switch happens mid-stream however fast or slow this machine is.
      await produceSignals(second, github, 4);
      await until(() => received.length >= 3 || errors.length > 0, 'three signals');
      const atStop = received.length;
      const stopping = first!;
      first = undefined;
      const producing = produceSignals(second, github, 8);
      await stopping.close();
      await producing;
      await settled(second);

      const log = (await logSignalIds(second, tenantId)).slice(1);
      expect(log).toHaveLength(12);
      await until(() => received.length >= log.length || errors.length > 0, 'every signal');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(errors).toEqual([]);
      expect(atStop).toBeLessThan(log.length);
      expect(received.map((signal) => signal.id)).toEqual(log);
      // It did move: connected to the first hub, then resubscribed on the second.
      expect(urls[0]).toBe(stopping.wsUrl);
      expect(urls.at(-1)).toBe(second.wsUrl);
      expect(follower.lastCursor).toBe(received.at(-1)!.cursor);
      await follower.close();
    });
  });
});
