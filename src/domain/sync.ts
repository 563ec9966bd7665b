import { eventCatalog } from '../events/catalog.js';
import {
  DriftCheckCompleted,
  DriftCheckStarted,
  DriftDetected,
  RateLimited,
  type RunStats,
  SyncCompleted,
  SyncConfigured,
  SyncDeadLettered,
  type SyncEvent,
  SyncExpired,
  SyncFailed,
  SyncPaused,
  SyncReplayApproved,
  SyncResumed,
  type SyncRunReason,
  SyncRunScheduled,
  SyncStarted,
} from '../events/sync.js';
import type { Event } from '../eventstore/envelope.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import type { CommandContext, Decider } from './decider.js';
import { type Checkpoint, evolveSync, initialSyncState, type SyncState } from './sync-state.js';

export type { SyncState } from './sync-state.js';

/** After this many consecutive failed runs a retryable failure is dead-lettered too. */
export const MAX_CONSECUTIVE_FAILURES = 5;

interface Target {
  connectionId: string;
  resource: string;
}

export type SyncCommand = Target &
  (
    | {
        type: 'ConfigureSync';
        provider: string;
        model: string;
        config: Record<string, unknown>;
        frequency: string;
        enabled: boolean;
      }
    | { type: 'PauseSync'; reason: 'operator' | 'reauth_required'; message: string }
    | { type: 'ResumeSync' }
    | { type: 'ScheduleSyncRun'; runId: string; reason: SyncRunReason; full: boolean; dueAt: Date }
    | { type: 'StartSyncRun'; runId: string; worker: string }
    | { type: 'ExpireSyncRun'; runId: string }
    | { type: 'CompleteSyncRun'; runId: string; checkpoint: Checkpoint; stats: RunStats; fullScan: boolean }
    | {
        type: 'RateLimitSyncRun';
        runId: string;
        checkpoint: Checkpoint | null;
        stats: RunStats;
        retryAt: Date;
      }
    | {
        type: 'FailSyncRun';
        runId: string;
        checkpoint: Checkpoint | null;
        stats: RunStats;
        failureClass: 'retryable' | 'auth' | 'terminal';
        message: string;
        status: number | null;
        retryAt: Date | null;
        deadLetterId: string;
      }
    | { type: 'ApproveSyncReplay'; deadLetterId: string; runId: string }
    | { type: 'StartDriftCheck'; checkId: string }
    | { type: 'RecordDrift'; checkId: string; missing: string[]; extra: string[]; changed: string[] }
    | {
        type: 'CompleteDriftCheck';
        checkId: string;
        status: 'clean' | 'repaired' | 'failed';
        repaired: number;
        message: string | null;
      }
  );

type Decide<T extends SyncCommand['type']> = (
  command: Extract<SyncCommand, { type: T }>,
  state: SyncState,
  context: CommandContext,
) => Event[];

const notConfigured = (command: Target) =>
  new NotFoundError(
    'SYNC_NOT_FOUND',
    `No sync of "${command.resource}" is configured on connection ${command.connectionId}`,
    {
      connectionId: command.connectionId,
      resource: command.resource,
    },
  );

const ofRun = (state: SyncState, runId: string, states: ReadonlyArray<'queued' | 'running'>): boolean =>
  state.run?.runId === runId && states.includes(state.run.state);

const configure: Decide<'ConfigureSync'> = (command, _state, context) => {
  const { type: _, ...data } = command;
  return [eventCatalog.create(SyncConfigured, data, context.metadata)];
};

const pause: Decide<'PauseSync'> = (command, state, context) => {
  if (!state.configured) throw notConfigured(command);
  if (state.paused === command.reason) return [];
  const { connectionId, resource, reason, message } = command;
  return [eventCatalog.create(SyncPaused, { connectionId, resource, reason, message }, context.metadata)];
};

const resume: Decide<'ResumeSync'> = (command, state, context) => {
  if (!state.configured) throw notConfigured(command);
  if (state.paused === null) return [];
  const { connectionId, resource } = command;
  return [eventCatalog.create(SyncResumed, { connectionId, resource }, context.metadata)];
};

/** One run at a time: while one is queued or running, scheduling another is a no-op. */
const schedule: Decide<'ScheduleSyncRun'> = (command, state, context) => {
  if (!state.configured) throw notConfigured(command);
  if (state.run) return [];
  if (state.paused && command.reason !== 'manual' && command.reason !== 'replay') return [];
  if (state.paused) {
    throw new ConflictError(`The sync is paused (${state.paused}); resume it first`, {
      paused: state.paused,
    });
  }
  const { connectionId, resource, runId, reason, full, dueAt } = command;
  return [
    eventCatalog.create(
      SyncRunScheduled,
      {
        connectionId,
        resource,
        runId,
        reason,
        full: full || state.checkpoint === null,
        dueAt: dueAt.toISOString(),
      },
      context.metadata,
    ),
  ];
};

/** A worker takes a queued run. Another worker that got there first makes this a no-op. */
const start: Decide<'StartSyncRun'> = (command, state, context) => {
  if (!ofRun(state, command.runId, ['queued']) || !state.run) return [];
  const { connectionId, resource, runId, worker } = command;
  return [
    eventCatalog.create(
      SyncStarted,
      { connectionId, resource, runId, worker, attempt: state.run.attempt + 1 },
      context.metadata,
    ),
  ];
};

const expire: Decide<'ExpireSyncRun'> = (command, state, context) => {
  if (!ofRun(state, command.runId, ['running']) || !state.run) return [];
  const { connectionId, resource, runId } = command;
  return [
    eventCatalog.create(
      SyncExpired,
      { connectionId, resource, runId, attempt: state.run.attempt },
      context.metadata,
    ),
  ];
};

