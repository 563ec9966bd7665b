import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeGithubDelivery } from '../../src/connectors/github/webhook.js';
import { webhooksStream } from '../../src/events/webhook.js';
import { RegisterTenantDocument, SignalsDocument } from '../../src/generated/graphql.js';
import { createSignalsProjection } from '../../src/projections/read-models/signals.js';
import { verifyReadModels } from '../../src/projections/verify/verify.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders, slackHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { post, settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

/** The change a delivery reports when a sync could see it too (an issue opened ...), as the connector names it. */
const changeKeyOf = (eventName: string, payload: unknown): string | undefined =>
  normalizeGithubDelivery({
    provider: 'github',
    eventName,
    deliveryId: 'any',
    payload,
    connectionId: 'any',
    receivedAt: new Date(),
  })[0]?.changeKey;

/** The GitHub events issue 5 lists, and the kind each (event, action) must become. */
const KINDS: Record<string, Record<string, string>> = {
  issues: {
    opened: 'issue_created',
    closed: 'issue_closed',
    reopened: 'issue_reopened',
    edited: 'issue_edited',
    labeled: 'issue_labeled',
  },
  issue_comment: { created: 'issue_commented' },
  pull_request: {
    opened: 'pull_request_opened',
    reopened: 'pull_request_reopened',
    review_requested: 'pull_request_review_requested',
  },
  pull_request_review: { submitted: 'pull_request_reviewed' },
  push: { '': 'code_pushed' },
  release: { published: 'release_published' },
  workflow_run: { completed: 'workflow_run_completed' },
};

function expectedKind(eventName: string, payload: Record<string, unknown>): string {
  const action = typeof payload['action'] === 'string' ? payload['action'] : '';
  if (eventName === 'pull_request' && action === 'closed') {
    return (payload['pull_request'] as { merged?: boolean }).merged
      ? 'pull_request_merged'
      : 'pull_request_closed';
  }
  return KINDS[eventName]?.[action] ?? 'provider_event';
}

const slackFixtures = new URL('../connectors/slack/fixtures/', import.meta.url);
const slackFixture = (name: string) => readFileSync(new URL(name, slackFixtures), 'utf8');

