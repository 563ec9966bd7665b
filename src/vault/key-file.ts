import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../platform/startup.js';

const KEY_FILE_BYTES = 32;

export interface KeyFileOptions {
  /** Named in warnings and errors: "the master key", "the audit signing key". */
  what: string;
  /** What is lost without the file, for the error that says it cannot be read. */
  lossWarning?: string;
  logger: { warn(details: object, message: string): void };
}

/**
 * 32 random bytes kept base64 in `file` (mode 0600): created once, exclusively, so two starts racing
 * on a fresh data directory agree on one key; read back on every later start. The caller owns the
 * returned buffer and should zero it.
 */
export async function readOrCreateKeyFile(file: string, options: KeyFileOptions): Promise<Buffer> {
  // DATA_DIR holds the databases too: created for its owner only (the runtime tightens an existing one).
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_FILE_BYTES);
  try {
    // `wx`: exclusive create, so two starts racing on a fresh data directory cannot both write one.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${key.toString('base64')}\n`);
      // The umask cannot widen 0600, but an odd one could narrow it to unusable; set it exactly.
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (error) {
    key.fill(0);
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) {
    options.logger.warn(
      { file, mode: `0${mode.toString(8)}` },
      `${file} is readable by other users: chmod 600 it, it holds ${options.what}`,
    );
  }
  const text = await readFile(file, 'utf8');
  const existing = Buffer.from(text.trim(), 'base64');
  if (existing.length !== KEY_FILE_BYTES) {
    existing.fill(0);
    throw new StartupError(
      'DATA_DIR',
      `${file} does not hold ${options.what} (32 bytes, base64). Restore it from a backup${
        options.lossWarning ? `: ${options.lossWarning}` : ''
      }. Delete it only if that may be lost.`,
    );
  }
  return existing;
}
