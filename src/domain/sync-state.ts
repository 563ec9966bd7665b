import type { SyncEvent } from '../events/sync.js';

export type Checkpoint = Record<string, unknown>;

export interface ActiveRun {
  runId: string;
  state: 'queued' | 'running';
  full: boolean;
  /** How many times it was started (a lease that expired resumes it with attempt + 1). */
  attempt: number;
}

export interface SyncState {
  configured: boolean;
  provider: string;
  model: string;
  config: Record<string, unknown>;
  frequency: string;
  enabled: boolean;
  paused: 'operator' | 'reauth_required' | null;
  run: ActiveRun | null;
  /** Where the next run starts; null before the first page was ever recorded. */
  checkpoint: Checkpoint | null;
  /** Consecutive failed runs. */
  failures: number;
  /** Dead letters not yet approved for replay. */
  openDeadLetters: readonly string[];
  driftCheck: string | null;
}

export const initialSyncState = (): SyncState => ({
  configured: false,
  provider: '',
  model: '',
  config: {},
  frequency: '',
  enabled: false,
  paused: null,
  run: null,
  checkpoint: null,
  failures: 0,
  openDeadLetters: [],
  driftCheck: null,
});

const endRun = (state: SyncState, runId: string, changes: Partial<SyncState>): SyncState =>
  state.run?.runId === runId ? { ...state, ...changes, run: null } : state;

/** The sync's state from its control stream (events/sync.ts). Run streams are not folded here. */
export function evolveSync(state: SyncState, event: SyncEvent): SyncState {
  switch (event.type) {
    case 'SyncConfigured': {
      const { provider, model, config, frequency, enabled } = event.data;
      return { ...state, configured: true, provider, model, config, frequency, enabled };
    }
    case 'SyncPaused':
      return { ...state, paused: event.data.reason };
    case 'SyncResumed':
      return { ...state, paused: null, failures: 0 };
    case 'SyncRunScheduled':
      return {
        ...state,
        run: { runId: event.data.runId, state: 'queued', full: event.data.full, attempt: 0 },
      };
    case 'SyncStarted':
      return state.run?.runId === event.data.runId
        ? { ...state, run: { ...state.run, state: 'running', attempt: event.data.attempt } }
        : state;
    case 'SyncExpired':
      return state.run?.runId === event.data.runId
        ? { ...state, run: { ...state.run, state: 'queued' } }
        : state;
    case 'SyncCompleted':
      return endRun(state, event.data.runId, { checkpoint: event.data.checkpoint, failures: 0 });
    case 'RateLimited':
      return endRun(state, event.data.runId, { checkpoint: event.data.checkpoint ?? state.checkpoint });
    case 'SyncFailed':
      return endRun(state, event.data.runId, {
        checkpoint: event.data.checkpoint ?? state.checkpoint,
        failures: event.data.failures,
      });
    case 'SyncDeadLettered':
      return endRun(state, event.data.runId, {
        openDeadLetters: [...state.openDeadLetters, event.data.deadLetterId],
        failures: 0,
      });
    case 'SyncReplayApproved':
      return {
        ...state,
        openDeadLetters: state.openDeadLetters.filter((id) => id !== event.data.deadLetterId),
      };
    case 'DriftCheckStarted':
      return { ...state, driftCheck: event.data.checkId };
    case 'DriftCheckCompleted':
      return state.driftCheck === event.data.checkId ? { ...state, driftCheck: null } : state;
    case 'DriftDetected':
    case 'RecordsBatchRecorded':
      return state;
  }
}
