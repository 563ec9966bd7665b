import { randomUUID } from 'node:crypto';
import type { Event, RecordedEvent } from '../eventstore/envelope.js';
import { SwitchboardError } from '../shared/errors.js';
import { AUDIT_EVENTS } from './audit.js';
import { CONNECTION_EVENTS } from './connection.js';
import type { CallerMetadata, EventDefinition } from './define.js';
import { INTEGRATION_EVENTS } from './integration.js';
import { PROJECTION_EVENTS } from './projection.js';
import { PROVIDER_ACCOUNT_EVENTS } from './provider-account.js';
import { PROVIDER_CALL_EVENTS } from './provider-call.js';
import { SIGNAL_EVENTS } from './signal.js';
import { SYNC_EVENTS } from './sync.js';
import { TENANT_EVENTS } from './tenant.js';
import { WEBHOOK_EVENTS } from './webhook.js';

/** An event in the log that does not fit its schema: the log is corrupt or a writer is buggy. */
export class InvalidEventError extends SwitchboardError {
  constructor(event: Pick<RecordedEvent, 'id' | 'type' | 'stream'>, issues: string) {
    super('INVALID_EVENT', `Event ${event.type} ${event.id} in ${event.stream} does not match its schema`, {
      detail: { id: event.id, type: event.type, stream: event.stream, issues },
    });
  }
}

/**
 * Every event the hub writes, by type. Writes validate against the current schema; reads upcast
 * older versions step by step and validate the result, so consumers only ever see current shapes.
 */
export class EventCatalog {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[]) {
    for (const definition of definitions) {
      if (this.definitions.has(definition.type)) throw new Error(`Duplicate event type ${definition.type}`);
      this.definitions.set(definition.type, definition);
    }
  }

  get types(): string[] {
    return [...this.definitions.keys()];
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** Builds a new event at the current schema version; throws on data that does not fit. */
  create<Type extends string, Data>(
    definition: EventDefinition<Type, Data>,
    data: Data,
    metadata: CallerMetadata,
    id: string = randomUUID(),
  ): Event<Type, Data> {
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) {
      throw new SwitchboardError('INVALID_EVENT', `${definition.type} data does not match its schema`, {
        detail: { issues: parsed.error.message },
      });
    }
    return {
      id,
      type: definition.type,
      data: parsed.data,
      metadata: { ...metadata, schemaVersion: definition.version },
    };
  }

  /** Validates and upcasts a recorded event. Unknown types are returned as they are. */
  decode(event: RecordedEvent): RecordedEvent {
    const definition = this.definitions.get(event.type);
    if (!definition) return event;
    let data = event.data;
    let version = event.metadata.schemaVersion ?? 1;
    while (version < definition.version) {
      const upcast = definition.upcasters[version];
      if (!upcast) throw new InvalidEventError(event, `no upcaster from v${version}`);
      data = upcast(data, event);
      version++;
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidEventError(event, parsed.error.message);
    return {
      ...event,
      data: parsed.data,
      metadata: { ...event.metadata, schemaVersion: definition.version },
    };
  }
}

export const eventCatalog = new EventCatalog([
  ...TENANT_EVENTS,
  ...CONNECTION_EVENTS,
  ...INTEGRATION_EVENTS,
  ...SIGNAL_EVENTS,
  ...WEBHOOK_EVENTS,
  ...PROJECTION_EVENTS,
  ...AUDIT_EVENTS,
  ...PROVIDER_ACCOUNT_EVENTS,
  ...SYNC_EVENTS,
  ...PROVIDER_CALL_EVENTS,
]);
