/**
 * The hub's entry point (`npm start`). It checks the Node.js version before anything else is
 * loaded: dependencies such as undici fail at import time on an older Node, with an error that
 * does not say what to do, so the rest of the hub is imported only once the version is known good.
 */
import { EXIT_CONFIG } from './exit-codes.js';
import { unsupportedNode } from './node-version.js';

const oldNode = unsupportedNode();
if (oldNode) {
  process.stderr.write(`${oldNode}\n`);
  process.exit(EXIT_CONFIG);
}

try {
  // Tracing starts before the hub is imported: pg is instrumented as it loads (observability/tracing/sdk.ts).
  const { startTracingFromEnvironment } = await import('./tracing.js');
  const tracing = await startTracingFromEnvironment();
  const { serve } = await import('./serve.js');
  await serve({ tracing });
} catch (error) {
  process.stderr.write(`Switchboard failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}
