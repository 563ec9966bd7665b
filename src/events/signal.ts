import { z } from 'zod';
import { signalSchema } from '../signals/signal.js';
import { SealedSchema } from '../vault/sealed.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/** One stream per connection: `signals-<tenantId>.<connectionId>`, appended with 'any'. */
export const signalsStream = (tenantId: string, connectionId: string): string =>
  streamName('signals', tenantId, connectionId);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The webhook delivery a signal came from. The delivery itself is recorded through its signals (one
 * append per delivery, atomic): "a webhook was received" and "a signal was normalized" are the same
 * write, so acknowledging after it means nothing accepted is lost. Routing metadata only: what the
 * delivery said is in the signal's sealed parts.
 */
export const deliverySchema = z.object({
  /** The provider's delivery id (X-GitHub-Delivery, Slack event_id, webhook-id), when it sends one. */
  id: z.string().min(1).nullable(),
  /** The provider's event type (X-GitHub-Event, Slack event.type), when it names one. */
  eventType: z.string().min(1).nullable(),
  receivedAt: z.iso.datetime(),
  /** SHA-256 of the raw body: GitHub signs no delivery id, so replays are recognized by the body. */
  bodySha256: sha256Hex,
});

export type DeliveryInfo = z.infer<typeof deliverySchema>;

/** What a signal is, in the clear: enough to route, order, filter and deduplicate it. */
export const signalHeadSchema = signalSchema.pick({
  id: true,
  kind: true,
  provider: true,
  connectionId: true,
  occurredAt: true,
});

/** What a signal says (the read model's words), sealed with the tenant's data key. */
export const signalContentSchema = signalSchema.pick({ actor: true, subject: true, summary: true });

/** What the provider sent, sealed with the tenant's data key; read only when a payload is asked for. */
export const signalBodySchema = z.object({
  payload: z.unknown(),
  /**
   * The body as it arrived (less secret members), when it is not valid UTF-8: the payload was
   * parsed with U+FFFD in place of the bad bytes, and these keep what they were.
   */
  bodyBase64: z.base64().optional(),
});

export type SignalHead = z.infer<typeof signalHeadSchema>;
export type SignalContent = z.infer<typeof signalContentSchema>;
export type SignalBody = z.infer<typeof signalBodySchema>;

/**
 * A sealed part, or (only in events written before parts were sealed, upcast from v1) the same
 * part in the clear. Writers always seal.
 */
const sealedOrPlain = <Part extends z.ZodType>(part: Part) =>
  z.union([SealedSchema, z.object({ plain: part }).strict()]);

/**
 * A provider event, verified and normalized. The event id is deterministic (see
 * ingress/delivery/delivery-key.ts), so a redelivery appends nothing and the read model's key absorbs the rest.
 *
 * v2 seals what the signal says (`content`) and what the provider sent (`body`) under the tenant's
 * data key (events/sealed-signal.ts), so deleting the tenant shreds them; v1 kept them in the clear.
 */
export const SignalRecorded = defineEvent('SignalRecorded', {
  version: 2,
  schema: z.object({
    signal: signalHeadSchema,
    delivery: deliverySchema,
    content: sealedOrPlain(signalContentSchema),
    body: sealedOrPlain(signalBodySchema),
  }),
  upcasters: {
    1: (data) => {
      const { signal, delivery } = data as {
        signal: SignalHead & SignalContent & { payload?: unknown };
        delivery: DeliveryInfo & { bodyBase64?: string };
      };
      const { actor, subject, summary, payload, ...head } = signal;
      const { bodyBase64, ...info } = delivery;
      return {
        signal: head,
        delivery: info,
        content: { plain: { actor, subject, summary } },
        body: { plain: { payload: payload ?? null, ...(bodyBase64 === undefined ? {} : { bodyBase64 }) } },
      };
    },
  },
});

export const SIGNAL_EVENTS = [SignalRecorded] as const;

export type SignalEvent = RecordedEventOf<typeof SignalRecorded>;
