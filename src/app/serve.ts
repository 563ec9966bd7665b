import { ConfigError, loadConfig } from '../config/config.js';
import type { Tracing } from '../observability/tracing/sdk.js';
import { StartupError } from '../platform/startup.js';
import { createAppLogger } from './app-logger.js';
import { createApp } from './create-app.js';
import { EXIT_CONFIG } from './exit-codes.js';
import { createRuntime } from './runtime.js';

/** 69 (EX_UNAVAILABLE): a dependency the configuration names cannot be reached. */
const EXIT_UNAVAILABLE = 69;
/** Startup problems an operator fixes in the configuration, not by waiting for a dependency. */
const CONFIGURATION_VARIABLES = new Set(['DATA_DIR', 'SWITCHBOARD_MASTER_KEY', 'SWITCHBOARD_PROVIDERS_FILE']);

export interface ServeOptions {
  /** Flushed and stopped after the server and the runtime, so their closing spans are exported too. */
  tracing?: Tracing;
}

/** Loads the configuration, starts the runtime and the HTTP server, and stops both on a signal. */
export async function serve(options: ServeOptions = {}): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const logger = createAppLogger(config);
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime(config, logger);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`Switchboard cannot start:\n  - ${error.variable}: ${error.message}\n`);
    process.exit(CONFIGURATION_VARIABLES.has(error.variable) ? EXIT_CONFIG : EXIT_UNAVAILABLE);
  }
  const server = await createApp(runtime);
  await server.listen({ port: config.port, host: config.host });
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : config.port;
  const origin = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = origin(config.host, boundPort);
  const { metrics } = config;
  const metricsUrl = metrics.listener ? origin(metrics.listener.host, metrics.listener.port) : url;
  const metricsReader = metrics.token
    ? 'SWITCHBOARD_METRICS_TOKEN'
    : metrics.listener
      ? 'open'
      : 'operator token';
  process.stdout.write(
    [
      `Switchboard listening on ${url}`,
      ...runtime.describe().map((line) => `  ${line}`),
      `  graphql: ${url}/graphql (websocket: ${url.replace('http', 'ws')}/graphql)`,
      `  health:  ${url}/healthz  ${url}/readyz`,
      `  console: ${url}/console`,
      `  metrics: ${metricsUrl}/metrics (${metricsReader})`,
      '',
    ].join('\n'),
  );
  if (config.profile === 'embedded' && config.operatorTokens.length === 0) {
    logger.warn('no SWITCHBOARD_OPERATOR_TOKENS set: operator-only operations are unavailable');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    await runtime.close();
    await options.tracing
      ?.shutdown()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not flush the last spans'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
