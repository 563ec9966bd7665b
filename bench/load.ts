import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  requestsPerSecond: number;
  /** Responses counted, and the run's length in seconds as autocannon measured it. */
  total?: number;
  seconds?: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /**
   * Requests that must differ (signed webhook deliveries): the runner imports `module` and asks its
   * `createRequestGenerator(options)` for each request's path, headers and body.
   */
  generator?: { module: string; options: unknown };
}

const runner = fileURLToPath(new URL('./load-runner.ts', import.meta.url));

/**
 * Runs autocannon in a process of its own, so the load generator does not share an event loop
 * (and a core) with the server under test. Loopback only.
 */
export function load(
  target: LoadTarget,
  /** `overallRate`: requests per second across all connections (default: as fast as answered). */
  options: { connections: number; durationSeconds: number; overallRate?: number },
): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(target.url))
    throw new Error('load targets must be on loopback');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load runner exited with ${code}`));
      else resolve(JSON.parse(output) as LoadResult);
    });
    child.stdin.end(JSON.stringify({ target, ...options }));
  });
}
