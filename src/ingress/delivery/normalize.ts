import type { NormalizeOutcome, VerifiedDelivery } from '../../connectors/sdk/webhook-normalizer.js';
import { WEBHOOK_NORMALIZERS } from '../../connectors/webhook-normalizers.js';
import { makeSignal, type Signal, signalSchema } from '../../signals/signal.js';
import { cleanSignal } from './clean-text.js';

/**
 * Signals for a verified delivery, their text made storable (clean-text.ts) and checked against the
 * Signal schema: a connector bug (or a shape it did not expect) makes a dead letter, not a signal
 * consumers cannot trust.
 */
export function normalizeDelivery(delivery: VerifiedDelivery): NormalizeOutcome {
  // By implementation: a provider that extends GitHub is normalized by GitHub's code.
  const { implementation } = delivery.manifest;
  const normalizer = Object.hasOwn(WEBHOOK_NORMALIZERS, implementation)
    ? WEBHOOK_NORMALIZERS[implementation]
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
