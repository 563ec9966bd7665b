import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded profile keeps everything (the event log, the read models, the generated master key)
 * under DATA_DIR: only its owner may read it. PGlite creates its files 0666 whatever the umask, so
 * the directory is what keeps others out, and its files are tightened when opened and when closed.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** An entry found open to others and tightened, for a warning. */
export interface Tightened {
  path: string;
  /** The mode it had, e.g. `0755`. */
  was: string;
}

/**
 * Creates `dir` 0700 (parents too, when missing), then tightens it and everything under it: dirs to
 * 0700, files to 0600. Symbolic links are left alone (chmod would follow them out of the tree).
 */
export async function makePrivateTree(dir: string): Promise<Tightened[]> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const tightened: Tightened[] = [];
  await tighten(path.resolve(dir), tightened);
  return tightened;
}

async function tighten(at: string, tightened: Tightened[]): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(at);
  } catch (error) {
    // PGlite may remove a temporary file between readdir and lstat.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (stats.isSymbolicLink()) return;
  const directory = stats.isDirectory();
  const mode = stats.mode & 0o777;
  const wanted = directory ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  if ((mode & ~wanted) !== 0) {
    await chmod(at, mode & wanted);
    tightened.push({ path: at, was: `0${mode.toString(8)}` });
  }
  if (!directory) return;
  for (const entry of await readdir(at)) await tighten(path.join(at, entry), tightened);
}

let umaskHolders = 0;
let savedUmask: number | undefined;

/**
 * Runs `work` with umask 077, so the directories PGlite creates meanwhile are 0700 from the start.
 * Process-wide, so overlapping callers share one change, restored when the last one is done. Worker
 * threads cannot change the umask: there `work` runs as is and makePrivateTree has to do it all.
 */
export async function withPrivateUmask<T>(work: () => Promise<T>): Promise<T> {
  let held = false;
  try {
    if (umaskHolders === 0) savedUmask = process.umask(0o077);
    umaskHolders++;
    held = true;
  } catch {}
  try {
    return await work();
  } finally {
    if (held && --umaskHolders === 0 && savedUmask !== undefined) process.umask(savedUmask);
  }
}

/**
 * makePrivateTree for a data directory being opened, with a warning when it was open to others. Only
 * the directory itself is worth one: files left 0666 by a crash inside a 0700 directory were never
 * reachable by anyone else.
 */
export async function openPrivateDataDir(
  dataDir: string,
  logger: { warn(bindings: object, message: string): void },
): Promise<void> {
  const root = path.resolve(dataDir);
  const tightened = await makePrivateTree(root);
  const opened = tightened.find((entry) => entry.path === root);
  if (opened) {
    logger.warn(
      { dataDir: root, mode: opened.was, tightened: tightened.length },
      `The data directory ${root} was open to other users (${opened.was}): tightened to 0700, its files to 0600`,
    );
  }
}
