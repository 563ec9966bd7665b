import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boundedKeyValueStore } from '../../src/ingress/delivery/bounded-kv.js';
import type { VerifyRequest } from '../../src/ingress/verify/types.js';
import type { KeyValueStore } from '../../src/platform/kv.js';
import { MemoryKeyValueStore } from '../../src/platform/memory/kv-memory.js';
import { DependencyError } from '../../src/shared/errors.js';
import { githubIssueOpened } from '../connectors/github/examples.js';
import { fakeSealed, gatewayHarness, type Harness } from './gateway-harness.js';
import { graphNotification } from './provider-shapes.js';
import { deliveryRequest } from './request.js';
import { githubHeaders } from './sign.js';

const NUL = '\u0000';
const SECRET = 'github-connection-secret';

const receive = (harness: Harness, provider: string, connectionId: string | null, request: VerifyRequest) =>
  harness.gateway.receive({ provider, connectionId, request, requestId: 'req-1' });
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

const ISSUE_OPENED = githubIssueOpened();
const issuesOpened = () => structuredClone(ISSUE_OPENED) as Record<string, Record<string, unknown>>;

/** A GitHub delivery to connection c1, signed with its secret. */
const signed = (body: string | Buffer, deliveryId: string = randomUUID(), eventName = 'issues') =>
  deliveryRequest({ headers: githubHeaders(SECRET, eventName, body, deliveryId), body });

function withGithub(options: Parameters<typeof gatewayHarness>[0] = { now: () => new Date() }): Harness {
  const harness = gatewayHarness(options);
  harness.connections.set('c1', {
    tenantId: 'acme',
    connectionId: 'c1',
    provider: 'github',
    secret: fakeSealed(SECRET),
  });
  return harness;
}

/** A kv store whose every call fails as ioredis does when Redis is down. */
const downKv = (): KeyValueStore => {
  const fail = async (): Promise<never> => {
    throw new DependencyError('Redis GET failed: connect ECONNREFUSED 127.0.0.1:1');
  };
  return { get: fail, set: fail, setIfAbsent: fail, take: fail, delete: fail, increment: fail };
};

/** A kv store that never answers, as a partitioned Redis without a command timeout. */
const silentKv = (): KeyValueStore => {
  const hang = () => new Promise<never>(() => {});
  return { get: hang, set: hang, setIfAbsent: hang, take: hang, delete: hang, increment: hang };
};

