import { githubRecordSignals } from './github/sync-signals.js';
import type { RecordSignalMapper } from './sdk/record-signals.js';

/**
 * The connectors whose sync record changes become signals, by the manifest's `implementation` (so
 * a provider that extends GitHub gets GitHub's). Syncs of other providers record data only.
 */
export const RECORD_SIGNALS: Readonly<Record<string, RecordSignalMapper>> = Object.freeze({
  github: githubRecordSignals,
});

export function recordSignalsOf(implementation: string): RecordSignalMapper | undefined {
  return Object.hasOwn(RECORD_SIGNALS, implementation) ? RECORD_SIGNALS[implementation] : undefined;
}
