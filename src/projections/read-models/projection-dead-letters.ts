import {
  type ProjectionDecisionEvent,
  ProjectionEventParked,
  ProjectionEventRecovered,
  ProjectionEventSkipped,
  ProjectionStopped,
} from '../../events/projection.js';
import type { ProjectionDeadLetter } from '../../generated/prisma/client.js';
import { READ_MODEL } from '../names.js';
import { pgText } from './pg-text.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the projection dead letters read model; the shape Prisma returns. */
export type ProjectionDeadLetterRow = ProjectionDeadLetter;

export const ProjectionDeadLetterStatus = {
  PARKED: 'PARKED',
  STOPPED: 'STOPPED',
  SKIPPED: 'SKIPPED',
  RECOVERED: 'RECOVERED',
} as const;

const HANDLED = [
  ProjectionEventParked.type,
  ProjectionStopped.type,
  ProjectionEventSkipped.type,
  ProjectionEventRecovered.type,
] as const;
type DeadLetterDecision = Extract<ProjectionDecisionEvent, { type: (typeof HANDLED)[number] }>;

const keyOf = (projection: string, position: bigint | string) => `${projection}\u0000${position}`;

/**
 * What each projection went on without, stopped at, or was told to skip, and what became of it:
 * the operators' view of the decision streams. Every value comes from the decisions (times
 * included), so a rebuild gives identical rows.
 */
export function evolveProjectionDeadLetter(
  row: ProjectionDeadLetterRow | null,
  decision: DeadLetterDecision,
): ProjectionDeadLetterRow | null {
  if (row && decision.position <= row.position) return row;
  const { data } = decision;
  const base = row ?? {
    projection: data.projection,
    eventPosition: BigInt(data.event.position),
    eventId: data.event.id,
    eventType: data.event.type,
    stream: data.event.stream,
    error: null,
    attempts: 0,
  };
  const decided = { decidedBy: decision.metadata.actor, position: decision.position };
  switch (decision.type) {
    case 'ProjectionEventParked':
    case 'ProjectionStopped': {
      const at = new Date(
        decision.type === 'ProjectionEventParked' ? decision.data.parkedAt : decision.data.stoppedAt,
      );
      return {
        ...base,
        status:
          decision.type === 'ProjectionEventParked'
            ? ProjectionDeadLetterStatus.PARKED
            : ProjectionDeadLetterStatus.STOPPED,
        error: pgText(decision.data.error),
        attempts: Math.max(base.attempts, decision.data.attempts),
        failedAt: row?.failedAt ?? at,
        decidedAt: at,
        ...decided,
      };
    }
    case 'ProjectionEventSkipped': {
      const at = new Date(decision.data.skippedAt);
      return {
        ...base,
        status: ProjectionDeadLetterStatus.SKIPPED,
        failedAt: row?.failedAt ?? at,
        decidedAt: at,
        ...decided,
      };
    }
    case 'ProjectionEventRecovered': {
      const at = new Date(decision.data.recoveredAt);
      return {
        ...base,
        status: ProjectionDeadLetterStatus.RECOVERED,
        attempts: base.attempts + 1,
        failedAt: row?.failedAt ?? at,
        decidedAt: at,
        ...decided,
      };
    }
    default: {
      const unhandled: never = decision;
      return unhandled;
    }
  }
}

/**
 * Its own rule is to stop: parking one of its events would append a decision it then reads itself.
 */
export const projectionDeadLettersProjection = {
  ...defineRowProjection<ProjectionDeadLetterRow, DeadLetterDecision>({
    name: READ_MODEL.projectionDeadLetters,
    eventTypes: HANDLED,
    table: { name: 'projection_dead_letters' },
    keyOf: (decision) => keyOf(decision.data.projection, decision.data.event.position),
    evolve: evolveProjectionDeadLetter,
    async load(tx, keys) {
      if (keys.length === 0) return new Map();
      const rows = await tx.projectionDeadLetter.findMany({
        where: {
          OR: keys.map((key) => {
            const [projection = '', position = '0'] = key.split('\u0000');
            return { projection, eventPosition: BigInt(position) };
          }),
        },
      });
      return new Map(rows.map((row) => [keyOf(row.projection, row.eventPosition), row]));
    },
    async save(tx, { upserts }) {
      await upsertRows(
        tx,
        {
          table: 'projection_dead_letters',
          key: ['projection', 'event_position'],
          columns: {
            projection: (r) => r.projection,
            event_position: (r) => r.eventPosition,
            event_id: (r) => r.eventId,
            event_type: (r) => r.eventType,
            stream: (r) => r.stream,
            status: (r) => r.status,
            error: (r) => r.error,
            attempts: (r) => r.attempts,
            failed_at: (r) => r.failedAt,
            decided_at: (r) => r.decidedAt,
            decided_by: (r) => r.decidedBy,
            position: (r) => r.position,
          },
        },
        upserts,
      );
    },
  }),
  onPoison: 'stop' as const,
};
