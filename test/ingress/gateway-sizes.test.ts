/**
 * Deliveries near the event store's append limit (1 MiB on KurrentDB 24.x and 25.0, which the
 * harness enforces as KurrentDB does): whatever the size, the provider gets an answer that ends
 * its retries, never a 503 it would retry for ever.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendBytes, MAX_APPEND_BYTES } from '../../src/eventstore/append-size.js';
import { githubIssueOpened } from '../connectors/github/examples.js';
import { fakeSealed, gatewayHarness, type Harness } from './gateway-harness.js';
import { deliveryRequest } from './request.js';
import { githubHeaders } from './sign.js';

const SECRET = 'github-connection-secret';
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const signed = (body: string | Buffer) =>
  deliveryRequest({ headers: githubHeaders(SECRET, 'issues', body, randomUUID()), body });

function withGithub(maxAppendBytes?: number): Harness {
  const harness = gatewayHarness({ now: () => new Date(), maxAppendBytes });
  harness.connections.set('c1', {
    tenantId: 'acme',
    connectionId: 'c1',
    provider: 'github',
    secret: fakeSealed(SECRET),
  });
  return harness;
}

const receive = (harness: Harness, request: ReturnType<typeof signed>) =>
  harness.gateway.receive({ provider: 'github', connectionId: 'c1', request, requestId: 'req-1' });

describe('webhook gateway at the event store size limit (in memory)', () => {
  it('keeps a 1 MiB body that is not JSON as a dead letter, compressed to fit one append', async () => {
    const harness = withGithub();
    // Text that compresses, as a truncated or mangled JSON body does.
    const raw = Buffer.from(`{"oops": ${'["filler", 12345], '.repeat(60_000)}`.slice(0, 1024 * 1024));
    const response = await receive(harness, signed(raw));
    expect(response.status).toBe(400);
    expect(json(response.body)).toMatchObject({ reason: 'malformed_payload' });
    const event = harness.appended[0]!.events[0]!;
    expect(appendBytes([event])).toBeLessThanOrEqual(MAX_APPEND_BYTES);
    const letter = (await harness.open(event)) as { bodyBase64?: string; bodyOmitted?: boolean };
    expect(Buffer.from(letter.bodyBase64!, 'base64')).toEqual(raw);
    expect(letter.bodyOmitted).toBeUndefined();
  });

  it('leaves out a body that cannot fit even compressed, keeping its digest and size, and answers 400', async () => {
    const harness = withGithub();
    const raw = randomBytes(900 * 1024);
    const response = await receive(harness, signed(raw));
    expect(response.status).toBe(400);
    const event = harness.appended[0]!.events[0]!;
    expect(appendBytes([event])).toBeLessThanOrEqual(MAX_APPEND_BYTES);
    const letter = (await harness.open(event)) as Record<string, unknown>;
    expect(letter).toMatchObject({ bodyOmitted: true, bodyBytes: raw.length, reason: 'malformed_payload' });
    expect(letter['bodyBase64']).toBeUndefined();
  });

  it('dead-letters signals too large for one append (payload_too_large), not 503', async () => {
    const harness = withGithub();
    const payload = githubIssueOpened() as Record<string, Record<string, unknown>>;
    // Valid JSON whose text does not compress: the sealed signal is over 1 MiB.
    payload['issue']!['body'] = randomBytes(800 * 1024).toString('base64');
    const response = await receive(harness, signed(JSON.stringify(payload)));
    expect(response.status).toBe(400);
    expect(json(response.body)).toMatchObject({ reason: 'payload_too_large' });
    expect(harness.appended).toHaveLength(1);
    expect(harness.appended[0]!.stream).toMatch(/^deadletters-acme\.c1/);
    expect(await harness.open(harness.appended[0]!.events[0]!)).toMatchObject({ bodyOmitted: true });
  });

  it('answers 413 when the store refuses even the dead letter (a limit set below the policy)', async () => {
    const harness = withGithub(4 * 1024);
    const response = await receive(harness, signed(randomBytes(16 * 1024)));
    expect(response.status).toBe(413);
    expect(json(response.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(harness.appended).toEqual([]);
  });
});
