/**
 * A hub instance in a process of its own, for crash tests: the runtime (projections, the sync
 * engine with its workers) on the environment it is given, no HTTP server. It prints "ready" once
 * started and runs until it is killed, which is the point.
 */
import { createRuntime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/platform/logger.js';

const config = loadConfig(process.env);
await createRuntime(config, createLogger({ level: config.logLevel }));
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
