import { z } from 'zod';
import { signalKindSchema } from './kinds.js';
import { uuidV5 } from './uuid-v5.js';

/** Links a consumer may render: http(s) only, whatever a provider payload says. */
export const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * A provider event, normalized: what happened (`kind`), who did it, to what, in one sentence, with
 * the provider's payload kept whole so nothing is lost by normalizing.
 *
 * `actor.bot` marks automation (GitHub `[bot]` senders, Slack bot messages) so consumers can skip
 * their own echoes without Switchboard dropping anything. `subject.url` is null when the provider
 * gives no link. `occurredAt` is ISO 8601, like every time in the event store.
 */
export const signalSchema = z.object({
  id: z.uuid(),
  kind: signalKindSchema,
  provider: z.string().min(1),
  connectionId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: z.object({ id: z.string().min(1), name: z.string().min(1), bot: z.boolean() }).nullable(),
  subject: z
    .object({
      type: z.string().min(1),
      id: z.string().min(1),
      title: z.string(),
      url: httpUrl.nullable(),
    })
    .nullable(),
  summary: z.string().min(1),
  payload: z.unknown(),
  /**
   * What changed, named the same whichever way the hub learned of it (`issue:<id>:created`), for
   * changes a webhook and a sync can both see: the id derives from it instead of from the delivery,
   * so the change is one signal however often and by whichever path it arrives. Absent for the
   * rest (edits, comments, pushes ...), whose ids derive from their delivery.
   */
  changeKey: z.string().min(1).optional(),
});

export type Signal = z.infer<typeof signalSchema>;
export type SignalActor = NonNullable<Signal['actor']>;
export type SignalSubject = NonNullable<Signal['subject']>;

/** Namespace for signal ids: a fixed random UUID, so Switchboard's ids collide with no one else's. */
export const SIGNAL_ID_NAMESPACE = '162e7db6-0ee0-4765-8a6a-aab310e79d05';

/**
 * The signal's id: UUIDv5 of provider, connection, delivery id and the signal's position in the
 * delivery, so a replayed delivery produces the same ids and the read model's key absorbs it. The
 * connection is part of it because one provider event can reach two connections (two apps in one
 * workspace; providers' documented examples share event ids): each is a signal of its own.
 */
export function signalId(provider: string, connectionId: string, deliveryId: string, index: number): string {
  // NUL separates the parts: it appears in no provider id or header value, so no two inputs meet.
  return uuidV5(SIGNAL_ID_NAMESPACE, `${provider}\u0000${connectionId}\u0000${deliveryId}\u0000${index}`);
}

/**
 * The id of a signal that names its change (`changeKey`): UUIDv5 of provider, connection and the
 * change, so a webhook delivery and a sync that see the same change make the same signal. The
 * 'change' part keeps these names apart from delivery-based ones (whose last part is a number).
 */
export function changeSignalId(provider: string, connectionId: string, changeKey: string): string {
  return uuidV5(SIGNAL_ID_NAMESPACE, `${provider}\u0000${connectionId}\u0000change\u0000${changeKey}`);
}

type SignalFields = Omit<Signal, 'id' | 'occurredAt' | 'changeKey'> & { occurredAt: Date };

/** Where a signal's id comes from: the change it names, or its delivery and its position in it. */
export type SignalOrigin = { changeKey: string } | { deliveryId: string; index: number };

/**
 * Assembles a signal (the only way signals are built): its id from the change it names when it
 * names one, else from the delivery.
 */
export function makeSignal(fields: SignalFields & SignalOrigin): Signal {
  const { provider, connectionId, kind, actor, subject, summary, payload } = fields;
  const signal = { provider, connectionId, kind, actor, subject, summary, payload };
  const occurredAt = fields.occurredAt.toISOString();
  if ('changeKey' in fields) {
    const { changeKey } = fields;
    return { id: changeSignalId(provider, connectionId, changeKey), ...signal, occurredAt, changeKey };
  }
  return { id: signalId(provider, connectionId, fields.deliveryId, fields.index), ...signal, occurredAt };
}
