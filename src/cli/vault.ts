import { parseArgs } from 'node:util';
import { createAppLogger } from '../app/app-logger.js';
import { createRuntime } from '../app/runtime.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { StartupError } from '../platform/startup.js';

const USAGE = `Usage: npm run vault -- <command>

  usage     how many tenant data keys each master key id wraps
  rewrap    re-wrap every live tenant data key with the current SWITCHBOARD_MASTER_KEY
            (step 2 of a master key rotation; see the README)
Configuration comes from the same environment as npm start.`;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const command = positionals[0];
  if (command !== 'usage' && command !== 'rewrap') {
    say(USAGE);
    return 64;
  }
  const config = loadConfig();
  const runtime = await createRuntime(config, createAppLogger(config, { level: 'warn', name: 'vault' }), {
    runProjections: false,
  });
  try {
    if (command === 'rewrap') {
      const { rewrapped, masterKeyId } = await runtime.vault.rewrapAll();
      say(`re-wrapped ${rewrapped} data key(s) with master key ${masterKeyId}`);
    }
    const usage = await runtime.vault.masterKeyUsage();
    for (const [id, count] of Object.entries(usage)) process.stdout.write(`${id}\t${count}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) say(error.message);
    else if (error instanceof StartupError)
      say(`vault cannot start:\n  - ${error.variable}: ${error.message}`);
    else say(`vault failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
