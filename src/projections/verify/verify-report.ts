import type { RowDifference, TableComparison, VerifyResult } from './verify.js';

const LABEL: Record<RowDifference, string> = {
  different: 'differs from the log',
  missing_in_live: 'is missing from the live table',
  unexpected_in_live: 'is in the live table but not in the log',
};

const COUNT_LABEL: Record<RowDifference, string> = {
  different: 'differ from the log',
  missing_in_live: 'missing from the live table',
  unexpected_in_live: 'in the live table but not in the log',
};

const short = (digest: string) => digest.slice(0, 16);

/** A readable report for the replay CLI and the startup log. */
export function formatVerifyReport(result: VerifyResult): string {
  const differing = result.tables.filter((t) => !t.equal);
  const seconds = (result.durationMs / 1000).toFixed(1);
  const lines = [
    result.equal
      ? `Read models match the event log: ${result.tables.length} table(s) equal (rebuilt into a scratch ${result.scratchKind} database in ${seconds} s).`
      : `Read models DIFFER from the event log: ${differing.length} of ${result.tables.length} table(s) differ (rebuilt into a scratch ${result.scratchKind} database in ${seconds} s).`,
  ];
  for (const table of result.tables)
    lines.push(...describeTable(table, result.positions[table.projection] ?? 0n));
  if (!result.equal) {
    lines.push('', 'A rebuild of the differing projections (npm run replay) makes them what the log says.');
  }
  return lines.join('\n');
}

function describeTable(table: TableComparison, position: bigint): string[] {
  const head = `${table.equal ? '  ok  ' : '  DIFF'} ${table.table} (projection ${table.projection}, at position ${position})`;
  if (table.equal) return [`${head}: ${table.live.rows} rows, sha256 ${short(table.live.digest)}`];
  const lines = [
    `${head}:`,
    `         live     ${table.live.rows} rows, sha256 ${short(table.live.digest)}`,
    `         rebuilt  ${table.rebuilt.rows} rows, sha256 ${short(table.rebuilt.digest)}`,
  ];
  for (const difference of Object.keys(LABEL) as RowDifference[]) {
    const count = table.counts[difference];
    if (count > 0) lines.push(`         ${count} row(s) ${COUNT_LABEL[difference]}`);
  }
  const total = Object.values(table.counts).reduce((a, b) => a + b, 0);
  for (const { key, difference } of table.sample) lines.push(`           key ${key}: ${LABEL[difference]}`);
  if (total > table.sample.length) lines.push(`           ... and ${total - table.sample.length} more`);
  return lines;
}
