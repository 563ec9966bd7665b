import type { Signal } from '../../signals/signal.js';

/** One changed record of a sync page, as the engine recorded it. */
export interface RecordChange {
  resource: string;
  /** `created`: the hub had no version of it; `updated`: its hash changed since the last one. */
  op: 'created' | 'updated';
  id: string;
  /** The canonical record (a Ticket, a Message ...). */
  data: unknown;
  /** The provider's JSON, as listed. */
  raw: unknown;
}

/**
 * A change a sync found, as a signal minus what the engine supplies (id, provider, connection,
 * payload). It must name its change (`changeKey`) exactly as the connector's webhook normalizer
 * names the same change: the signal id derives from it, so the change is one signal whichever way
 * it arrives, and re-finding it (a resumed run, a later edit of the same item) adds nothing.
 */
export type FoundChange = Pick<Signal, 'kind' | 'actor' | 'subject' | 'summary'> & {
  occurredAt: Date;
  changeKey: string;
};

/**
 * What a connector registers (connectors/record-signals.ts) to turn its syncs' record changes into
 * signals. Only changes it can name exactly from the record alone: without the previous version,
 * "edited" cannot be told from any other update, so those stay with webhooks. It may throw on a
 * record it cannot read; the engine keeps the page and parks the signal derivation.
 */
export type RecordSignalMapper = (change: RecordChange) => FoundChange[];
