/** What one check found: ok, a warning (the hub works, something needs a look) or a failure. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Dotted name, area first: `connectivity.redis`, `projections.signals`. */
  check: string;
  status: CheckStatus;
  summary: string;
  /** What to do about it (warn and fail), naming the variable or the command. */
  fix?: string;
  /** One line per item found (each stopped projection, each connection), at most a few. */
  details?: string[];
}

export const ok = (check: string, summary: string, details?: string[]): CheckResult => ({
  check,
  status: 'ok',
  summary,
  ...(details?.length ? { details } : {}),
});
export const warn = (check: string, summary: string, fix: string, details?: string[]): CheckResult => ({
  check,
  status: 'warn',
  summary,
  fix,
  ...(details?.length ? { details } : {}),
});
export const fail = (check: string, summary: string, fix: string, details?: string[]): CheckResult => ({
  check,
  status: 'fail',
  summary,
  fix,
  ...(details?.length ? { details } : {}),
});

/** 0 unless a check failed: warnings alone leave a script's `&&` going. */
export const exitCodeOf = (results: readonly CheckResult[]) =>
  results.some((result) => result.status === 'fail') ? 1 : 0;

/** Lists no more than `max` items and says how many more there were. */
export function atMost(lines: readonly string[], max = 5): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/** A duration an operator reads at a glance: 45 s, 12 min, 3 h, 2 d. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

export function formatText(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.check.length));
  const lines = results.flatMap((result) => [
    `${result.status.padEnd(4)}  ${result.check.padEnd(width)}  ${result.summary}`,
    ...(result.details ?? []).map((detail) => `      ${' '.repeat(width)}  - ${detail}`),
    ...(result.fix ? [`      ${' '.repeat(width)}  fix: ${result.fix}`] : []),
  ]);
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failure(s)`);
  return lines.join('\n');
}

export function formatJson(results: readonly CheckResult[]): string {
  return JSON.stringify({ ok: exitCodeOf(results) === 0, checks: results }, null, 2);
}

/** Rejects with "no answer within …" when `work` takes longer than `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
