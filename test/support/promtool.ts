import { spawnSync } from 'node:child_process';
import { describeWith } from './services.js';

/** Debian's prometheus package brings promtool (.ci/run installs it). */
export const promtoolFound = spawnSync('promtool', ['--version']).status === 0;

/** `describe` for suites that run promtool; skipped without it, failing under REQUIRE_SERVICES=1. */
export const describeWithPromtool = describeWith('promtool', promtoolFound);

/** Runs promtool in `cwd`; its output either way, for the assertion message. */
export function promtool(cwd: string, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
