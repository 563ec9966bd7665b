import { parseArgs } from 'node:util';
import { createRuntime } from '../app/runtime.js';
import { loadConfig } from '../config/config.js';
import { allProjections, PROJECTION_NAMES } from '../projections/index.js';
import { verifyReadModels } from '../projections/verify/verify.js';
import { formatVerifyReport } from '../projections/verify/verify-report.js';
import { cliLogger, runCli, say } from './run-cli.js';

const USAGE = `Usage: npm run replay -- [--verify] [--projection NAME ...] [--all]

  --verify            rebuild every projection into a scratch database and compare per-table
                      digests with the live read models; exit 0 when equal, 1 with a diff otherwise
  --projection NAME   empty one projection and rebuild it from the event log (repeatable)
  --all               rebuild every projection
Projections: ${PROJECTION_NAMES.join(', ')}
Configuration comes from the same environment as npm start (EVENTSTORE_URL, DATABASE_URL, DATA_DIR).
With the embedded profile, stop the server first: one process at a time may open DATA_DIR.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      verify: { type: 'boolean', default: false },
      projection: { type: 'string', multiple: true, default: [] },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const names = values.all ? [...PROJECTION_NAMES] : values.projection;
  if (values.help || (!values.verify && names.length === 0)) {
    say(USAGE);
    return values.help ? 0 : 64;
  }
  const unknown = names.filter((name) => !PROJECTION_NAMES.includes(name));
  if (unknown.length > 0) {
    say(`Unknown projection: ${unknown.join(', ')}\n\n${USAGE}`);
    return 64;
  }

  const config = loadConfig();
  const logger = cliLogger(config, 'replay');
  // Projections run only to rebuild the named ones; nothing else a serving hub does runs here.
  const runtime = await createRuntime(config, logger, {
    runProjections: names.length > 0,
    runAuditSealer: false,
  });
  try {
    for (const name of names) {
      say(`rebuilding ${name} …`);
      const started = Date.now();
      const { position } = await runtime.projections.rebuild(name);
      say(`rebuilt ${name} up to position ${position} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (values.verify) {
      const projections = allProjections({ vault: runtime.vault });
      say(`verifying ${projections.length} projection(s) against a scratch rebuild …`);
      const result = await verifyReadModels({
        eventStore: runtime.eventStore,
        live: runtime.readModels,
        projections,
        logger,
      });
      process.stdout.write(`${formatVerifyReport(result)}\n`);
      return result.equal ? 0 : 1;
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

runCli('replay', main);
