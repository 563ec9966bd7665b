import { normalizeGithubDelivery } from '../../connectors/github/webhook.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { normalizeSlackDelivery } from '../../connectors/slack/webhook.js';
import { makeSignal, type Signal, signalSchema } from '../../signals/signal.js';
import { cleanSignal } from './clean-text.js';

/** A verified delivery, body parsed: what a connector's webhook.ts turns into signals. */
export interface VerifiedDelivery {
  manifest: Pick<ProviderManifest, 'id' | 'displayName'>;
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

type Normalizer = (delivery: VerifiedDelivery) => NormalizeOutcome;

/** Connectors with a webhook.ts; every other provider's deliveries become provider_event signals. */
const NORMALIZERS: Readonly<Record<string, Normalizer>> = {
  github: (delivery) => {
    // Without X-GitHub-Event a payload cannot be told apart from another event's.
    if (delivery.eventType === null)
      return { ok: false, reason: 'missing_event_type', detail: 'no X-GitHub-Event header' };
    return {
      ok: true,
      signals: normalizeGithubDelivery({ ...delivery, eventName: delivery.eventType }),
    };
  },
  slack: (delivery) => ({ ok: true, signals: normalizeSlackDelivery(delivery) }),
};

/**
 * Signals for a verified delivery, their text made storable (clean-text.ts) and checked against the
 * Signal schema: a connector bug (or a shape it did not expect) makes a dead letter, not a signal
 * consumers cannot trust.
 */
export function normalizeDelivery(delivery: VerifiedDelivery): NormalizeOutcome {
  const normalizer = Object.hasOwn(NORMALIZERS, delivery.manifest.id)
    ? NORMALIZERS[delivery.manifest.id]
    : undefined;
  let outcome: NormalizeOutcome;
  try {
    outcome = normalizer ? normalizer(delivery) : { ok: true, signals: genericSignals(delivery) };
  } catch (error) {
    return { ok: false, reason: 'normalization_failed', detail: (error as Error).message };
  }
  if (!outcome.ok) return outcome;
  const signals = outcome.signals.map(cleanSignal);
  for (const signal of signals) {
    const checked = signalSchema.safeParse(signal);
    if (!checked.success) return { ok: false, reason: 'normalization_failed', detail: checked.error.message };
  }
  return { ok: true, signals };
}

/** Providers without a connector normalizer: one provider_event, payload kept whole. */
function genericSignals(delivery: VerifiedDelivery): Signal[] {
  const { manifest, eventType } = delivery;
  return [
    makeSignal({
      provider: manifest.id,
      connectionId: delivery.connectionId,
      deliveryId: delivery.deliveryId,
      index: 0,
      kind: 'provider_event',
      occurredAt: delivery.signedAt ?? delivery.receivedAt,
      actor: null,
      subject: null,
      summary: `${manifest.displayName} ${eventType ?? 'event'}`,
      payload: delivery.payload,
    }),
  ];
}
