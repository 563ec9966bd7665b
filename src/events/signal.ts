import { z } from 'zod';
import { type Signal, signalSchema } from '../signals/signal.js';
import { uuidV5 } from '../signals/uuid-v5.js';
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
 * delivery said is in the signal's sealed parts. A signal a sync found has no delivery: `id` null,
 * `eventType` `sync:<resource>`, `receivedAt` when its page was recorded, `bodySha256` of the
 * record's JSON, and the event's `sync` part names the run and the record.
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
  changeKey: true,
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

/** The record change a sync turned into the signal: where an auditor finds what the sync saw. */
export const signalSyncOriginSchema = z.object({
  resource: z.string().min(1),
  runId: z.uuid(),
  recordId: z.string().min(1),
});

export type SignalSyncOrigin = z.infer<typeof signalSyncOriginSchema>;

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
    /** Set when a sync found the change (sync/signals-from-records.ts) rather than a webhook. */
    sync: signalSyncOriginSchema.optional(),
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

/** Namespace of the ids of SignalRecorded events for changes that name themselves: fixed, random. */
const CHANGE_EVENT_NAMESPACE = '7f1c2a4e-93d5-4b8e-b6a0-2d4f1e8c5b37';

/**
 * The SignalRecorded event id of a signal that names its change (`changeKey`), the same whether a
 * webhook or a sync recorded it: in the same stream (the connection's signals), the event store's
 * idempotent append takes the second arrival as a retry and writes nothing. Null for the others,
 * whose event ids derive from their delivery (ingress/delivery/delivery-key.ts). The tenant is
 * part of the name, as in every event id derived from outside facts.
 */
export function changeSignalEventId(
  tenantId: string,
  signal: Pick<Signal, 'id' | 'changeKey'>,
): string | null {
  if (signal.changeKey === undefined) return null;
  return uuidV5(CHANGE_EVENT_NAMESPACE, `${tenantId}\u0000${signal.id}`);
}

export const SIGNAL_EVENTS = [SignalRecorded] as const;

export type SignalEvent = RecordedEventOf<typeof SignalRecorded>;
