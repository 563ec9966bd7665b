import type { Runtime } from '../../app/runtime.js';
import { age, type CheckResult, ok, warn } from './report.js';

/** A seal is late when none came within this many sealing intervals while events waited. */
const LATE_AFTER_INTERVALS = 3;

/**
 * The audit sealer's last seal. Every hub that runs projections seals the log; a seal that is
 * late while events wait means no such hub runs, or its sealer is failing.
 */
export async function sealCheck(runtime: Runtime, now: Date): Promise<CheckResult> {
  const [last, head] = await Promise.all([runtime.audit.seals.last(), runtime.eventStore.headPosition()]);
  const lateMs = runtime.config.audit.sealEveryMs * LATE_AFTER_INTERVALS;
  if (!last) {
    if (head === 0n) return ok('audit.seals', 'nothing to seal yet (the log is empty)');
    const waitingMs = now.getTime() - (await firstRecordedAt(runtime)).getTime();
    return waitingMs <= lateMs
      ? ok(
          'audit.seals',
          `no seal yet; the oldest event waits ${age(waitingMs)} (the first seal is due soon)`,
        )
      : warn(
          'audit.seals',
          `no seal yet; the oldest of ${head} position(s) has waited ${age(waitingMs)}`,
          'start a hub (npm start): the instance that runs projections seals the log',
        );
  }
  const sinceMs = now.getTime() - Date.parse(last.seal.sealedAt);
  const sealedThrough = BigInt(last.seal.toPosition);
  const summary = `last seal ${age(sinceMs)} ago, through position ${sealedThrough} (head ${head})`;
  // The seal is itself an event: only events after it wait for the next one.
  if (head > last.position && sinceMs > lateMs)
    return warn(
      'audit.seals',
      summary,
      'is a hub running projections? Its logs say why sealing fails (component "audit"); SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS sets the interval',
    );
  return ok('audit.seals', summary);
}

async function firstRecordedAt(runtime: Runtime): Promise<Date> {
  for await (const event of runtime.eventStore.readAll({ maxCount: 1 })) return event.recordedAt;
  return new Date();
}
