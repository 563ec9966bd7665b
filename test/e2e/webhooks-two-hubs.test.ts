import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { TenantKeyDestroyedError } from '../../src/vault/errors.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import {
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';
import { subscribeToSignals } from './webhooks-live-support.js';
import { post, type WebhookConnection, webhookConnection } from './webhooks-support.js';

/** Retries `check` for up to 2 s: far less than the vault's 60 s cache, so only a notice passes it. */
async function eventually(check: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describeWithPostgres('two hubs, one PostgreSQL (PostgreSQL)', () => {
  describeWithRedis('and one Redis (Redis)', () => {
    let first: TestHub;
    let second: TestHub;
    let github: WebhookConnection;

    beforeAll(async () => {
      const prefix = uniqueRedisPrefix();
      first = await startTestHub({ env: { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: prefix } });
      // Same event store and read models, its own runtime and HTTP server: another instance.
      second = await startTestHub({
        env: { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: prefix, EVENTSTORE_URL: first.databaseUrl },
      });
      await first.request(RegisterTenantDocument, { input: { id: 'fleet', name: 'Fleet' } }, asOperator());
      github = await webhookConnection(first, 'fleet', 'github');
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    it('a delivery to either hub reaches a graphql-ws subscriber on the other', async () => {
      const examples = githubExamples().filter(
        (example) => example.source === 'api.github.com' && example.eventName === 'push',
      );
      for (const [index, [deliverTo, listenOn]] of [
        [first, second],
        [second, first],
      ].entries()) {
        const subscriber = subscribeToSignals(listenOn!.wsUrl, 'fleet');
        await subscriber.ready;
        const body = JSON.stringify({ ...examples[0]!.payload, after: `${index}`.padStart(40, 'f') });
        const response = await post(
          `${deliverTo!.url}/webhooks/github/${github.connectionId}`,
          githubHeaders(github.secret, 'push', body),
          body,
        );
        expect(response.body).toMatchObject({ status: 'accepted' });
        const signal = await subscriber.next();
        expect(signal).toMatchObject({
          id: (response.body['signals'] as string[])[0],
          kind: 'code_pushed',
          connectionId: github.connectionId,
        });
        await subscriber.close();
      }
    });

    it("stops using a tenant's data keys on the other hub at once when one hub rotates or destroys them", async () => {
      const tenantId = 'fleet-keys';
      await first.request(RegisterTenantDocument, { input: { id: tenantId, name: 'Keys' } }, asOperator());
      const [here, there] = [first.runtime.vault, second.runtime.vault];
      const sealed = await here.encrypt(tenantId, 'conn_keys', 'a secret');
      // Warm: the other hub now holds the tenant's active key (cached for 60 s without notices).
      expect((await there.decrypt(tenantId, 'conn_keys', sealed)).toString()).toBe('a secret');
      expect((await there.encrypt(tenantId, 'conn_keys', 'x')).keyId).toBe(sealed.keyId);

      const { keyId: rotated } = await here.rotateTenantKey(tenantId);
      await eventually(async () =>
        expect((await there.encrypt(tenantId, 'conn_keys', 'x')).keyId).toBe(rotated),
      );

      await here.destroyTenantKeys(tenantId);
      await eventually(() =>
        expect(there.decrypt(tenantId, 'conn_keys', sealed)).rejects.toBeInstanceOf(TenantKeyDestroyedError),
      );
    });
  });
});
