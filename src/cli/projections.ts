import { createRuntime, type Runtime } from '../app/runtime.js';
import { loadConfig } from '../config/config.js';
import { eventCatalog } from '../events/catalog.js';
import { UnknownProjectionError } from '../projections/errors.js';
import {
  ProjectionDecisionRefusedError,
  requestRetry,
  skipStoppedEvent,
} from '../projections/runner/operator-decisions.js';
import { type ProjectionReport, reportProjections } from '../projections/runner/report.js';
import { cliLogger, commandOf, EX_USAGE, runCli, say } from './run-cli.js';

const USAGE = `Usage: npm run projections -- <command>

  status                  each projection's position, head, lag and state, and the events it parked
  retry NAME              apply NAME's parked events again (once the cause is fixed), or restart it
                          if its rule stopped it
  skip NAME POSITION      let NAME, stopped at POSITION, go on without that event

Each decision is appended to the event log (projection-_global.NAME), where auditors find it and a
rebuild honours it. The hub that leads the projections picks it up within seconds (a retry is
applied when the projection reaches it in the log).
Configuration comes from the same environment as npm start (EVENTSTORE_URL, DATABASE_URL, DATA_DIR).
With the embedded profile, stop the server first (one process at a time may open DATA_DIR): the
decision takes effect when it starts again.`;

const ACTOR = 'operator:cli';

const print = (line: string) => process.stdout.write(`${line}\n`);

type Command =
  | { name: 'status' }
  | { name: 'retry'; projection: string }
  | { name: 'skip'; projection: string; position: bigint };

function parse(args: readonly string[]): Command | string {
  const [command, ...rest] = args;
  switch (command) {
    case 'status':
      return rest.length === 0 ? { name: 'status' } : 'status takes no arguments';
    case 'retry':
      return rest.length === 1 && rest[0] ? { name: 'retry', projection: rest[0] } : 'retry takes one NAME';
    case 'skip': {
      const [projection, position] = rest;
      if (rest.length !== 2 || !projection || !position) return 'skip takes NAME and POSITION';
      if (!/^\d+$/.test(position) || BigInt(position) === 0n)
        return `POSITION must be a global position (a positive integer), not ${JSON.stringify(position)}`;
      return { name: 'skip', projection, position: BigInt(position) };
    }
    case undefined:
      return 'no command given';
    default:
      return `unknown command ${JSON.stringify(command)}`;
  }
}

function formatStatus(reports: readonly ProjectionReport[]): string {
  const width = Math.max(...reports.map((r) => r.name.length), 'projection'.length);
  const lines = [
    `${'projection'.padEnd(width)}  ${'position'.padStart(10)}  ${'head'.padStart(10)}  ${'lag'.padStart(8)}  state`,
  ];
  for (const report of reports) {
    const state = report.stopped
      ? `STOPPED at position ${report.stopped.event.position}`
      : report.lag > 0n
        ? 'behind'
        : 'caught up';
    const extra = [
      report.parked.length > 0 ? `${report.parked.length} parked` : '',
      report.skipped > 0 ? `${report.skipped} skipped` : '',
    ].filter(Boolean);
    lines.push(
      `${report.name.padEnd(width)}  ${String(report.position).padStart(10)}  ${String(report.head).padStart(10)}  ${String(report.lag).padStart(8)}  ${state}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`,
    );
  }
  for (const report of reports) {
    const { stopped } = report;
    if (stopped) {
      lines.push(
        '',
        `${report.name} stopped at ${stopped.event.type} ${stopped.event.id} (${stopped.event.stream}, position ${stopped.event.position}) after ${stopped.attempts} attempt(s) at ${stopped.stoppedAt}:`,
        `  ${stopped.error}`,
        `  then: npm run projections -- retry ${report.name}   or   npm run projections -- skip ${report.name} ${stopped.event.position}`,
      );
    }
    if (report.parked.length > 0) {
      lines.push('', `${report.name} parked ${report.parked.length} event(s) (it went on without them):`);
      for (const entry of report.parked) {
        lines.push(
          `  position ${entry.event.position}  ${entry.event.type} ${entry.event.id} in ${entry.event.stream}, ${entry.attempts} attempt(s), parked ${entry.parkedAt}`,
          `    ${entry.error}`,
        );
      }
      lines.push(`  once the cause is fixed: npm run projections -- retry ${report.name}`);
    }
  }
  return lines.join('\n');
}

async function run(runtime: Runtime, command: Command): Promise<number> {
  const projections = runtime.projections.projections;
  const operator = {
    store: runtime.eventStore,
    catalog: eventCatalog,
    projectionNames: projections.map((projection) => projection.name),
  };
  switch (command.name) {
    case 'status': {
      const reports = await reportProjections({
        store: runtime.eventStore,
        prisma: runtime.readModels.prisma,
        catalog: eventCatalog,
        projections,
      });
      print(formatStatus(reports));
      return 0;
    }
    case 'retry': {
      const result = await requestRetry(operator, command.projection, ACTOR);
      print(
        `retry of ${command.projection} requested at position ${result.position}` +
          ` (${result.parked} parked event(s)${result.stopped ? ', stopped: it restarts' : ''});` +
          ' the projection leader applies it when it reaches that position.',
      );
      return 0;
    }
    case 'skip': {
      const result = await skipStoppedEvent(operator, command.projection, command.position, ACTOR);
      print(
        `${command.projection} skips the event at position ${command.position} (decision at position ${result.position}); the projection leader restarts it.`,
      );
      return 0;
    }
  }
}

async function main(): Promise<number> {
  const command = commandOf(USAGE, parse);
  if (typeof command === 'number') return command;
  const config = loadConfig();
  const logger = cliLogger(config, 'projections');
  const runtime = await createRuntime(config, logger, { runProjections: false });
  try {
    return await run(runtime, command);
  } catch (error) {
    if (error instanceof UnknownProjectionError) {
      say(`${error.message}. Projections: ${runtime.projections.projections.map((p) => p.name).join(', ')}`);
      return EX_USAGE;
    }
    if (error instanceof ProjectionDecisionRefusedError) {
      say(`refused: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}

runCli('projections', main);
