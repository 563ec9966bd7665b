import { z } from 'zod';
import { SealedSchema } from '../vault/sealed.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/** Refusals of a connection's deliveries: `webhooks-<tenantId>.<connectionId>`. */
export const webhooksStream = (tenantId: string, connectionId: string): string =>
  streamName('webhooks', tenantId, connectionId);

/** Deliveries kept for inspection: `deadletters-<tenantId>.<connectionId>`. */
export const deadLettersStream = (tenantId: string, connectionId: string): string =>
  streamName('deadletters', tenantId, connectionId);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A delivery that failed verification (bad or missing signature, stale timestamp ...). Never the
 * payload: it is unauthenticated input, and keeping it would let anyone write into a tenant's log.
 * The digest and size are enough to match it against the provider's delivery log.
 */
export const WebhookRejected = defineEvent('WebhookRejected', {
  schema: z.object({
    provider: z.string().min(1),
    connectionId: z.string().min(1),
    /** A VerifyFailureReason. */
    reason: z.string().min(1),
    /** The delivery id the request claimed (unauthenticated). */
    claimedDeliveryId: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    bodyBytes: z.number().int().min(0),
    bodySha256: sha256Hex,
  }),
});

/** What a dead letter holds of the delivery, sealed with the tenant's data key. */
export const deadLetterContentSchema = z.object({
  /** Why, in words of our own (may carry a connector's message), never quoting the body. */
  detail: z.string(),
  headers: z.record(z.string(), z.string()),
  /** Absent when the body was too large to keep in the log (the event says `bodyOmitted`). */
  bodyBase64: z.base64().optional(),
});

export type DeadLetterContent = z.infer<typeof deadLetterContentSchema>;

/**
 * A delivery that was authentic but could not be turned into signals (not JSON, nested too deep, no
 * event type, a shape the normalizer rejects). The raw bytes are kept with the headers (credentials
 * removed), so it can be inspected and replayed once the cause is fixed: nothing accepted is lost.
 * Members the manifest marks as secrets are cut out of the bytes (`redacted` counts them; the digest
 * is still the one of the bytes that arrived).
 *
 * v2 seals detail, headers and body under the tenant's data key (events/sealed-dead-letter.ts), so
 * deleting the tenant shreds them, and states `bodyBytes` in the clear; v1 kept them in the clear.
 *
 * Size: the event must fit one append on the smallest supported KurrentDB (1 MiB, see
 * eventstore/append-size.ts), and a body of up to 1 MiB sealed as base64 does not. So the content is
 * compressed before it is sealed (`contentEncoding: 'br'`), and a body that still does not fit is
 * left out (`bodyOmitted`): the digest and size stay, to match it against the provider's delivery
 * log, which still holds it. The log has no blob store beside it, and one for this rare case would
 * need its own sealing and shredding; refusing the delivery instead would make the provider retry
 * for ever.
 */
export const WebhookDeadLettered = defineEvent('WebhookDeadLettered', {
  version: 2,
  schema: z.object({
    provider: z.string().min(1),
    connectionId: z.string().min(1),
    reason: z.string().min(1),
    deliveryId: z.string().nullable(),
    eventType: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    bodyBytes: z.number().int().min(0),
    bodySha256: sha256Hex,
    redacted: z.number().int().min(1).optional(),
    content: z.union([SealedSchema, z.object({ plain: deadLetterContentSchema }).strict()]),
    /** The sealed content was brotli-compressed first (every dead letter written since this field). */
    contentEncoding: z.literal('br').optional(),
    /** The body was too large for one event and is not in `content`. */
    bodyOmitted: z.literal(true).optional(),
  }),
  upcasters: {
    1: (data) => {
      const { detail, headers, bodyBase64, ...rest } = data as DeadLetterContent & Record<string, unknown>;
      return {
        ...rest,
        bodyBytes: Buffer.from(bodyBase64 ?? '', 'base64').length,
        content: { plain: { detail, headers, bodyBase64 } },
      };
    },
  },
});

export const WEBHOOK_EVENTS = [WebhookRejected, WebhookDeadLettered] as const;

export type WebhookEvent =
  | RecordedEventOf<typeof WebhookRejected>
  | RecordedEventOf<typeof WebhookDeadLettered>;
