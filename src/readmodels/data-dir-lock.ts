import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DataDirLockedError } from './errors.js';

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

const held = new Set<string>();

/**
 * PGlite lets any number of processes open one data directory, and two writers corrupt it. A lock
 * file beside the directory (`<dataDir>.lock`, holding the pid) keeps it to one. A lock whose pid is
 * no longer alive is stale (the process crashed) and is taken over. Beside rather than inside, so the
 * data directory holds only what PGlite writes.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  const lockPath = `${dir}.lock`;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const pid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && (held.has(lockPath) || (pid !== process.pid && isAlive(pid)))) {
        throw new DataDirLockedError(dir, pid);
      }
      // Stale: its process is gone (or it is a leftover of this pid that no open in this process holds).
      await unlink(lockPath).catch(() => undefined);
    }
  }
  held.add(lockPath);
  const releaseOnExit = () => releaseSync(lockPath);
  process.once('exit', releaseOnExit);
  return {
    path: lockPath,
    release: async () => {
      if (!held.delete(lockPath)) return;
      process.off('exit', releaseOnExit);
      await unlink(lockPath).catch(() => undefined);
    },
  };
}

function releaseSync(lockPath: string): void {
  // Only on process exit; an async unlink would not run. A crash leaves the file, which is then stale.
  try {
    unlinkSync(lockPath);
  } catch {}
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
