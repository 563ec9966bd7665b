/**
 * npm run demo: webhooks end to end against a running hub.
 *
 *   SWITCHBOARD_OPERATOR_TOKEN=<an operator token of the hub> npm run demo
 *
 * Registers a tenant, creates a webhook-only GitHub connection, posts real example deliveries from
 * @octokit/webhooks-examples signed with the connection's secret (plus a redelivery and a forgery),
 * then prints the signals the hub made of them. SWITCHBOARD_URL names the hub (default
 * http://127.0.0.1:4000).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { githubExample } from './github-example.js';

const base = (process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
const token = (process.env.SWITCHBOARD_OPERATOR_TOKENS ?? process.env.SWITCHBOARD_OPERATOR_TOKEN ?? '')
  .split(',')[0]
  ?.trim();
if (!token) {
  console.error("Set SWITCHBOARD_OPERATOR_TOKEN to one of the running hub's operator tokens.");
  process.exit(64);
}

async function graphql<T>(query: string, variables: Record<string, unknown>, tenantId?: string): Promise<T> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  }).catch((error: Error) => {
    console.error(`Cannot reach the hub at ${base} (${error.message}). Is it running (npm start)?`);
    process.exit(69);
  });
  const result = (await response.json()) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (result.errors?.length) {
    throw new Error(result.errors.map((error) => `${error.extensions?.code}: ${error.message}`).join('; '));
  }
  return result.data as T;
}

async function deliver(
  url: string,
  secret: string,
  eventName: string,
  body: string,
  deliveryId: string = randomUUID(),
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': eventName,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const tenantId = `demo-${randomBytes(3).toString('hex')}`;
await graphql('mutation($input: RegisterTenantInput!) { registerTenant(input: $input) { id } }', {
  input: { id: tenantId, name: 'Webhook demo' },
});
console.log(`tenant       ${tenantId}`);

const { createWebhookConnection: created } = await graphql<{
  createWebhookConnection: { connection: { id: string }; url: string; secret: string };
}>(
  'mutation($input: CreateWebhookConnectionInput!) { createWebhookConnection(input: $input) { connection { id } url secret } }',
  { input: { provider: 'github', displayName: 'Demo repository' } },
  tenantId,
);
console.log(`connection   ${created.connection.id} (webhook-only GitHub)`);
console.log(`webhook URL  ${created.url}`);
console.log(`secret       ${created.secret.slice(0, 6)}… (shown once; stored sealed)\n`);

// Posted to this hub's address, the path from the URL createWebhookConnection gave.
const url = `${base}${new URL(created.url).pathname}`;
const deliveries: Array<[string, string | undefined]> = [
  ['issues', 'opened'],
  ['issue_comment', 'created'],
  ['pull_request', 'opened'],
  ['pull_request_review', 'submitted'],
  ['push', undefined],
  ['release', 'published'],
  ['star', 'created'],
];
let first: { eventName: string; body: string; deliveryId: string } | undefined;
for (const [eventName, action] of deliveries) {
  const body = JSON.stringify(githubExample(eventName, action));
  const deliveryId = randomUUID();
  const response = await deliver(url, created.secret, eventName, body, deliveryId);
  first ??= { eventName, body, deliveryId };
  console.log(`POST ${eventName}${action ? `.${action}` : ''}`.padEnd(40), response.status, response.body);
}
if (first) {
  const again = await deliver(url, created.secret, first.eventName, first.body, first.deliveryId);
  console.log('POST the first one again (redelivery)'.padEnd(40), again.status, again.body);
  const forged = await deliver(url, 'not-the-secret', first.eventName, first.body);
  console.log('POST signed with another secret'.padEnd(40), forged.status, JSON.parse(forged.body).reason);
}

// The hub answers once a delivery is in the log; the read model follows a moment later.
type Page = { signals: { edges: Array<{ node: { occurredAt: string; kind: string; summary: string } }> } };
let page: Page = { signals: { edges: [] } };
for (let attempt = 0; attempt < 50 && page.signals.edges.length < deliveries.length; attempt++) {
  if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  page = await graphql<Page>(
    'query($filter: SignalFilter) { signals(filter: $filter, first: 20) { edges { node { occurredAt kind summary } } } }',
    { filter: { connectionId: created.connection.id } },
    tenantId,
  );
}
console.log(`\nsignals of ${tenantId}, newest first:`);
for (const { node } of page.signals.edges) {
  console.log(`  ${node.occurredAt}  ${node.kind.padEnd(24)} ${node.summary}`);
}
