import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { ConnectionInstalled, connectionStream } from '../../src/events/connection.js';
import { ProviderAccountBound, providerAccountStream } from '../../src/events/provider-account.js';
import { signalsStream } from '../../src/events/signal.js';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { jiraIssueCreated, todoistItemAdded } from '../ingress/provider-shapes.js';
import { jiraHeaders, todoistHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { post, settled, webhookConnection } from './webhooks-support.js';

const TENANT = 'unsigned-ids';
const TODOIST_CLIENT_SECRET = 'todoist-client-secret-for-tests';
const metadata = { tenantId: TENANT, correlationId: 'c-1', causationId: null, actor: 'system:test' };

/**
 * Todoist's and Jira's delivery ids travel in headers their signatures do not cover: whoever
 * captured a delivery can send it again under a fresh id. The body, which is signed, identifies it.
 */
describeWithPostgres('deliveries replayed under a fresh, unsigned delivery id (PostgreSQL)', () => {
  let hub: TestHub;

  const signalsOf = async (connectionId: string) => {
    const events = [];
    for await (const event of hub.runtime.eventStore.readStream(signalsStream(TENANT, connectionId)))
      events.push(event);
    return events;
  };

  beforeAll(async () => {
    hub = await startTestHub({ env: { SWITCHBOARD_WEBHOOK_SECRETS: `todoist=${TODOIST_CLIENT_SECRET}` } });
    await hub.request(RegisterTenantDocument, { input: { id: TENANT, name: 'Unsigned ids' } }, asOperator());
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('records a Jira delivery once, whatever X-Atlassian-Webhook-Identifier it comes back with', async () => {
    const jira = await webhookConnection(hub, TENANT, 'jira');
    const url = `${hub.url}/webhooks/jira/${jira.connectionId}`;
    const body = JSON.stringify(jiraIssueCreated);
    const first = await post(url, jiraHeaders(jira.secret, body, 'whid-1'), body);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', signals: [expect.any(String)] } });
    const replayed = await post(url, jiraHeaders(jira.secret, body, 'whid-replayed'), body);
    expect(replayed).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    // Later still: the event ids (derived from the body) make it the same delivery.
    const late = await post(url, jiraHeaders(jira.secret, body, 'whid-late'), body);
    expect(late).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    await settled(hub);
    expect(await signalsOf(jira.connectionId)).toHaveLength(1);
  });

  it('records a Todoist delivery once, whatever X-Todoist-Delivery-ID it comes back with', async () => {
    // Todoist deliveries arrive on the app-level route, routed by user_id to the bound connection.
    const connectionId = `conn_todoist_${randomUUID().slice(0, 8)}`;
    const userId = todoistItemAdded.user_id;
    await hub.runtime.eventStore.append(
      connectionStream(TENANT, connectionId),
      [
        eventCatalog.create(
          ConnectionInstalled,
          {
            connectionId,
            tenantId: TENANT,
            provider: 'todoist',
            authMode: 'oauth2',
            integration: 'global',
            account: { id: userId, name: 'Alice' },
            values: {},
            scopes: [],
            installedAt: new Date().toISOString(),
          },
          metadata,
        ),
      ],
      'no_stream',
    );
    await hub.runtime.eventStore.append(
      providerAccountStream('todoist', userId),
      [
        eventCatalog.create(
          ProviderAccountBound,
          {
            provider: 'todoist',
            accountId: userId,
            tenantId: TENANT,
            connectionId,
            proof: 'token_response',
            previousConnectionId: null,
            boundAt: new Date().toISOString(),
          },
          metadata,
        ),
      ],
      'no_stream',
    );
    await settled(hub);
    const url = `${hub.url}/webhooks/todoist`;
    const body = JSON.stringify(todoistItemAdded);
    const first = await post(url, todoistHeaders(TODOIST_CLIENT_SECRET, body, 'delivery-1'), body);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted', signals: [expect.any(String)] } });
    const replayed = await post(url, todoistHeaders(TODOIST_CLIENT_SECRET, body, 'delivery-replayed'), body);
    expect(replayed).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    const late = await post(url, todoistHeaders(TODOIST_CLIENT_SECRET, body, 'delivery-late'), body);
    expect(late).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    // A different delivery (another body) is still a delivery of its own.
    const other = JSON.stringify({ ...todoistItemAdded, event_name: 'item:completed' });
    const next = await post(url, todoistHeaders(TODOIST_CLIENT_SECRET, other, 'delivery-2'), other);
    expect(next).toMatchObject({ status: 200, body: { status: 'accepted' } });
    await settled(hub);
    expect(await signalsOf(connectionId)).toHaveLength(2);
  });
});
