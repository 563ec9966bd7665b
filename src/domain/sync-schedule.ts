import { CronExpressionParser } from 'cron-parser';
import { BadUserInputError } from '../shared/errors.js';

export type Schedule = { kind: 'every'; ms: number } | { kind: 'cron'; expression: string };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Runs closer together than this would only spend the provider's rate budget. */
export const MIN_INTERVAL_MS = 10_000;

/** `30s`, `5m`, `1h`, `1d`, or a five-field cron expression (UTC); anything else is the caller's mistake. */
export function parseSchedule(frequency: string): Schedule {
  const every = /^(\d+)([smhd])$/.exec(frequency.trim());
  if (every) {
    const ms = Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS];
    if (ms < MIN_INTERVAL_MS)
      throw new BadUserInputError(
        `A sync runs at most every ${MIN_INTERVAL_MS / 1000}s, not every ${frequency}`,
      );
    return { kind: 'every', ms };
  }
  if (frequency.trim().split(/\s+/).length !== 5) {
    throw new BadUserInputError(
      `"${frequency}" is neither a frequency (30s, 5m, 1h, 1d) nor a five-field cron expression`,
    );
  }
  try {
    CronExpressionParser.parse(frequency, { tz: 'UTC' });
  } catch (error) {
    throw new BadUserInputError(`"${frequency}" is not a valid cron expression: ${(error as Error).message}`);
  }
  return { kind: 'cron', expression: frequency.trim() };
}

/** How the last run went, for adaptive scheduling. */
export interface LastRun {
  finishedAt: Date;
  /** Records added, updated or deleted. */
  changes: number;
  /** Completed runs in a row, this one included, that changed nothing. */
  quietRuns: number;
}

/**
 * When the next run is due. Cron schedules run at their next occurrence. Frequencies adapt: after
 * a busy run (changes found) the next comes at half the interval, after quiet ones it comes later
 * (2x, then 4x at most), so an idle resource costs a quarter of the requests and a busy one is
 * followed closely. A webhook for the resource pulls a run forward anyway (sync/webhook-nudge.ts).
 */
export function nextRunAt(frequency: string, last: LastRun): Date {
  const schedule = parseSchedule(frequency);
  if (schedule.kind === 'cron') {
    return CronExpressionParser.parse(schedule.expression, { currentDate: last.finishedAt, tz: 'UTC' })
      .next()
      .toDate();
  }
  const factor = last.changes > 0 ? 0.5 : Math.min(4, 2 ** Math.max(0, last.quietRuns - 1));
  return new Date(last.finishedAt.getTime() + Math.max(MIN_INTERVAL_MS, schedule.ms * factor));
}
