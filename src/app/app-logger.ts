import type { Config } from '../config/config.js';
import { createLogger, type Logger, type LoggerOptions } from '../platform/logger.js';

/** The deployment's own secrets, censored in every log line whatever they look like. */
export function configuredSecrets(config: Config): string[] {
  return [
    ...config.operatorTokens,
    ...(config.metrics.token ? [config.metrics.token] : []),
    ...Object.values(config.webhookAppSecrets),
  ];
}

/**
 * The logger a process of the hub writes with: JSON lines, or pino-pretty on a developer's
 * terminal (stdout a TTY and NODE_ENV not production), the configured secrets censored.
 */
export function createAppLogger(
  config: Config,
  options: Partial<Pick<LoggerOptions, 'level' | 'name' | 'destination'>> = {},
): Logger {
  return createLogger({
    level: options.level ?? config.logLevel,
    name: options.name,
    destination: options.destination,
    pretty: config.nodeEnv !== 'production' && process.stdout.isTTY === true,
    knownSecrets: configuredSecrets(config),
  });
}