describe('webhook gateway against hostile input and a missing Redis (in memory)', () => {
  it('answers 404 for a provider or connection id no one can have, before looking anything up', async () => {
    const harness = withGithub();
    const request = signed('{}');
    for (const provider of [`github${NUL}`, 'git%00hub', '../github', 'GitHub', 'x'.repeat(200)]) {
      const response = await receive(harness, provider, 'c1', request);
      expect(response.status, provider).toBe(404);
      expect(json(response.body)).toMatchObject({ code: 'PROVIDER_NOT_SUPPORTED' });
      expect(response.body).not.toContain(NUL);
    }
    for (const connectionId of [`c1${NUL}`, `${NUL}`, 'c1\uD800', 'c1/../c2', 'c1.x', 'c'.repeat(500), '']) {
      const response = await receive(harness, 'github', connectionId, request);
      expect(response.status, JSON.stringify(connectionId)).toBe(404);
      expect(json(response.body)).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    }
    expect(harness.lookups).toBe(0);
    expect(harness.appended).toEqual([]);
  });

  it('answers 404 for an app-level routing id no one can have (Graph routes before verifying)', async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    for (const subscriptionId of [NUL, 'sub\uDC00', 's'.repeat(300)]) {
      const body = JSON.stringify({ value: [{ ...graphNotification, subscriptionId }] });
      const response = await receive(harness, 'microsoft-365', null, deliveryRequest({ body }));
      expect(response.status).toBe(404);
      expect(json(response.body)).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    }
    expect(harness.lookups).toBe(0);
  });

  it('records NUL and lone surrogates in normalized fields as U+FFFD, and the payload exactly as sent', async () => {
    const harness = withGithub();
    const payload = issuesOpened();
    payload['issue']!['title'] = `evil${NUL}title\uD800`;
    payload['sender']!['login'] = `bad${NUL}login`;
    const response = await receive(harness, 'github', 'c1', signed(JSON.stringify(payload)));
    expect(json(response.body)).toMatchObject({ status: 'accepted' });
    const data = (await harness.open(harness.appended[0]!.events[0]!)) as {
      signal: {
        actor: { name: string };
        subject: { title: string };
        summary: string;
        payload: typeof payload;
      };
    };
    expect(data.signal.subject.title).toBe('evil\uFFFDtitle\uFFFD');
    expect(data.signal.actor.name).toBe('bad\uFFFDlogin');
    expect(data.signal.summary).toContain('evil\uFFFDtitle\uFFFD');
    const normalized = JSON.stringify({ ...data.signal, payload: null });
    expect(normalized).not.toMatch(/\\u0000|\\ud800/i);
    expect(data.signal.payload.issue!['title']).toBe(`evil${NUL}title\uD800`);
  });

  it('keeps the bytes of a body that is not UTF-8, and still makes the signal', async () => {
    const harness = withGithub();
    const payload = issuesOpened();
    payload['issue']!['title'] = 'TITLE-MARK';
    const text = JSON.stringify(payload);
    const at = text.indexOf('TITLE-MARK');
    // Latin-1 "café" inside the title: 0xE9 is not UTF-8 on its own.
    const raw = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from(text.slice(at + 'TITLE-MARK'.length)),
    ]);
    const response = await receive(harness, 'github', 'c1', signed(raw));
    expect(json(response.body)).toMatchObject({ status: 'accepted' });
    const data = (await harness.open(harness.appended[0]!.events[0]!)) as {
      signal: { subject: { title: string } };
      delivery: { bodyBase64?: string };
    };
    expect(data.signal.subject.title).toBe('caf\uFFFD');
    expect(Buffer.from(data.delivery.bodyBase64!, 'base64')).toEqual(raw);
    // A UTF-8 body is not stored twice. (Another issue: the same one's opening is one signal, whatever the bytes.)
    const other = JSON.stringify({ ...payload, issue: { ...payload['issue'], id: 999_001 } });
    const plain = await receive(harness, 'github', 'c1', signed(other));
    expect(json(plain.body)).toMatchObject({ status: 'accepted' });
    expect(await harness.open(harness.appended[1]!.events[0]!)).not.toHaveProperty('delivery.bodyBase64');
  });

  it('dead-letters a body nested 5,000 levels deep with 400, every time, never 503', async () => {
    const harness = withGithub();
    const deep = `{"action":"opened","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const request = signed(deep, 'deep-1');
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await receive(harness, 'github', 'c1', request);
      expect(response.status).toBe(400);
      expect(json(response.body)).toMatchObject({
        code: 'WEBHOOK_PAYLOAD_INVALID',
        reason: 'payload_too_deep',
      });
    }
    // One dead letter: the redelivery is the same event.
    expect(harness.appended.map((entry) => entry.stream)).toEqual(['deadletters-acme.c1']);
    const letter = (await harness.open(harness.appended[0]!.events[0]!)) as {
      bodyBase64: string;
      detail: string;
      eventType: string;
    };
    expect(Buffer.from(letter.bodyBase64, 'base64').toString('utf8')).toBe(deep);
    expect(letter).toMatchObject({ eventType: 'issues', detail: expect.stringMatching(/5001 levels/) });
  });

  it('dead-letters raw bytes 00 41 42 with a detail that does not quote them', async () => {
    const harness = withGithub();
    const raw = Buffer.from([0x00, 0x41, 0x42]);
    const response = await receive(harness, 'github', 'c1', signed(raw));
    expect(response.status).toBe(400);
    expect(json(response.body)).toMatchObject({ reason: 'malformed_payload' });
    const letter = (await harness.open(harness.appended[0]!.events[0]!)) as {
      bodyBase64: string;
      detail: string;
    };
    expect(Buffer.from(letter.bodyBase64, 'base64')).toEqual(raw);
    expect(letter.detail).toMatch(/^body is not JSON/);
    expect(letter.detail).not.toContain(NUL);
    expect(letter.detail).not.toContain('AB');
  });

  it("never stores Graph's clientState: not in signals, not in dead letters", async () => {
    const harness = gatewayHarness({ now: () => new Date() });
    harness.connections.set('g1', {
      tenantId: 'acme',
      connectionId: 'g1',
      provider: 'microsoft-365',
      routingId: '{subscription_guid}',
      secret: fakeSealed('secretClientValue'),
    });
    const body = JSON.stringify({ value: [graphNotification, { ...graphNotification, id: 'second' }] });
    const accepted = await receive(harness, 'microsoft-365', null, deliveryRequest({ body }));
    expect(json(accepted.body)).toMatchObject({ status: 'accepted' });
    const signal = (await harness.open(harness.appended[0]!.events[0]!)) as {
      signal: { payload: { value: unknown[] } };
    };
    const { clientState: _, ...withoutSecret } = graphNotification;
    expect(signal.signal.payload.value).toEqual([withoutSecret, { ...withoutSecret, id: 'second' }]);
    // Authentic but too deep: a dead letter, whose kept bytes lose the clientState too.
    const deep = `{"value":[${JSON.stringify(graphNotification).slice(0, -1)},"x":${'['.repeat(300)}${']'.repeat(300)}}]}`;
    const letter = await receive(harness, 'microsoft-365', null, deliveryRequest({ body: deep }));
    expect(json(letter.body)).toMatchObject({ reason: 'payload_too_deep' });
    const kept = (await harness.open(harness.appended[1]!.events[0]!)) as {
      bodyBase64: string;
      redacted: number;
    };
    expect(kept.redacted).toBe(1);
    const keptText = Buffer.from(kept.bodyBase64, 'base64').toString('utf8');
    expect(keptText).toContain('"subscriptionId":"{subscription_guid}"');
    expect(keptText).not.toContain('secretClientValue');
    expect(JSON.stringify(harness.appended)).not.toContain('secretClientValue');
  });

  it('answers a redelivery duplicate with the ids the original produced, from the log, asking nothing of the kv store', async () => {
    const kvCalls: string[] = [];
    const watched = new Proxy(new MemoryKeyValueStore(), {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          kvCalls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    const harness = withGithub({ now: () => new Date(), guardKv: watched });
    const body = JSON.stringify(issuesOpened());
    const first = json((await receive(harness, 'github', 'c1', signed(body, 'd-1'))).body);
    expect(first).toMatchObject({ status: 'accepted', signals: [expect.any(String)] });
    expect(json((await receive(harness, 'github', 'c1', signed(body, 'd-1'))).body)).toEqual({
      status: 'duplicate',
      signals: first['signals'],
    });
    // Under a fresh (unsigned) delivery id too, with the ids the log recorded, not ones computed anew.
    const renamed = json((await receive(harness, 'github', 'c1', signed(body, 'd-2'))).body);
    expect(renamed).toEqual({ status: 'duplicate', signals: first['signals'] });
    expect(harness.appended).toHaveLength(1);
    expect(kvCalls).toEqual([]);
  });

  it('verifies, records and acknowledges with Redis down, deduplicating by the log', async () => {
    const harness = withGithub({ now: () => new Date(), guardKv: downKv() });
    const body = JSON.stringify(issuesOpened());
    const first = json((await receive(harness, 'github', 'c1', signed(body, 'r-1'))).body);
    expect(first).toMatchObject({ status: 'accepted', signals: [expect.any(String)] });
    const again = json((await receive(harness, 'github', 'c1', signed(body, 'r-1'))).body);
    expect(again).toEqual({ status: 'duplicate', signals: first['signals'] });
    expect(harness.appended).toHaveLength(1);
    // A forgery is still refused 401 (and recorded), not turned into a 503.
    const forged = await receive(
      harness,
      'github',
      'c1',
      deliveryRequest({ headers: githubHeaders('wrong', 'issues', body), body }),
    );
    expect(forged.status).toBe(401);
    expect(harness.appended.at(-1)!.stream).toBe('webhooks-acme.c1');
  });

  it('does not wait on a Redis that does not answer past the ingress deadline', async () => {
    const harness = withGithub({ now: () => new Date(), guardKv: boundedKeyValueStore(silentKv(), 50) });
    const body = JSON.stringify(issuesOpened());
    // Without the deadline these would wait for ever (and the test time out).
    const response = await receive(harness, 'github', 'c1', signed(body));
    expect(json(response.body)).toMatchObject({ status: 'accepted' });
    const forged = await receive(
      harness,
      'github',
      'c1',
      deliveryRequest({ headers: githubHeaders('wrong', 'issues', body), body }),
    );
    expect(forged.status).toBe(401);
  });
});
