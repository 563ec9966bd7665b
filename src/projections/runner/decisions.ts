import type { EventCatalog } from '../../events/catalog.js';
import type { EventDefinition } from '../../events/define.js';
import { GLOBAL_SCOPE } from '../../events/integration.js';
import { projectionStream } from '../../events/projection.js';
import type { AppendResult, EventStore } from '../../eventstore/port.js';
import { uuidV5 } from '../../signals/uuid-v5.js';
import { pgText } from '../read-models/pg-text.js';

/** Namespace of the ids of decisions a worker takes: a fixed random UUID. */
const DECISION_ID_NAMESPACE = '726c2516-62fe-4105-92a3-e041bb298de9';

/**
 * A worker's decision gets an id from what it is about, so a worker that crashed after appending
 * it, or a rebuild that meets the same event again, appends nothing new (the store's idempotent
 * retry). NUL separates the parts: it appears in no projection name or position.
 */
export const decisionId = (projection: string, ...parts: ReadonlyArray<string | bigint | number>): string =>
  uuidV5(DECISION_ID_NAMESPACE, [projection, ...parts.map(String)].join('\u0000'));

/** Error text as a decision keeps it: storable and bounded (a message may quote a long value). */
export const errorText = (cause: unknown): string =>
  pgText(cause instanceof Error ? cause.message : String(cause)).slice(0, 2_000);

export async function appendDecision<Type extends string, Data>(
  context: { store: EventStore; catalog: EventCatalog },
  projection: string,
  definition: EventDefinition<Type, Data>,
  data: Data,
  options: { actor: string; id?: string; causationId?: string | null },
): Promise<AppendResult> {
  const event = context.catalog.create(
    definition,
    data,
    {
      tenantId: GLOBAL_SCOPE,
      correlationId: `projection:${projection}`,
      causationId: options.causationId ?? null,
      actor: options.actor,
    },
    options.id,
  );
  return context.store.append(projectionStream(projection), [event], 'any');
}
