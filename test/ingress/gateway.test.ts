import { describe, expect, it } from 'vitest';
import type { VerifyRequest } from '../../src/ingress/verify/types.js';
import { fakeSealed, gatewayHarness } from './gateway-harness.js';
import { googleHeaders, graphNotification } from './provider-shapes.js';
import { deliveryRequest } from './request.js';
import { githubHeaders, slackHeaders } from './sign.js';

const receive = (
  harness: ReturnType<typeof gatewayHarness>,
  provider: string,
  connectionId: string | null,
  request: VerifyRequest,
) => harness.gateway.receive({ provider, connectionId, request, requestId: 'req-1' });
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('webhook gateway (in memory)', () => {
  it("passes GitHub's documented signature vector (then refuses the non-JSON body as a dead letter)", async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('c1', {
      tenantId: 'acme',
      connectionId: 'c1',
      provider: 'github',
      secret: fakeSealed("It's a Secret to Everybody"),
    });
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const documented = deliveryRequest({
      headers: {
        'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        'X-GitHub-Event': 'ping',
      },
      body: 'Hello, World!',
    });
    const response = await receive(harness, 'github', 'c1', documented);
    expect(response.status).toBe(400);
    expect(harness.appended.map((entry) => entry.stream)).toEqual(['deadletters-acme.c1']);
  });

  it('answers every forgery 401 but records at most the budget per connection per minute', async () => {
    let now = new Date('2026-06-01T10:00:00Z');
    const harness = gatewayHarness({ now: () => now, rejectionsPerMinute: 3 });
    harness.connections.set('c1', {
      tenantId: 'acme',
      connectionId: 'c1',
      provider: 'github',
      secret: fakeSealed('right'),
    });
    harness.connections.set('c2', {
      tenantId: 'acme',
      connectionId: 'c2',
      provider: 'github',
      secret: fakeSealed('right'),
    });
    const forgery = (connectionId: string, n: number) => {
      const body = JSON.stringify({ n });
      return receive(
        harness,
        'github',
        connectionId,
        deliveryRequest({ headers: githubHeaders('wrong', 'issues', body), body }),
      );
    };
    const rejected = () =>
      harness.appended.filter((entry) => entry.stream.startsWith('webhooks-')).map((entry) => entry.stream);
    const statuses = [];
    for (let n = 0; n < 5; n++) statuses.push((await forgery('c1', n)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(rejected()).toEqual(['webhooks-acme.c1', 'webhooks-acme.c1', 'webhooks-acme.c1']);
    // Another connection has a budget of its own; the next minute starts afresh.
    await forgery('c2', 0);
    now = new Date('2026-06-01T10:01:00Z');
    await forgery('c1', 99);
    expect(rejected()).toEqual([
      ...Array(3).fill('webhooks-acme.c1'),
      'webhooks-acme.c2',
      'webhooks-acme.c1',
    ]);
  });

  it("passes Slack's documented vector at its own time, and refuses it five minutes and a second later", async () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const request = deliveryRequest({
      headers: {
        'X-Slack-Request-Timestamp': '1531420618',
        'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      },
      body,
    });
    let now = new Date(1531420618_000 + 10_000);
    const harness = gatewayHarness({ now: () => now });
    harness.connections.set('s1', {
      tenantId: 'acme',
      connectionId: 's1',
      provider: 'slack',
      secret: fakeSealed(secret),
    });
    // Authentic (a slash command, not an Events API delivery): kept as a dead letter, not refused.
    expect((await receive(harness, 'slack', 's1', request)).status).toBe(400);
    now = new Date(1531420618_000 + 301_000);
    const stale = await receive(harness, 'slack', 's1', request);
    expect(stale.status).toBe(401);
    expect(json(stale.body)).toMatchObject({ reason: 'stale_timestamp' });
    expect(harness.appended.at(-1)).toMatchObject({
      stream: 'webhooks-acme.s1',
      events: [{ type: 'WebhookRejected', data: { reason: 'stale_timestamp' } }],
    });
  });

  it('answers Slack url_verification on the app-level route once the app secret verifies it', async () => {
    const harness = gatewayHarness({ now: () => new Date(), appSecrets: { slack: 'app-signing-secret' } });
    // https://docs.slack.dev/reference/events/url_verification
    const body = JSON.stringify({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const signed = deliveryRequest({ headers: slackHeaders('app-signing-secret', body), body });
    expect(await receive(harness, 'slack', null, signed)).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
    const forged = deliveryRequest({ headers: slackHeaders('someone-else', body), body });
    expect((await receive(harness, 'slack', null, forged)).status).toBe(401);
    expect(harness.appended).toEqual([]);
  });

  it('routes Graph notifications by subscription and verifies their clientState per connection', async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('g1', {
      tenantId: 'acme',
      connectionId: 'g1',
      provider: 'microsoft-365',
      routingId: '{subscription_guid}',
      secret: fakeSealed('secretClientValue'),
    });
    const validation = deliveryRequest({
      url: 'https://sb.example/webhooks/microsoft-365?validationToken=abc%20def',
    });
    expect(await receive(harness, 'microsoft-365', null, validation)).toMatchObject({
      status: 200,
      body: 'abc def',
    });
    const body = JSON.stringify({ value: [graphNotification] });
    const accepted = await receive(harness, 'microsoft-365', null, deliveryRequest({ body }));
    expect(json(accepted.body)).toMatchObject({ status: 'accepted' });
    expect(harness.appended[0]).toMatchObject({
      stream: 'signals-acme.g1',
      events: [{ type: 'SignalRecorded', data: { signal: { kind: 'provider_event', connectionId: 'g1' } } }],
    });
    // Graph sends no delivery id: the same body again is the same delivery.
    expect(
      json((await receive(harness, 'microsoft-365', null, deliveryRequest({ body }))).body),
    ).toMatchObject({
      status: 'duplicate',
    });
    const wrong = JSON.stringify({ value: [{ ...graphNotification, clientState: 'guess' }] });
    expect((await receive(harness, 'microsoft-365', null, deliveryRequest({ body: wrong }))).status).toBe(
      401,
    );
  });

  it('routes Google channel messages by channel header; sync is answered, changes become signals', async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('cal1', {
      tenantId: 'acme',
      connectionId: 'cal1',
      provider: 'google-calendar',
      routingId: '4ba78bf0-6a47-11e2-bcfd-0800200c9a66',
      secret: fakeSealed('398348u3tu83ut8uu38'),
    });
    const sync = deliveryRequest({
      headers: { ...googleHeaders, 'X-Goog-Resource-State': 'sync', 'X-Goog-Message-Number': '1' },
    });
    expect(await receive(harness, 'google-calendar', null, sync)).toMatchObject({ status: 200, body: '' });
    const change = await receive(
      harness,
      'google-calendar',
      null,
      deliveryRequest({ headers: googleHeaders }),
    );
    expect(json(change.body)).toMatchObject({ status: 'accepted' });
    expect(harness.appended).toHaveLength(1);
    expect(await harness.open(harness.appended[0]!.events[0]!)).toMatchObject({
      delivery: { id: '4ba78bf0-6a47-11e2-bcfd-0800200c9a66/10' },
      signal: { kind: 'provider_event', payload: null },
    });
  });

  it('picks up a rotated secret at once, and answers 503 (nothing remembered) when the append fails', async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('c1', {
      tenantId: 'acme',
      connectionId: 'c1',
      provider: 'github',
      secret: fakeSealed('old'),
    });
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(
      (
        await receive(
          harness,
          'github',
          'c1',
          deliveryRequest({ headers: githubHeaders('old', 'ping', body), body }),
        )
      ).status,
    ).toBe(200);
    harness.connections.set('c1', {
      tenantId: 'acme',
      connectionId: 'c1',
      provider: 'github',
      secret: fakeSealed('new'),
    });
    const next = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
    const signedNew = deliveryRequest({ headers: githubHeaders('new', 'ping', next), body: next });
    harness.failAppends = true;
    expect(await receive(harness, 'github', 'c1', signedNew)).toMatchObject({ status: 503 });
    harness.failAppends = false;
    // The failed attempt left no replay marker: the provider's retry is recorded.
    expect(json((await receive(harness, 'github', 'c1', signedNew)).body)).toMatchObject({
      status: 'accepted',
    });
    expect(harness.appended).toHaveLength(2);
  });
});
