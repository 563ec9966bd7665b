import { z } from 'zod';
import { defineEvent, type RecordedEventOf } from './define.js';
import { GLOBAL_SCOPE, streamName } from './streams.js';

/**
 * Decisions about a projection, one stream per projection in the reserved scope:
 * `projection-_global.<projection>`. They tell an auditor what a read model leaves out and why,
 * and they are the projection's own input: a rebuild passes over what was parked or skipped and
 * re-applies parked events where a retry was requested, so the log alone decides every read model.
 * They name the event they are about (id, type, stream, position), never its data.
 */
export const projectionStream = (projection: string): string =>
  streamName('projection', GLOBAL_SCOPE, projection);

/** A global position or a revision, in decimal: JSON has no bigint. */
const decimal = z.string().regex(/^\d+$/);
const instant = z.iso.datetime();

export const eventRefSchema = z.object({
  id: z.string(),
  type: z.string(),
  stream: z.string(),
  revision: decimal,
  position: decimal,
});
export type EventRef = z.output<typeof eventRefSchema>;

/**
 * The projection could not apply the event after its retries and went on without it. With
 * `retryPosition` null it failed where it stands in the log (a rebuild passes over it there);
 * otherwise it failed again when re-applied for the retry request at that position.
 */
export const ProjectionEventParked = defineEvent('ProjectionEventParked', {
  schema: z.object({
    projection: z.string(),
    event: eventRefSchema,
    error: z.string(),
    attempts: z.number().int().min(1),
    retryPosition: decimal.nullable(),
    parkedAt: instant,
  }),
});

/** The projection's rule is to stop on an event it cannot apply: it waits for retry or skip. */
export const ProjectionStopped = defineEvent('ProjectionStopped', {
  schema: z.object({
    projection: z.string(),
    event: eventRefSchema,
    error: z.string(),
    attempts: z.number().int().min(1),
    stoppedAt: instant,
  }),
});

/** An operator chose to go on without the event a stopped projection stopped at. */
export const ProjectionEventSkipped = defineEvent('ProjectionEventSkipped', {
  schema: z.object({
    projection: z.string(),
    event: eventRefSchema,
    skippedAt: instant,
  }),
});

/**
 * An operator asked the projection to try again: a stopped one restarts at the event it stopped
 * at; a running one re-applies its parked events when it reaches this request in the log.
 */
export const ProjectionRetryRequested = defineEvent('ProjectionRetryRequested', {
  schema: z.object({
    projection: z.string(),
    requestedAt: instant,
  }),
});

/** A parked event (or the one a projection stopped at) applied after the retry request at `retryPosition`. */
export const ProjectionEventRecovered = defineEvent('ProjectionEventRecovered', {
  schema: z.object({
    projection: z.string(),
    event: eventRefSchema,
    retryPosition: decimal,
    recoveredAt: instant,
  }),
});

export const PROJECTION_EVENTS = [
  ProjectionEventParked,
  ProjectionStopped,
  ProjectionEventSkipped,
  ProjectionRetryRequested,
  ProjectionEventRecovered,
] as const;

export type ProjectionDecisionEvent =
  | RecordedEventOf<typeof ProjectionEventParked>
  | RecordedEventOf<typeof ProjectionStopped>
  | RecordedEventOf<typeof ProjectionEventSkipped>
  | RecordedEventOf<typeof ProjectionRetryRequested>
  | RecordedEventOf<typeof ProjectionEventRecovered>;
