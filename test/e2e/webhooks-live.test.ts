import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegisterTenantDocument, SignalDocument } from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { subscribeToSignals } from './webhooks-live-support.js';
import { post, type WebhookConnection, webhookConnection } from './webhooks-support.js';

const payloadOf = (eventName: string, action: string) =>
  JSON.stringify(
    githubExamples().find(
      (example) =>
        example.source === 'api.github.com' &&
        example.eventName === eventName &&
        example.payload['action'] === action,
    )!.payload,
  );

describeWithPostgres('live signals over graphql-ws (PostgreSQL)', () => {
  let hub: TestHub;
  let github: WebhookConnection;

  beforeAll(async () => {
    hub = await startTestHub();
    for (const id of ['live-x', 'live-y'])
      await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
    github = await webhookConnection(hub, 'live-x', 'github');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("delivers a tenant's matching signals once they are queryable, filtered on the server", async () => {
    const opened = subscribeToSignals(hub.wsUrl, 'live-x', { filter: { kind: 'issue_created' } });
    const everything = subscribeToSignals(hub.wsUrl, 'live-x', { includePayload: true });
    const otherTenant = subscribeToSignals(hub.wsUrl, 'live-y');
    await Promise.all([opened.ready, everything.ready, otherTenant.ready]);
    const url = `${hub.url}/webhooks/github/${github.connectionId}`;
    for (const [eventName, action] of [
      ['issues', 'labeled'],
      ['issues', 'opened'],
    ] as const) {
      const body = payloadOf(eventName, action);
      expect((await post(url, githubHeaders(github.secret, eventName, body), body)).status).toBe(200);
    }
    const first = await opened.next();
    expect(first).toMatchObject({ kind: 'issue_created', connectionId: github.connectionId, payload: null });
    // Published after the read model committed: a query made on receipt finds it.
    const queried = await hub.request(SignalDocument, { id: first.id }, asOperator('live-x'));
    expect(queried.data!.signal).toMatchObject({ id: first.id, kind: 'issue_created' });
    expect((await everything.next()).kind).toBe('issue_labeled');
    expect(await everything.next()).toMatchObject({ kind: 'issue_created', payload: { action: 'opened' } });
    await expect(otherTenant.next(500)).rejects.toThrow('no signal arrived');
    await Promise.all([opened.close(), everything.close(), otherTenant.close()]);
  });
});
