import { chmod, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from './process.js';

/** Every entry under `root` (itself included) whose permissions let anyone but the owner in. */
async function openToOthers(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (at: string) => {
    const stats = await lstat(at);
    const mode = stats.mode & 0o777;
    const expected = stats.isDirectory() ? 0o700 : 0o600;
    if (!stats.isSymbolicLink() && mode !== expected) {
      found.push(`${path.relative(root, at) || '.'} 0${mode.toString(8)}`);
    }
    if (stats.isDirectory()) {
      for (const entry of await readdir(at)) await visit(path.join(at, entry));
    }
  };
  await visit(root);
  return found;
}

/** The hub's process inherits this umask (0: nothing masked, the most permissive one). */
async function startUnderUmask(mask: number, env: Record<string, string>) {
  const previous = process.umask(mask);
  try {
    return await startHub(env, 100_000);
  } finally {
    process.umask(previous);
  }
}

describe('the embedded data directory is private (PGlite, master key)', () => {
  let parent: string;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(os.tmpdir(), 'sb-perms-'));
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  // Two PGlite databases are created from scratch: on a busy 2-core machine that takes a while.
  it('keeps DATA_DIR 0700 and its files 0600 under umask 000, tightening one left open, and says so', {
    timeout: 150_000,
  }, async () => {
    // An operator made DATA_DIR and left it (and a file, and the read models' directory) open.
    const dataDir = path.join(parent, 'data');
    await mkdir(path.join(dataDir, 'readmodels'), { recursive: true });
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, 'readmodels'), 0o777);
    await writeFile(path.join(dataDir, 'notes.txt'), 'left by an operator\n');
    await chmod(path.join(dataDir, 'notes.txt'), 0o644);

    const hub = await startUnderUmask(0, { DATA_DIR: dataDir });
    try {
      expect(await openToOthers(dataDir)).toEqual([]);
      expect(hub.output()).toContain(`The data directory ${dataDir} was open to other users (0755)`);
    } finally {
      expect(await hub.stop()).toBe(0);
    }
    // Files PGlite created while it ran (new tables, WAL segments) are closed 0600 too.
    expect(await openToOthers(dataDir)).toEqual([]);
    expect(await readdir(dataDir)).toEqual(
      expect.arrayContaining(['eventstore', 'readmodels', 'master.key']),
    );
  });
});
