import { type GatewayResponse, problem } from '../responses.js';

/** What became of one part of a split batch. */
export type PartOutcome =
  /** Routed to its bound connection: the gateway's answer for it, as for a whole delivery. */
  | { routingId: string | null; kind: 'routed'; response: GatewayResponse }
  /** A verified part no connection holds, kept as the provider's dead letter. */
  | { routingId: string | null; kind: 'dead_lettered'; deadLetterId: string }
  /** Unverifiable without a connection (Graph's clientState is per connection): not recorded. */
  | { routingId: string | null; kind: 'unrouted' }
  | { routingId: string | null; kind: 'unavailable' };

interface PartSummary {
  account: string | null;
  status: 'accepted' | 'duplicate' | 'dead_lettered' | 'unrouted';
  signals?: string[];
  deadLetterId?: string;
}

/**
 * One answer for a split batch. A part that could not be recorded (503) or was refused (401)
 * decides it, so the provider sends the batch again (the parts already recorded are duplicates
 * then). Otherwise 200, listing every part's signal ids and dead letters; 404 only when no part
 * belonged to any connection and nothing was recorded, as for a single unknown account.
 */
export function batchAnswer(outcomes: readonly PartOutcome[], requestId: string): GatewayResponse {
  const routed = outcomes.flatMap((outcome) => (outcome.kind === 'routed' ? [outcome.response] : []));
  if (outcomes.some((outcome) => outcome.kind === 'unavailable')) {
    return problem(
      503,
      'DEPENDENCY_UNAVAILABLE',
      'The delivery could not be recorded; retry later',
      requestId,
    );
  }
  const failed = routed.find((response) => response.status === 503) ?? routed.find((r) => r.status === 401);
  if (failed) return failed;
  const parts = outcomes.map(summarize);
  if (parts.every((part) => part.status === 'unrouted')) {
    return problem(404, 'CONNECTION_NOT_FOUND', 'No connection for this delivery', requestId);
  }
  // Dead letters are idempotent either way: a batch whose every routed part was seen is a duplicate.
  const routedParts = parts.filter((part) => part.status === 'accepted' || part.status === 'duplicate');
  const duplicate = routedParts.length > 0 && routedParts.every((part) => part.status === 'duplicate');
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      status: duplicate ? 'duplicate' : 'accepted',
      signals: parts.flatMap((part) => part.signals ?? []),
      deadLetters: parts.flatMap((part) => (part.deadLetterId ? [part.deadLetterId] : [])),
      parts,
    }),
  };
}

function summarize(outcome: PartOutcome): PartSummary {
  const account = outcome.routingId;
  switch (outcome.kind) {
    case 'dead_lettered':
      return { account, status: 'dead_lettered', deadLetterId: outcome.deadLetterId };
    case 'unrouted':
    case 'unavailable':
      return { account, status: 'unrouted' };
    case 'routed': {
      const body = jsonOf(outcome.response);
      // 400: authentic but unusable, kept as the connection's own dead letter by acceptDelivery.
      if (outcome.response.status === 400 && typeof body.deadLetterId === 'string') {
        return { account, status: 'dead_lettered', deadLetterId: body.deadLetterId };
      }
      // The bound connection went away between the lookups: nothing was recorded.
      if (outcome.response.status !== 200) return { account, status: 'unrouted' };
      return {
        account,
        status: body.status === 'duplicate' ? 'duplicate' : 'accepted',
        signals: body.signals ?? [],
      };
    }
    default: {
      const unexpected: never = outcome;
      return unexpected;
    }
  }
}

function jsonOf(response: GatewayResponse): { status?: unknown; signals?: string[]; deadLetterId?: unknown } {
  if (!response.contentType.includes('json')) return {};
  return JSON.parse(response.body) as { status?: unknown; signals?: string[]; deadLetterId?: unknown };
}
