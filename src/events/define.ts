import type { z } from 'zod';
import type { Event, EventMetadata, RecordedEvent } from '../eventstore/envelope.js';

/** Turns `data` written at schema version `from` into the shape of version `from + 1`. */
export type Upcaster = (data: unknown, event: RecordedEvent) => unknown;

export interface EventDefinition<Type extends string = string, Data = unknown> {
  type: Type;
  /** Current schema version; events are written at this version. */
  version: number;
  schema: z.ZodType<Data>;
  /** Keyed by the version they upcast from: `{ 1: v1 → v2, 2: v2 → v3 }`. */
  upcasters: Readonly<Record<number, Upcaster>>;
}

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  options: { version?: number; schema: Schema; upcasters?: Record<number, Upcaster> },
): EventDefinition<Type, z.output<Schema>> {
  const version = options.version ?? 1;
  const upcasters = options.upcasters ?? {};
  for (let from = 1; from < version; from++) {
    if (!upcasters[from]) throw new Error(`${type} v${version} has no upcaster from v${from}`);
  }
  // zod's output type is what the definition promises; the cast only drops zod's input type.
  return { type, version, schema: options.schema as unknown as z.ZodType<z.output<Schema>>, upcasters };
}

export type DataOf<D> = D extends EventDefinition<string, infer Data> ? Data : never;
export type EventOf<D> = D extends EventDefinition<infer Type, infer Data> ? Event<Type, Data> : never;
export type RecordedEventOf<D> =
  D extends EventDefinition<infer Type, infer Data> ? RecordedEvent<Type, Data> : never;

/** Metadata a caller supplies; the schema version comes from the definition. */
export type CallerMetadata = Omit<EventMetadata, 'schemaVersion'>;
