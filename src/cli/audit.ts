import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRuntime, type Runtime } from '../app/runtime.js';
import { auditExportLines, type ExportEndLine, ndjsonChunks } from '../audit/export.js';
import type { AuditVerifyReport } from '../audit/index.js';
import { loadConfig } from '../config/config.js';
import { tenantIdSchema, tenantStreamPrefixes } from '../events/streams.js';
import { cliLogger, commandOf, runCli, say } from './run-cli.js';

const USAGE = `Usage: npm run audit -- <command>

  verify [--from POS] [--to POS]
      recompute every sealed range (or those reaching into [POS, POS]) from the event store and
      check it against its signed seal; exit 0 when all hold, 1 with a report of each problem
  export --tenant ID [--from POS] [--to POS] > trail.ndjson
      write the tenant's events with their positions and inclusion proofs as NDJSON, with the seals
      and public keys needed to check them offline: node scripts/verify-audit-proof.mjs trail.ndjson

Progress goes to stderr. Configuration comes from the same environment as npm start
(EVENTSTORE_URL, DATABASE_URL, DATA_DIR). With the embedded profile, stop the server first: one
process at a time may open DATA_DIR.`;

const PROGRESS_EVERY_MS = 2_000;

const count = (n: number) => n.toLocaleString('en-US');

type Command =
  | { name: 'verify'; from?: bigint; to?: bigint }
  | { name: 'export'; tenantId: string; from?: bigint; to?: bigint };

function position(name: string, value: string | undefined): bigint | undefined | string {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? BigInt(value) : `--${name} must be a global position (a non-negative integer)`;
}

function parse(args: string[]): Command | string {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    return (error as Error).message;
  }
  const { positionals, values } = parsed;
  const [name, ...extra] = positionals;
  if (extra.length > 0) return `unexpected argument ${JSON.stringify(extra[0])}`;
  const from = position('from', values.from);
  const to = position('to', values.to);
  if (typeof from === 'string') return from;
  if (typeof to === 'string') return to;
  if (from !== undefined && to !== undefined && from > to) return '--from must not be after --to';
  if (name === 'verify') {
    if (values.tenant !== undefined) return 'verify checks the whole log: it takes no --tenant';
    return { name, from, to };
  }
  if (name === 'export') {
    if (values.tenant === undefined) return 'export needs --tenant ID';
    const tenant = tenantIdSchema.safeParse(values.tenant);
    if (!tenant.success) return `--tenant: ${tenant.error.issues[0]?.message}`;
    return { name, tenantId: tenant.data, from, to };
  }
  return name === undefined ? 'no command given' : `unknown command ${JSON.stringify(name)}`;
}

const parseOptions = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      tenant: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

function formatVerifyReport(report: AuditVerifyReport): string {
  const lines = [
    report.ok ? 'audit seals: OK' : `audit seals: ${report.problems.length} PROBLEM(S) FOUND`,
    `  seals checked:    ${count(report.sealsChecked)}`,
    `  events checked:   ${count(report.eventsChecked)}`,
    `  verified through: ${report.verifiedThrough === null ? 'nothing sealed yet' : `position ${report.verifiedThrough}`}`,
    `  unsealed events:  ${count(report.unsealedEvents)}${report.unsealedEvents > 0 ? ' (after the last seal; covered by the next one)' : ''}`,
  ];
  for (const problem of report.problems) {
    lines.push(
      '',
      `${problem.kind} at ${problem.position === null ? 'an unnamed position' : `position ${problem.position}`} (seal ${problem.sealRevision}, range ${problem.fromPosition}..${problem.toPosition})`,
      `  ${problem.message}`,
    );
  }
  return lines.join('\n');
}

async function verify(runtime: Runtime, command: { from?: bigint; to?: bigint }): Promise<number> {
  let lastSaid = Date.now();
  const report = await runtime.audit.verify({
    from: command.from,
    to: command.to,
    onProgress: ({ sealsChecked, eventsChecked, position }) => {
      if (Date.now() - lastSaid < PROGRESS_EVERY_MS) return;
      lastSaid = Date.now();
      say(
        `checked ${count(sealsChecked)} seals, ${count(eventsChecked)} events, through position ${position} …`,
      );
    },
  });
  process.stdout.write(`${formatVerifyReport(report)}\n`);
  return report.ok ? 0 : 1;
}

async function exportTrail(
  runtime: Runtime,
  command: { tenantId: string; from?: bigint; to?: bigint },
): Promise<number> {
  // Asked of the log, not the read models: a deleted tenant's trail is still there to export.
  const head = await runtime.eventStore.headPosition({
    streamPrefixes: tenantStreamPrefixes(command.tenantId),
  });
  if (head === 0n) {
    say(`the log holds no event of tenant ${command.tenantId}`);
    return 1;
  }
  const started = Date.now();
  let lastSaid = started;
  let summary: ExportEndLine | null = null;
  const lines = auditExportLines(
    { eventStore: runtime.eventStore, leafIndex: runtime.audit.leafIndex },
    {
      ...command,
      onProgress: ({ events, position }) => {
        if (Date.now() - lastSaid < PROGRESS_EVERY_MS) return;
        lastSaid = Date.now();
        say(`exported ${count(events)} events, at position ${position} …`);
      },
      onEnd: (end) => {
        summary = end;
      },
    },
  );
  try {
    await pipeline(Readable.from(ndjsonChunks(lines)), process.stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    say('stdout was closed before the export ended: the file is incomplete (it has no end line)');
    return 1;
  }
  const done = summary as ExportEndLine | null;
  if (!done) return 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // maxRSS is the kernel's peak resident size (KiB): what an export of any size should keep bounded.
  const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
  say(
    `exported ${count(done.events)} events of ${command.tenantId} (${count(done.sealedEvents)} sealed, ` +
      `${count(done.unsealedEvents)} not sealed yet) with ${count(done.seals)} seals, ` +
      `through position ${done.lastPosition ?? '-'}, in ${seconds} s; peak RSS ${peakMb} MB`,
  );
  return 0;
}

async function main(): Promise<number> {
  const command = commandOf(USAGE, parse);
  if (typeof command === 'number') return command;
  const config = loadConfig();
  const logger = cliLogger(config, 'audit');
  // Read-only: no projections, no sealer, no signing key.
  const runtime = await createRuntime(config, logger, { runProjections: false });
  try {
    return command.name === 'verify' ? await verify(runtime, command) : await exportTrail(runtime, command);
  } finally {
    await runtime.close();
  }
}

runCli('audit', main);
