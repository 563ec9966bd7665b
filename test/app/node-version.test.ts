import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/app/node-version.js';

/** The machine's own Node, when it is an older one the refusal can be shown on. */
const system = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
const olderSystemNode = !system.error && !/^v2[4-9]\./.test(system.stdout.trim());

describe('the Node.js the hub runs on', () => {
  it('accepts 24.11 and later, refuses older ones with a reason that says what to do', () => {
    expect(unsupportedNode('24.11.0')).toBeNull();
    expect(unsupportedNode('24.21.0')).toBeNull();
    expect(unsupportedNode('26.0.0')).toBeNull();
    expect(unsupportedNode('24.10.9')).toMatch(
      /needs Node.js 24.11 or later, and this is 24.10.9.*npm start/,
    );
    expect(unsupportedNode('20.20.2')).toMatch(/this is 20.20.2/);
  });

  it('is the Node 24 of node_modules/.bin under npm scripts', () => {
    expect(unsupportedNode()).toBeNull();
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it.runIf(olderSystemNode)('makes the hub exit 78 with the reason on an older system Node', () => {
    const run = spawnSync('/usr/bin/node', ['--import', 'tsx', 'src/app/main.ts'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', DATA_DIR: '/nonexistent/never-created' },
      timeout: 60_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/needs Node.js 24.11 or later.*npm start/);
  });
});
