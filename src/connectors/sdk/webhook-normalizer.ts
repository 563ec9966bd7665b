import type { Signal } from '../../signals/signal.js';
import type { ProviderManifest } from './manifest.js';

/** A verified delivery, body parsed: what a connector's webhook normalizer turns into signals. */
export interface VerifiedDelivery {
  /** `id` names the signals' provider; `implementation` chose the normalizer. */
  manifest: Pick<ProviderManifest, 'id' | 'implementation' | 'displayName'>;
  connectionId: string;
  /** The provider's delivery id, or `sha256:<body digest>` when it sends none: signal ids derive from it. */
  deliveryId: string;
  eventType: string | null;
  payload: unknown;
  receivedAt: Date;
  /** The signed timestamp, for schemes that sign one. */
  signedAt: Date | null;
}

export type NormalizeOutcome =
  | { ok: true; signals: Signal[] }
  /** Authentic but unusable: the gateway keeps it as a dead letter and answers 400. */
  | { ok: false; reason: 'missing_event_type' | 'normalization_failed'; detail: string };

/**
 * What a connector registers (connectors/webhook-normalizers.ts) to turn its provider's deliveries
 * into signals, with its own rules about what makes a delivery unusable. It may throw: the gateway
 * dead-letters the delivery with the message.
 */
export type WebhookNormalizer = (delivery: VerifiedDelivery) => NormalizeOutcome;