const complete: Decide<'CompleteSyncRun'> = (command, state, context) => {
  if (!ofRun(state, command.runId, ['running'])) return [];
  const { type: _, ...data } = command;
  return [
    eventCatalog.create(SyncCompleted, { ...data, finishedAt: context.now.toISOString() }, context.metadata),
  ];
};

const rateLimit: Decide<'RateLimitSyncRun'> = (command, state, context) => {
  if (!ofRun(state, command.runId, ['running'])) return [];
  const { connectionId, resource, runId, checkpoint, stats, retryAt } = command;
  const data = {
    connectionId,
    resource,
    runId,
    checkpoint,
    stats,
    retryAt: retryAt.toISOString(),
    finishedAt: context.now.toISOString(),
  };
  return [eventCatalog.create(RateLimited, data, context.metadata)];
};

/**
 * A retryable failure is retried until MAX_CONSECUTIVE_FAILURES; an auth failure also pauses the
 * sync until the user reconnects; a terminal one, or one failure too many, parks the run as a dead
 * letter that an operator approves for replay.
 */
const fail: Decide<'FailSyncRun'> = (command, state, context) => {
  if (!ofRun(state, command.runId, ['running'])) return [];
  const { connectionId, resource, runId, checkpoint, stats, failureClass, message } = command;
  const base = { connectionId, resource, runId, stats, finishedAt: context.now.toISOString() };
  const failures = state.failures + 1;
  if (failureClass === 'terminal' || (failureClass === 'retryable' && failures >= MAX_CONSECUTIVE_FAILURES)) {
    const deadLetter = {
      ...base,
      deadLetterId: command.deadLetterId,
      class: failureClass,
      message,
      status: command.status,
    };
    return [eventCatalog.create(SyncDeadLettered, deadLetter, context.metadata)];
  }
  const retryAt = failureClass === 'retryable' ? (command.retryAt?.toISOString() ?? null) : null;
  const failed = eventCatalog.create(
    SyncFailed,
    { ...base, checkpoint, class: failureClass, message, retryAt, failures },
    context.metadata,
  );
  if (failureClass !== 'auth') return [failed];
  const paused = eventCatalog.create(
    SyncPaused,
    { connectionId, resource, reason: 'reauth_required', message },
    context.metadata,
  );
  return [failed, paused];
};

const approveReplay: Decide<'ApproveSyncReplay'> = (command, state, context) => {
  if (!state.openDeadLetters.includes(command.deadLetterId)) {
    throw new NotFoundError(
      'SYNC_DEAD_LETTER_NOT_FOUND',
      `No open sync dead letter ${command.deadLetterId}`,
      {
        deadLetterId: command.deadLetterId,
      },
    );
  }
  const { connectionId, resource, deadLetterId, runId } = command;
  const events: Event[] = [
    eventCatalog.create(
      SyncReplayApproved,
      { connectionId, resource, deadLetterId, runId },
      context.metadata,
    ),
  ];
  if (!state.run) {
    const due = context.now.toISOString();
    events.push(
      eventCatalog.create(
        SyncRunScheduled,
        { connectionId, resource, runId, reason: 'replay', full: false, dueAt: due },
        context.metadata,
      ),
    );
  }
  return events;
};

const startDrift: Decide<'StartDriftCheck'> = (command, state, context) => {
  if (!state.configured) throw notConfigured(command);
  if (state.driftCheck) {
    throw new ConflictError('A drift check of this sync is already running', {
      checkId: state.driftCheck,
    });
  }
  const { connectionId, resource, checkId } = command;
  return [eventCatalog.create(DriftCheckStarted, { connectionId, resource, checkId }, context.metadata)];
};

const recordDrift: Decide<'RecordDrift'> = (command, state, context) => {
  if (state.driftCheck !== command.checkId) return [];
  const { type: _, ...data } = command;
  return [eventCatalog.create(DriftDetected, data, context.metadata)];
};

const completeDrift: Decide<'CompleteDriftCheck'> = (command, state, context) => {
  if (state.driftCheck !== command.checkId) return [];
  const { type: _, ...data } = command;
  return [
    eventCatalog.create(
      DriftCheckCompleted,
      { ...data, finishedAt: context.now.toISOString() },
      context.metadata,
    ),
  ];
};

export const syncDecider: Decider<SyncState, SyncCommand, SyncEvent> = {
  initialState: initialSyncState,
  evolve: evolveSync,
  decide(command, state, context) {
    switch (command.type) {
      case 'ConfigureSync':
        return configure(command, state, context);
      case 'PauseSync':
        return pause(command, state, context);
      case 'ResumeSync':
        return resume(command, state, context);
      case 'ScheduleSyncRun':
        return schedule(command, state, context);
      case 'StartSyncRun':
        return start(command, state, context);
      case 'ExpireSyncRun':
        return expire(command, state, context);
      case 'CompleteSyncRun':
        return complete(command, state, context);
      case 'RateLimitSyncRun':
        return rateLimit(command, state, context);
      case 'FailSyncRun':
        return fail(command, state, context);
      case 'ApproveSyncReplay':
        return approveReplay(command, state, context);
      case 'StartDriftCheck':
        return startDrift(command, state, context);
      case 'RecordDrift':
        return recordDrift(command, state, context);
      case 'CompleteDriftCheck':
        return completeDrift(command, state, context);
      default: {
        const unhandled: never = command;
        throw new Error(`Unhandled sync command ${(unhandled as SyncCommand).type}`);
      }
    }
  },
};
