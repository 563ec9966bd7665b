import { describe, expect, it } from 'vitest';
import type { VerifyRequest } from '../../src/ingress/verify/types.js';
import { intuitHeaders, notificationsFor } from '../connectors/quickbooks/notifications.js';
import { fakeSealed, gatewayHarness } from './gateway-harness.js';
import { graphNotification } from './provider-shapes.js';
import { deliveryRequest } from './request.js';

const VERIFIER = 'intuit-verifier-token';
const receive = (harness: ReturnType<typeof gatewayHarness>, provider: string, request: VerifyRequest) =>
  harness.gateway.receive({ provider, connectionId: null, request, requestId: 'req-1' });
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
/** What each stream received: the realms (or subscriptions) in the payloads of its events. */
const payloadOf = (harness: ReturnType<typeof gatewayHarness>, stream: string) =>
  Promise.all(
    harness.appended
      .filter((entry) => entry.stream === stream)
      .flatMap((entry) => entry.events)
      .map(async (event) => {
        const data = (await harness.open(event)) as { signal?: { payload: unknown }; bodyBase64?: string };
        return data.signal
          ? data.signal.payload
          : JSON.parse(Buffer.from(data.bodyBase64 ?? '', 'base64').toString('utf8'));
      }),
  );

describe('app-level batches covering several accounts (in memory)', () => {
  it('gives each QuickBooks realm its own part, dead-letters the unbound one, and answers for the batch', async () => {
    const harness = gatewayHarness({ now: () => new Date(), appSecrets: { quickbooks: VERIFIER } });
    harness.connections.set('qa', {
      tenantId: 'acme',
      connectionId: 'qa',
      provider: 'quickbooks',
      routingId: '1185883450',
      secret: null,
    });
    harness.connections.set('qb', {
      tenantId: 'globex',
      connectionId: 'qb',
      provider: 'quickbooks',
      routingId: '4620816365',
      secret: null,
    });
    const body = notificationsFor(
      { realmId: '1185883450', entityId: 'acme-1' },
      { realmId: '4620816365', entityId: 'globex-1' },
      { realmId: '9999999999', entityId: 'nobody-1' },
    );
    const response = await receive(
      harness,
      'quickbooks',
      deliveryRequest({ headers: intuitHeaders(VERIFIER, body), body }),
    );
    expect(response.status).toBe(200);
    const answer = json(response.body);
    expect(answer).toMatchObject({
      status: 'accepted',
      parts: [
        { account: '1185883450', status: 'accepted' },
        { account: '4620816365', status: 'accepted' },
        { account: '9999999999', status: 'dead_lettered' },
      ],
    });
    expect(answer['signals']).toHaveLength(2);
    expect(answer['deadLetters']).toHaveLength(1);
    const realms = (payloads: unknown[]) =>
      payloads.map((p) =>
        (p as { eventNotifications: Array<{ realmId: string }> }).eventNotifications.map((n) => n.realmId),
      );
    expect(realms(await payloadOf(harness, 'signals-acme.qa'))).toEqual([['1185883450']]);
    expect(realms(await payloadOf(harness, 'signals-globex.qb'))).toEqual([['4620816365']]);
    expect(realms(await payloadOf(harness, 'deadletters-_global.unrouted:quickbooks'))).toEqual([
      ['9999999999'],
    ]);

    // Intuit resends the batch: nothing new for either tenant, the same dead letter id.
    const again = json(
      (
        await receive(
          harness,
          'quickbooks',
          deliveryRequest({ headers: intuitHeaders(VERIFIER, body), body }),
        )
      ).body,
    );
    expect(again).toMatchObject({
      status: 'duplicate',
      signals: answer['signals'],
      deadLetters: answer['deadLetters'],
    });
    expect(await payloadOf(harness, 'signals-acme.qa')).toHaveLength(1);

    // Signed by someone else: refused before anything is split or recorded.
    const forged = await receive(
      harness,
      'quickbooks',
      deliveryRequest({ headers: intuitHeaders('guess', body), body }),
    );
    expect(forged.status).toBe(401);
  });

  it('verifies each Graph part with its own connection, records none of an unknown subscription', async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('g1', {
      tenantId: 'acme',
      connectionId: 'g1',
      provider: 'microsoft-365',
      routingId: 'sub-acme',
      secret: fakeSealed('state-acme'),
    });
    harness.connections.set('g2', {
      tenantId: 'globex',
      connectionId: 'g2',
      provider: 'microsoft-365',
      routingId: 'sub-globex',
      secret: fakeSealed('state-globex'),
    });
    const notification = (subscriptionId: string, clientState: string, id: string) => ({
      ...graphNotification,
      id,
      subscriptionId,
      clientState,
    });
    const body = JSON.stringify({
      value: [
        notification('sub-acme', 'state-acme', 'n1'),
        notification('sub-globex', 'state-globex', 'n2'),
        notification('sub-unknown', 'whatever', 'n3'),
        notification('sub-acme', 'state-acme', 'n4'),
      ],
    });
    const response = await receive(harness, 'microsoft-365', deliveryRequest({ body }));
    expect(response.status).toBe(200);
    expect(json(response.body)).toMatchObject({
      status: 'accepted',
      parts: [
        { account: 'sub-acme', status: 'accepted' },
        { account: 'sub-globex', status: 'accepted' },
        { account: 'sub-unknown', status: 'unrouted' },
      ],
    });
    const ids = async (stream: string) =>
      (await payloadOf(harness, stream)).map((p) =>
        (p as { value: Array<{ id: string }> }).value.map((n) => n.id),
      );
    expect(await ids('signals-acme.g1')).toEqual([['n1', 'n4']]);
    expect(await ids('signals-globex.g2')).toEqual([['n2']]);
    // Nothing vouches for the unknown subscription's part: it is not kept anywhere.
    expect(harness.appended.map((entry) => entry.stream).sort()).toEqual([
      'signals-acme.g1',
      'signals-globex.g2',
    ]);

    // A part whose clientState is wrong is refused (on its connection's record) and decides the answer.
    const forged = JSON.stringify({
      value: [notification('sub-acme', 'state-acme', 'n5'), notification('sub-globex', 'guess', 'n6')],
    });
    const refused = await receive(harness, 'microsoft-365', deliveryRequest({ body: forged }));
    expect(refused.status).toBe(401);
    expect(harness.appended.at(-1)).toMatchObject({
      stream: 'webhooks-globex.g2',
      events: [{ type: 'WebhookRejected', data: { reason: 'bad_token' } }],
    });
  });
});
