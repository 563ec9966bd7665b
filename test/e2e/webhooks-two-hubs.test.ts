import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { subscribeToSignals } from './webhooks-live-support.js';
import { post, type WebhookConnection, webhookConnection } from './webhooks-support.js';

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
  });
});