describeWithPostgres('webhook deliveries through the HTTP routes (PostgreSQL)', () => {
  let hub: TestHub;
  let github: WebhookConnection;

  const allSignals = async (tenantId: string, filter: Record<string, unknown> = {}) => {
    const nodes: Array<{ id: string; kind: string; deliveryId: string | null; payload: unknown }> = [];
    let after: string | null | undefined;
    do {
      const page = await hub.request(
        SignalsDocument,
        { filter, first: 100, after, includePayload: true },
        asOperator(tenantId),
      );
      nodes.push(...page.data!.signals.edges.map((edge) => edge.node));
      after = page.data!.signals.pageInfo.hasNextPage ? page.data!.signals.pageInfo.endCursor : null;
    } while (after);
    return nodes;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    await hub.request(RegisterTenantDocument, { input: { id: 'hooks', name: 'Hooks' } }, asOperator());
    github = await webhookConnection(hub, 'hooks', 'github');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('turns every listed @octokit/webhooks-examples delivery into one signal of the right kind', async () => {
    const listed = githubExamples().filter((example) => Object.hasOwn(KINDS, example.eventName));
    expect(listed.length).toBeGreaterThan(100);
    const url = `${hub.url}/webhooks/github/${github.connectionId}`;
    const bodies = new Set<string>();
    const changes = new Set<string>();
    const expected = new Map<string, string>();
    for (const [index, example] of listed.entries()) {
      const body = JSON.stringify(example.payload);
      const deliveryId = `delivery-${index}`;
      const response = await post(
        url,
        githubHeaders(github.secret, example.eventName, body, deliveryId),
        body,
      );
      // The GHES sources repeat some api.github.com examples byte for byte: the same delivery. Others
      // report a change already recorded (the same issue's opening): the same signal, whatever the body.
      const change = changeKeyOf(example.eventName, example.payload);
      const repeated = bodies.has(body) || (change !== undefined && changes.has(change));
      expect(response.status, `${example.source} ${example.eventName} #${example.index}`).toBe(200);
      expect(response.body['status'], `${example.source} ${example.eventName} #${example.index}`).toBe(
        repeated ? 'duplicate' : 'accepted',
      );
      bodies.add(body);
      if (change !== undefined) changes.add(change);
      if (!repeated) expected.set(deliveryId, expectedKind(example.eventName, example.payload));
    }
    await settled(hub);
    const signals = await allSignals('hooks', { provider: 'github', connectionId: github.connectionId });
    expect(new Map(signals.map((signal) => [signal.deliveryId, signal.kind]))).toEqual(expected);
  });

  it('turns every Slack fixture into a signal, and answers url_verification with the challenge', async () => {
    const names = readdirSync(slackFixtures).filter((name) => name.endsWith('.json'));
    const kinds: Record<string, string> = {};
    for (const name of names) {
      // Slack's examples reuse event ids (Ev123ABC456): one connection each, or they would be one delivery.
      const slack = await webhookConnection(hub, 'hooks', 'slack');
      const body = slackFixture(name);
      const response = await post(
        `${hub.url}/webhooks/slack/${slack.connectionId}`,
        slackHeaders(slack.secret, body),
        body,
      );
      expect(response.status, name).toBe(200);
      if (name === 'url-verification.json') {
        expect(response.contentType).toMatch(/^text\/plain/);
        expect(response.text).toBe(JSON.parse(body).challenge);
        continue;
      }
      expect(response.body['status'], name).toBe('accepted');
      await settled(hub);
      const [signal] = await allSignals('hooks', { connectionId: slack.connectionId });
      kinds[name] = signal!.kind;
    }
    expect(kinds).toEqual({
      'app-mention-invite.json': 'app_mentioned',
      'app-mention.json': 'app_mentioned',
      'channel-created.json': 'channel_created',
      'emoji-changed.json': 'provider_event',
      'link-shared.json': 'link_shared',
      'member-joined-channel.json': 'member_joined_channel',
      'message-bot-message.json': 'message_posted',
      'message-changed.json': 'message_edited',
      'message-channel-join.json': 'provider_event',
      'message-channels.json': 'message_posted',
      'message-deleted.json': 'message_deleted',
      'message-groups.json': 'message_posted',
      'message-im.json': 'message_posted',
      'reaction-added.json': 'reaction_added',
    });
  });

  it('refuses a bad signature with 401 problem+json and records WebhookRejected without the payload', async () => {
    const body = JSON.stringify(githubExamples().find((example) => example.eventName === 'issues')!.payload);
    const headers = githubHeaders('not-the-secret', 'issues', body, 'forged-delivery-1');
    const response = await post(`${hub.url}/webhooks/github/${github.connectionId}`, headers, body);
    expect(response.status).toBe(401);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 401,
      code: 'WEBHOOK_SIGNATURE_INVALID',
      reason: 'bad_signature',
    });
    const missing = await post(
      `${hub.url}/webhooks/github/${github.connectionId}`,
      { 'x-github-event': 'issues' },
      body,
    );
    expect(missing.body).toMatchObject({ status: 401, reason: 'missing_signature' });
    const events = [];
    for await (const event of hub.runtime.eventStore.readStream(
      webhooksStream('hooks', github.connectionId),
    )) {
      events.push(event);
    }
    expect(events.map((event) => [event.type, (event.data as { reason: string }).reason])).toEqual([
      ['WebhookRejected', 'bad_signature'],
      ['WebhookRejected', 'missing_signature'],
    ]);
    expect(events[0]!.data).toMatchObject({ claimedDeliveryId: 'forged-delivery-1', bodyBytes: body.length });
    expect(JSON.stringify(events.map((event) => event.data))).not.toContain('"action"');
  });

  it('rebuilds the signals read model from the log to the same rows (replay --verify)', async () => {
    await settled(hub);
    const result = await verifyReadModels({
      eventStore: hub.runtime.eventStore,
      live: hub.runtime.readModels,
      projections: [createSignalsProjection({ vault: hub.runtime.vault })],
    });
    const signals = result.tables.find((table) => table.table === 'signals')!;
    expect(signals.live.rows).toBeGreaterThan(100);
    expect(signals).toMatchObject({ equal: true, rebuilt: { rows: signals.live.rows } });
  });
});
