import { z } from 'zod';
import { signalSchema } from '../signals/signal.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/** One stream per connection: `signals-<tenantId>.<connectionId>`, appended with 'any'. */
export const signalsStream = (tenantId: string, connectionId: string): string =>
  streamName('signals', tenantId, connectionId);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The webhook delivery a signal came from. The delivery itself is recorded through its signals (one
 * append per delivery, atomic): "a webhook was received" and "a signal was normalized" are the same
 * write, so acknowledging after it means nothing accepted is lost.
 */
export const deliverySchema = z.object({
  /** The provider's delivery id (X-GitHub-Delivery, Slack event_id, webhook-id), when it sends one. */
  id: z.string().min(1).nullable(),
  /** The provider's event type (X-GitHub-Event, Slack event.type), when it names one. */
  eventType: z.string().min(1).nullable(),
  receivedAt: z.iso.datetime(),
  /** SHA-256 of the raw body: GitHub signs no delivery id, so replays are recognized by the body. */
  bodySha256: sha256Hex,
  /**
   * The body as it arrived (less secret members), when it is not valid UTF-8: the signal's payload
   * was parsed with U+FFFD in place of the bad bytes, and these keep what they were.
   */
  bodyBase64: z.base64().optional(),
});

export type DeliveryInfo = z.infer<typeof deliverySchema>;

/**
 * A provider event, verified and normalized. The event id is deterministic (see
 * ingress/delivery-key.ts), so a redelivery appends nothing and the read model's key absorbs the rest.
 */
export const SignalRecorded = defineEvent('SignalRecorded', {
  schema: z.object({ signal: signalSchema, delivery: deliverySchema }),
});

export const SIGNAL_EVENTS = [SignalRecorded] as const;

export type SignalEvent = RecordedEventOf<typeof SignalRecorded>;
