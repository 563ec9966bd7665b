import { parseArgs } from 'node:util';
import { createAppLogger } from '../app/app-logger.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { exitCodeOf, formatJson, formatText } from './doctor/report.js';
import { runDoctor } from './doctor/run-doctor.js';
import { EX_USAGE, runCli, say } from './run-cli.js';

const USAGE = `Usage: npm run doctor -- [--json] [--timeout SECONDS]

Checks a hub's configuration, its connections (event store, read models, Redis), projection lag,
dead letters, tokens that will not refresh, integrations missing a secret and the audit seals,
and prints one line per check (ok / warn / fail) with what to fix.
  --json              the same as JSON on stdout, for machines
  --timeout SECONDS   how long each connection and check may take (default 5)
Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed, 78 when the
configuration cannot be read. Configuration comes from the same environment as npm start. Reads
only; with the embedded profile, stop the server first (one process at a time may open DATA_DIR).`;

async function main(): Promise<number> {
  let values: { json?: boolean; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    say(`${(error as Error).message}\n\n${USAGE}`);
    return EX_USAGE;
  }
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const timeoutSeconds = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    say(`--timeout must be a positive number of seconds\n\n${USAGE}`);
    return EX_USAGE;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    // Machines get the problems as JSON too; runCli prints them and exits 78.
    if (error instanceof ConfigError && values.json)
      process.stdout.write(`${JSON.stringify({ ok: false, configuration: error.problems }, null, 2)}\n`);
    throw error;
  }
  // Retries and warnings of the runtime would repeat what the checks report; errors still show.
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const logger = createAppLogger(config, { name: 'doctor', level: verbose ? config.logLevel : 'error' });
  const results = await runDoctor(config, logger, { timeoutMs: timeoutSeconds * 1000 });
  process.stdout.write(`${values.json ? formatJson(results) : formatText(results)}\n`);
  return exitCodeOf(results);
}

runCli('doctor', main);
