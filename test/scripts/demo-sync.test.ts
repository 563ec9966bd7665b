import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runDemo(): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo-sync.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

// Two PGlite databases created from nothing, 200 records, a drift check: a minute on a loaded machine.
describe('npm run demo:sync (embedded PGlite, GitHub fake)', () => {
  it('syncs the fake, picks up a visible change, repairs three silent ones, and exits 0', async () => {
    const { code, output } = await runDemo();
    expect(code, output).toBe(0);
    expect(output).toContain('event store: embedded PGlite');
    // First runs: everything added, nothing else.
    expect(output).toMatch(/issues\s+\w+\s+true\s+SUCCEEDED\s+160\s+0\s+0\s+0\s+\d+/);
    expect(output).toMatch(/pull-requests\s+\w+\s+true\s+SUCCEEDED\s+40\s+0\s+0\s+0\s+\d+/);
    expect(output).toContain('issues: 160 records');
    expect(output).toContain('pull-requests: 40 records');
    // Second runs: one issue added and one updated; pull requests untouched.
    expect(output).toMatch(/issues\s+manual\s+false\s+SUCCEEDED\s+1\s+1\s+0\s+\d+\s+\d+/);
    expect(output).toMatch(/pull-requests\s+manual\s+false\s+SUCCEEDED\s+0\s+0\s+0\s+0\s+\d+/);
    // The drift report names the three silently changed issues and repairs them.
    expect(output).toMatch(/drift check [0-9a-f-]{36}: REPAIRED/);
    expect(output).toMatch(/missing\s+-\n/);
    expect(output).toMatch(/extra\s+-\n/);
    const silent = [...output.matchAll(/octo-org\/[\w-]+#\d+ \(id (\d+)\)/g)].map((match) => match[1]);
    expect(silent).toHaveLength(3);
    expect(/changed\s+([\d, ]+)\n/.exec(output)?.[1]?.split(', ').sort()).toEqual([...silent].sort());
    expect(output).toContain('repaired 3');
    expect(output).toMatch(/\d+\s+open\s+\S+\s+octo-org\/hello-world\s+Renamed behind our back/);
    expect(output).toContain('==> Done');
  }, 180_000);
});
