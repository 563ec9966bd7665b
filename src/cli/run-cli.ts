import { createAppLogger } from '../app/app-logger.js';
import { EXIT_CONFIG } from '../app/exit-codes.js';
import { type Config, ConfigError } from '../config/config.js';
import { StartupError } from '../platform/startup.js';

/** EX_UNAVAILABLE (sysexits.h): a dependency (database, event store, Redis) did not answer. */
export const EX_UNAVAILABLE = 69;
/** EX_USAGE (sysexits.h): the command line is wrong. */
export const EX_USAGE = 64;

/** Startup problems the operator fixes in the configuration or the data directory, not by waiting. */
const CONFIGURATION_VARIABLES = new Set([
  'DATA_DIR',
  'SWITCHBOARD_MASTER_KEY',
  'SWITCHBOARD_AUDIT_SIGNING_KEY',
  'SWITCHBOARD_PROVIDERS_FILE',
]);

/** Progress and reports go to stderr as lines; stdout stays for what a command outputs. */
export const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Runs a command-line tool's `main` and exits with the code it returns. What it throws becomes a
 * readable report and a code a script can act on: 78 for bad configuration, 69 when a dependency
 * stays unreachable, 2 for anything unexpected (with its stack).
 */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        say(error.message);
        process.exit(EXIT_CONFIG);
      }
      if (error instanceof StartupError) {
        say(`${name} cannot start:\n  - ${error.variable}: ${error.message}`);
        process.exit(CONFIGURATION_VARIABLES.has(error.variable) ? EXIT_CONFIG : EX_UNAVAILABLE);
      }
      say(`${name} failed: ${(error as Error)?.stack ?? String(error)}`);
      process.exit(2);
    },
  );
}

/**
 * The command the arguments name, or the exit code already decided and printed: 0 after --help, 64
 * (with the usage) when `parse` explains what is wrong with them.
 */
export function commandOf<Command extends object>(
  usage: string,
  parse: (args: string[]) => Command | string,
): Command | number {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    say(usage);
    return 0;
  }
  const command = parse(args);
  if (typeof command !== 'string') return command;
  say(`${command}\n\n${usage}`);
  return EX_USAGE;
}

/** Progress goes to stderr as readable lines; warnings and errors still come as structured logs. */
export const cliLogger = (config: Config, name: string) =>
  createAppLogger(config, { level: config.logLevel === 'info' ? 'warn' : config.logLevel, name });
