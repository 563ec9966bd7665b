import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  AuditLogDocument,
  RegisterTenantDocument,
  SignalDocument,
  SignalsDocument,
  WebhookDeadLetterDocument,
  WebhookDeadLettersDocument,
} from '../../src/generated/graphql.js';
import { googleHeaders, graphNotification } from '../ingress/provider-shapes.js';
import { slackHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { post, settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

const TENANT = 'secrets';

describeWithPostgres('verification secrets never persist (PostgreSQL)', () => {
  let hub: TestHub;
  let graph: WebhookConnection;
  let google: WebhookConnection;
  let slack: WebhookConnection;
  const logs: string[] = [];
  // Slack's Events API envelope repeats the app's verification token: one of our own making.
  const slackToken = `slack-verification-token-${randomBytes(8).toString('hex')}`;
  const signalIds: string[] = [];
  const urlOf = (provider: string, connection: WebhookConnection) =>
    `${hub.url}/webhooks/${provider}/${connection.connectionId}`;

  /** Every secret this test made: none may show up anywhere but where it was handed out. */
  const secrets = () => [graph.secret, google.secret, slack.secret, slackToken];
  const expectNoSecretIn = (where: string, text: string) => {
    for (const secret of secrets()) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
  };

  beforeAll(async () => {
    hub = await startTestHub({
      env: { LOG_LEVEL: 'trace' },
      logDestination: { write: (line: string) => void logs.push(line) },
    });
    await hub.request(RegisterTenantDocument, { input: { id: TENANT, name: 'Secrets' } }, asOperator());
    graph = await webhookConnection(hub, TENANT, 'microsoft-365');
    google = await webhookConnection(hub, TENANT, 'google-calendar');
    slack = await webhookConnection(hub, TENANT, 'slack');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('accepts deliveries that carry the secrets, and dead-letters some', async () => {
    const notification = { ...graphNotification, clientState: graph.secret };
    const batch = JSON.stringify({
      value: [notification, { ...notification, id: 'second', changeType: 'updated' }],
    });
    const accepted = await post(urlOf('microsoft-365', graph), { 'content-type': 'application/json' }, batch);
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    signalIds.push(...(accepted.body['signals'] as string[]));
    // Authentic but nested too deep: kept as a dead letter, clientState cut out of the kept bytes.
    const deep = JSON.stringify({ value: [{ ...notification, nested: [[[[[[]]]]]] }] }).replace(
      '[[[[[[]]]]]]',
      `${'['.repeat(300)}${']'.repeat(300)}`,
    );
    const deepLetter = await post(
      urlOf('microsoft-365', graph),
      { 'content-type': 'application/json' },
      deep,
    );
    expect(deepLetter.body).toMatchObject({ status: 400, reason: 'payload_too_deep' });

    const channel = { ...googleHeaders, 'X-Goog-Channel-Token': google.secret };
    const change = await post(urlOf('google-calendar', google), channel, '');
    expect(change.body).toMatchObject({ status: 'accepted' });
    signalIds.push(...(change.body['signals'] as string[]));
    const garbled = await post(
      urlOf('google-calendar', google),
      { ...channel, 'X-Goog-Message-Number': '11' },
      'not json',
    );
    expect(garbled.body).toMatchObject({ status: 400, reason: 'malformed_payload' });

    const envelope = JSON.parse(
      readFileSync(new URL('../connectors/slack/fixtures/reaction-added.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const slackBody = JSON.stringify({ ...envelope, token: slackToken });
    const reacted = await post(urlOf('slack', slack), slackHeaders(slack.secret, slackBody), slackBody);
    expect(reacted.body).toMatchObject({ status: 'accepted' });
    signalIds.push(...(reacted.body['signals'] as string[]));
    await settled(hub);
    // One signal per delivery (Graph's batch is one provider_event).
    expect(signalIds).toHaveLength(3);
  });

  it('holds none of them in the log', async () => {
    const rows = await hub.runtime.readModels.prisma.$queryRawUnsafe<Array<{ text: string }>>(
      'SELECT data::text || metadata::text AS text FROM sb_events',
    );
    expect(rows.length).toBeGreaterThan(8);
    for (const row of rows) expectNoSecretIn('sb_events', row.text);
    // Dead letters keep bytes, base64: decoded, they hold no secret either.
    for (const row of rows) {
      const kept = /"bodyBase64":"([^"]*)"/.exec(row.text)?.[1];
      if (kept) expectNoSecretIn('a kept body', Buffer.from(kept, 'base64').toString('utf8'));
    }
  });

  it('holds none of them in any read model', async () => {
    const tables = await hub.runtime.readModels.prisma.$queryRawUnsafe<Array<{ name: string }>>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((table) => table.name)).toContain('signals');
    for (const { name } of tables) {
      const rows = await hub.runtime.readModels.prisma.$queryRawUnsafe<Array<{ text: string }>>(
        `SELECT t::text AS text FROM "${name}" t`,
      );
      for (const row of rows) expectNoSecretIn(name, row.text);
    }
  });

  it('answers none of them through the API', async () => {
    const asTenant = asOperator(TENANT);
    const answers: unknown[] = [];
    answers.push(await hub.request(SignalsDocument, { first: 100, includePayload: true }, asTenant));
    for (const id of signalIds) {
      const one = await hub.request(SignalDocument, { id }, asTenant);
      expect(one.data?.signal).toMatchObject({ id });
      answers.push(one);
    }
    answers.push(await hub.request(AuditLogDocument, { first: 100 }, asTenant));
    const letters = await hub.request(WebhookDeadLettersDocument, { first: 10 }, asTenant);
    expect(letters.data!.webhookDeadLetters.edges).toHaveLength(2);
    for (const edge of letters.data!.webhookDeadLetters.edges) {
      const letter = await hub.request(WebhookDeadLetterDocument, { id: edge.node.id }, asTenant);
      const delivery = letter.data!.webhookDeadLetter!.delivery!;
      expect(Object.keys(delivery.headers as Record<string, string>)).not.toContain('x-goog-channel-token');
      answers.push(letter, Buffer.from(delivery.bodyBase64!, 'base64').toString('utf8'));
    }
    const graphPayload = answers
      .map((answer) => JSON.stringify(answer))
      .find((text) => text.includes('lsgTZMr9KwAAA'));
    expect(graphPayload).toContain('"subscriptionId":"{subscription_guid}"');
    const slackPayload = answers
      .map((answer) => JSON.stringify(answer))
      .find((text) => text.includes('reaction_added'));
    expect(slackPayload).toContain('"team_id"');
    expect(slackPayload).not.toContain('"token"');
    expectNoSecretIn('API answers', JSON.stringify(answers));
  });

  it('logs none of them', () => {
    expect(logs.length).toBeGreaterThan(0);
    expectNoSecretIn('logs', logs.join(''));
  });
});
