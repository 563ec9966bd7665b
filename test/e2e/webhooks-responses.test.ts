import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { ConnectionInstalled, connectionStream } from '../../src/events/connection.js';
import { ProviderAccountBound, providerAccountStream } from '../../src/events/provider-account.js';
import { signalsStream } from '../../src/events/signal.js';
import { deadLettersStream } from '../../src/events/webhook.js';
import {
  RegisterTenantDocument,
  SignalDocument,
  SignalsDocument,
  WebhookDeadLetterDocument,
  WebhookDeadLettersDocument,
} from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders, slackHeaders } from '../ingress/sign.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { openedData } from '../support/open-events.js';
import { describeWithPostgres } from '../support/services.js';
import { post, settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

const APP_SECRET = 'github-app-webhook-secret-for-tests';
const example = (eventName: string, action?: string) =>
  githubExamples().find(
    (candidate) =>
      candidate.source === 'api.github.com' &&
      candidate.eventName === eventName &&
      (action === undefined || candidate.payload['action'] === action),
  )!;

describeWithPostgres('webhook responses, replays and tenancy (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;
  let github: WebhookConnection;
  let slack: WebhookConnection;
  let otherGithub: WebhookConnection;

  const githubUrl = () => `${hub.url}/webhooks/github/${github.connectionId}`;
  const streamOf = async (stream: string) => {
    const events = [];
    for await (const event of hub.runtime.eventStore.readStream(stream)) events.push(event);
    return events;
  };

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['wh-a'] });
    hub = await startTestHub({
      env: {
        SWITCHBOARD_OIDC_ISSUER: idp.issuer,
        SWITCHBOARD_OIDC_AUDIENCE: idp.audience,
        SWITCHBOARD_WEBHOOK_SECRETS: `github=${APP_SECRET}`,
      },
    });
    for (const id of ['wh-a', 'wh-b'])
      await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
    github = await webhookConnection(hub, 'wh-a', 'github');
    slack = await webhookConnection(hub, 'wh-a', 'slack');
    otherGithub = await webhookConnection(hub, 'wh-b', 'github');
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('acknowledges a redelivery again without a second signal, however it comes back', async () => {
    const body = JSON.stringify(example('issues', 'opened').payload);
    const first = await post(
      githubUrl(),
      githubHeaders(github.secret, 'issues', body, 'redelivered-1'),
      body,
    );
    expect(first.body).toMatchObject({ status: 'accepted', signals: [expect.any(String)] });
    const again = await post(
      githubUrl(),
      githubHeaders(github.secret, 'issues', body, 'redelivered-1'),
      body,
    );
    expect(again).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    // GitHub does not sign X-GitHub-Delivery: a captured body under a fresh id is the same delivery.
    const renamed = await post(githubUrl(), githubHeaders(github.secret, 'issues', body, randomUUID()), body);
    expect(renamed).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    // GitHub's own redelivery, later: the deterministic event ids make it the same delivery.
    const late = await post(githubUrl(), githubHeaders(github.secret, 'issues', body, 'redelivered-1'), body);
    expect(late).toMatchObject({
      status: 200,
      body: { status: 'duplicate', signals: first.body['signals'] },
    });
    await settled(hub);
    expect(await streamOf(signalsStream('wh-a', github.connectionId))).toHaveLength(1);
  });

  it('acknowledges a Slack retry (new timestamp, same event_id) without a second signal', async () => {
    const { readFileSync } = await import('node:fs');
    const body = readFileSync(
      new URL('../connectors/slack/fixtures/reaction-added.json', import.meta.url),
      'utf8',
    );
    const url = `${hub.url}/webhooks/slack/${slack.connectionId}`;
    const first = await post(url, slackHeaders(slack.secret, body), body);
    expect(first.body).toMatchObject({ status: 'accepted' });
    const retry = await post(
      url,
      { ...slackHeaders(slack.secret, body, new Date(Date.now() + 61_000)), 'x-slack-retry-num': '1' },
      body,
    );
    expect(retry.body).toMatchObject({ status: 'duplicate' });
    const stale = await post(url, slackHeaders(slack.secret, body, new Date(Date.now() - 6 * 60_000)), body);
    expect(stale).toMatchObject({ status: 401, body: { reason: 'stale_timestamp' } });
  });

  it('answers 404 for an unknown provider or connection, or a connection of another provider', async () => {
    const body = '{}';
    const headers = githubHeaders(github.secret, 'ping', body);
    expect((await post(`${hub.url}/webhooks/nope/${github.connectionId}`, headers, body)).body).toMatchObject(
      {
        status: 404,
        code: 'PROVIDER_NOT_SUPPORTED',
      },
    );
    expect((await post(`${hub.url}/webhooks/github/conn_unknown`, headers, body)).body).toMatchObject({
      status: 404,
      code: 'CONNECTION_NOT_FOUND',
    });
    expect((await post(`${hub.url}/webhooks/slack/${github.connectionId}`, headers, body)).status).toBe(404);
  });

  it('answers 413 for a body over 1 MiB, before reading it as a delivery', async () => {
    const body = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
    const response = await post(githubUrl(), githubHeaders(github.secret, 'issues', body), body);
    expect(response.status).toBe(413);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
  });

  it('keeps a signed but malformed delivery as a dead letter and answers 400', async () => {
    const body = 'this is not JSON';
    const response = await post(githubUrl(), githubHeaders(github.secret, 'issues', body, 'broken-1'), body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'WEBHOOK_PAYLOAD_INVALID', reason: 'malformed_payload' });
    const noType = JSON.stringify(example('issues', 'edited').payload);
    const headers = githubHeaders(github.secret, 'issues', noType, 'broken-2');
    delete headers['x-github-event'];
    expect((await post(githubUrl(), headers, noType)).body).toMatchObject({ reason: 'missing_event_type' });
    const letters = await streamOf(deadLettersStream('wh-a', github.connectionId));
    expect(letters.map((letter) => letter.type)).toEqual(['WebhookDeadLettered', 'WebhookDeadLettered']);
    // In the log, detail, headers and body are sealed: nothing of the delivery reads in the clear.
    expect(JSON.stringify(letters[0]!.data)).not.toContain(Buffer.from(body).toString('base64'));
    const data = (await openedData(hub.runtime.vault, letters[0]!)) as {
      bodyBase64: string;
      deliveryId: string;
      headers: Record<string, string>;
    };
    expect(letters[0]!.id).toBe(response.body['deadLetterId']);
    expect(Buffer.from(data.bodyBase64, 'base64').toString('utf8')).toBe(body);
    expect(data).toMatchObject({ deliveryId: 'broken-1', headers: { 'x-github-event': 'issues' } });
  });

  it('lists dead letters newest first and serves one with its headers and raw body, to its own tenant only', async () => {
    await settled(hub);
    const list = await hub.request(
      WebhookDeadLettersDocument,
      { connectionId: github.connectionId, first: 1 },
      asOperator('wh-a'),
    );
    const [newest] = list.data!.webhookDeadLetters.edges;
    expect(newest?.node).toMatchObject({
      provider: 'github',
      connectionId: github.connectionId,
      reason: 'missing_event_type',
      deliveryId: 'broken-2',
    });
    expect(list.data!.webhookDeadLetters.pageInfo.hasNextPage).toBe(true);
    const next = await hub.request(
      WebhookDeadLettersDocument,
      {
        connectionId: github.connectionId,
        first: 5,
        after: list.data!.webhookDeadLetters.pageInfo.endCursor,
      },
      asOperator('wh-a'),
    );
    const older = next.data!.webhookDeadLetters.edges.map((edge) => edge.node);
    expect(older.map((letter) => [letter.reason, letter.deliveryId, letter.bodyBytes])).toEqual([
      ['malformed_payload', 'broken-1', Buffer.byteLength('this is not JSON')],
    ]);
    const one = await hub.request(WebhookDeadLetterDocument, { id: older[0]!.id }, asOperator('wh-a'));
    expect(one.data!.webhookDeadLetter?.delivery).toMatchObject({
      body: 'this is not JSON',
      bodyBase64: Buffer.from('this is not JSON').toString('base64'),
      headers: { 'x-github-event': 'issues', 'x-github-delivery': 'broken-1' },
    });
    // Another tenant sees neither the list nor the one.
    const theirs = await hub.request(WebhookDeadLettersDocument, { first: 10 }, asOperator('wh-b'));
    expect(theirs.data!.webhookDeadLetters.edges).toEqual([]);
    const stolen = await hub.request(WebhookDeadLetterDocument, { id: older[0]!.id }, asOperator('wh-b'));
    expect(stolen.data!.webhookDeadLetter).toBeNull();
    const badCursor = await hub.request(
      WebhookDeadLettersDocument,
      { after: 'nonsense' },
      asOperator('wh-a'),
    );
    expect(codes(badCursor)).toEqual(['BAD_USER_INPUT']);
  });

  it('routes app-level deliveries by the installation bound to a connection, verified with the app secret', async () => {
    const payload = example('check_suite', 'requested').payload as { installation: { id: number } };
    const connectionId = `conn_app_${randomUUID().slice(0, 8)}`;
    const installed = eventCatalog.create(
      ConnectionInstalled,
      {
        connectionId,
        tenantId: 'wh-a',
        provider: 'github',
        authMode: 'oauth2',
        integration: 'global',
        account: { id: String(payload.installation.id), name: 'octo-org' },
        values: {},
        scopes: [],
        installedAt: new Date().toISOString(),
      },
      { tenantId: 'wh-a', correlationId: 'c-1', causationId: null, actor: 'system:test' },
    );
    await hub.runtime.eventStore.append(connectionStream('wh-a', connectionId), [installed], 'no_stream');
    await settled(hub);
    const body = JSON.stringify(payload);
    // Claiming the installation is not enough: only a binding routes an account's deliveries.
    const unbound = await post(
      `${hub.url}/webhooks/github`,
      githubHeaders(APP_SECRET, 'check_suite', body),
      body,
    );
    expect(unbound).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
    const installation = String(payload.installation.id);
    const bound = eventCatalog.create(
      ProviderAccountBound,
      {
        provider: 'github',
        accountId: installation,
        tenantId: 'wh-a',
        connectionId,
        proof: 'token_response',
        previousConnectionId: null,
        boundAt: new Date().toISOString(),
      },
      { tenantId: 'wh-a', correlationId: 'c-1', causationId: null, actor: 'system:test' },
    );
    await hub.runtime.eventStore.append(providerAccountStream('github', installation), [bound], 'no_stream');
    await settled(hub);
    const response = await post(
      `${hub.url}/webhooks/github`,
      githubHeaders(APP_SECRET, 'check_suite', body),
      body,
    );
    expect(response.body).toMatchObject({ status: 'accepted' });
    await settled(hub);
    const signal = await hub.request(
      SignalDocument,
      { id: String((response.body['signals'] as string[])[0]) },
      asOperator('wh-a'),
    );
    expect(signal.data!.signal).toMatchObject({
      connectionId,
      kind: 'provider_event',
      eventType: 'check_suite',
    });
    const forged = await post(
      `${hub.url}/webhooks/github`,
      githubHeaders(github.secret, 'check_suite', body),
      body,
    );
    expect(forged).toMatchObject({ status: 401 });
    const stranger = JSON.stringify({ ...payload, installation: { id: 424242 } });
    const unknown = await post(
      `${hub.url}/webhooks/github`,
      githubHeaders(APP_SECRET, 'check_suite', stranger),
      stranger,
    );
    expect(unknown).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
  });

  it("filters and pages a tenant's signals, newest first, payload only when asked", async () => {
    for (const [eventName, action] of [
      ['issues', 'labeled'],
      ['issues', 'reopened'],
      ['release', 'published'],
    ] as const) {
      const body = JSON.stringify(example(eventName, action).payload);
      await post(githubUrl(), githubHeaders(github.secret, eventName, body), body);
    }
    await settled(hub);
    const all = await hub.request(
      SignalsDocument,
      { filter: { connectionId: github.connectionId } },
      asOperator('wh-a'),
    );
    const nodes = all.data!.signals.edges.map((edge) => edge.node);
    const times = nodes.map((node) => node.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(nodes.every((node) => node.payload === null)).toBe(true);
    const page1 = await hub.request(
      SignalsDocument,
      { filter: { connectionId: github.connectionId }, first: 2, includePayload: true },
      asOperator('wh-a'),
    );
    expect(page1.data!.signals.edges).toHaveLength(2);
    expect(page1.data!.signals.edges[0]!.node.payload).toMatchObject({ action: expect.any(String) });
    const page2 = await hub.request(
      SignalsDocument,
      {
        filter: { connectionId: github.connectionId },
        first: 2,
        after: page1.data!.signals.pageInfo.endCursor,
      },
      asOperator('wh-a'),
    );
    expect([...page1.data!.signals.edges, ...page2.data!.signals.edges].map((edge) => edge.node.id)).toEqual(
      nodes.slice(0, 4).map((node) => node.id),
    );
    const released = await hub.request(
      SignalsDocument,
      { filter: { kind: 'release_published' } },
      asOperator('wh-a'),
    );
    expect(released.data!.signals.edges.map((edge) => edge.node.kind)).toEqual(['release_published']);
    const before = await hub.request(
      SignalsDocument,
      { filter: { connectionId: github.connectionId, occurredBefore: times.at(-1) } },
      asOperator('wh-a'),
    );
    expect(before.data!.signals.edges).toHaveLength(0);
    const badKind = await hub.request(SignalsDocument, { filter: { kind: 'nope' } }, asOperator('wh-a'));
    expect(codes(badKind)).toEqual(['BAD_USER_INPUT']);
  });

  it("never shows tenant A's signals to tenant B", async () => {
    const body = JSON.stringify(example('push').payload);
    const accepted = await post(githubUrl(), githubHeaders(github.secret, 'push', body), body);
    const id = (accepted.body['signals'] as string[])[0]!;
    await settled(hub);
    const asB = await hub.request(SignalsDocument, { first: 100 }, asOperator('wh-b'));
    expect(asB.data!.signals.edges.map((edge) => edge.node.connectionId)).not.toContain(github.connectionId);
    expect((await hub.request(SignalDocument, { id }, asOperator('wh-b'))).data!.signal).toBeNull();
    expect((await hub.request(SignalDocument, { id }, asOperator('wh-a'))).data!.signal).toMatchObject({
      id,
    });
    // A's secret does not open B's connection either.
    const crossed = await post(
      `${hub.url}/webhooks/github/${otherGithub.connectionId}`,
      githubHeaders(github.secret, 'push', body),
      body,
    );
    expect(crossed.status).toBe(401);
    const reader = await idp.tokenFor({ scopes: ['signals:read'], tenantId: 'wh-a' });
    expect((await hub.request(SignalDocument, { id }, bearer(reader, 'wh-a'))).data!.signal).toMatchObject({
      id,
    });
    expect(codes(await hub.request(SignalsDocument, {}, bearer(reader, 'wh-b')))).toEqual(['FORBIDDEN']);
    const auditor = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'wh-a' });
    expect(codes(await hub.request(SignalsDocument, {}, bearer(auditor, 'wh-a')))).toEqual(['FORBIDDEN']);
  });
});
