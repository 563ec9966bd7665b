import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { bullets, code, table } from './markdown.js';

const DELETES = {
  reported: 'reported by the provider',
  full_scan: 'found by a full listing',
  none: 'never learned',
} as const;

export function syncFailures(manifest: ProviderManifest): string {
  if (manifest.syncs.length === 0)
    return `${manifest.displayName} declares no syncs: no sync runs, sync dead letters or sync failures exist for it.`;
  return [
    table(
      ['resource', 'model', 'default frequency', 'cursor', 'deletions', 'internal scopes'],
      manifest.syncs.map((sync) => [
        code(sync.resource),
        sync.model,
        sync.defaultFrequency,
        code(sync.cursor),
        DELETES[sync.deletes],
        sync.scopes.map(code).join(', ') || '(none)',
      ]),
    ),
    '',
    bullets([
      `Runs: ${code('syncRuns(connectionId: "...", resource: "...")')}, newest first, with the error of each failed one.`,
      `A failed run is retried with backoff. A run that cannot succeed by retrying (a missing scope, a 404) or failed too often is parked as a sync dead letter: ${code('syncDeadLetters(connectionId: "...")')} lists them with their class (${code('retryable')}, ${code('auth')}, ${code('terminal')}); fix the cause, then ${code('approveSyncReplay(id: "...")')} runs it again.`,
      `Class ${code('auth')}: see Auth failures, REAUTH_REQUIRED and Scope drift above. Rate limits: see Rate limits.`,
      'Waiting dead letters of every provider: [hub runbook, dead letters](hub.md#dead-letters).',
    ]),
  ].join('\n');
}

export function drift(manifest: ProviderManifest): string {
  if (manifest.syncs.length === 0)
    return `${manifest.displayName} declares no syncs, so there are no synced records to drift.`;
  const blind = manifest.syncs.filter((sync) => sync.deletes === 'none').map((sync) => code(sync.resource));
  return [
    `A drift check compares a sync's records with what ${manifest.displayName} lists now: ${code('checkDrift(input: { connectionId: "...", resource: "..." })')} starts one, ${code('driftChecks(connectionId: "...", resource: "...")')} shows what differed.`,
    '',
    bullets([
      'Drift after an outage or a parked run is expected: the next successful run (or an approved replay) closes it; check again afterwards.',
      "Drift that persists means a change the cursor cannot see (an edit that does not move the provider's updated time, a deletion it does not report): a full run repairs the records: " +
        code('startSync(input: { connectionId: "...", resource: "...", full: true })') +
        '.',
      ...(blind.length
        ? [`Deletions are never learned for ${blind.join(', ')}: drift checks are the only way to see them.`]
        : []),
    ]),
  ].join('\n');
}
