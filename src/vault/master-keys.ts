import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { StartupError } from '../platform/startup.js';
import { KEY_BYTES } from './aead.js';
import { LocalKms } from './local-kms.js';

/** Where the embedded profile keeps its generated master key, inside DATA_DIR. */
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKeyLogger {
  warn(details: object, message: string): void;
}

type MasterKeyConfig = Pick<Config, 'profile' | 'dataDir' | 'masterKey' | 'previousMasterKeys'>;

/** Warned about once per process and file, not at every runtime the tests create. */
const warnedFiles = new Set<string>();

/**
 * The key ring for this process: SWITCHBOARD_MASTER_KEY (current) plus
 * SWITCHBOARD_MASTER_KEYS_PREVIOUS. Without SWITCHBOARD_MASTER_KEY, production refuses to start
 * (a generated key beside the database protects nothing), and the embedded profile generates
 * DATA_DIR/master.key once and reuses it, saying loudly that it is for development only.
 */
export async function loadLocalKms(config: MasterKeyConfig, logger: MasterKeyLogger): Promise<LocalKms> {
  if (config.masterKey) return new LocalKms(config.masterKey, config.previousMasterKeys);
  if (config.profile === 'production') {
    throw new StartupError(
      'SWITCHBOARD_MASTER_KEY',
      'is required in the production profile: it wraps every tenant data key, and a key generated on ' +
        'the server would sit beside the data it protects. Set it to 32 random bytes, base64-encoded ' +
        '(for example `openssl rand -base64 32`), kept in your secret manager.',
    );
  }
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  const key = await readOrCreateKeyFile(file, logger);
  try {
    if (!warnedFiles.has(file)) {
      warnedFiles.add(file);
      logger.warn(
        { file, variable: 'SWITCHBOARD_MASTER_KEY' },
        `DEVELOPMENT ONLY: no SWITCHBOARD_MASTER_KEY, so tokens are encrypted under the generated key in ${file}. ` +
          'Anyone with that file and a copy of the data directory can read every stored token. ' +
          'Set SWITCHBOARD_MASTER_KEY (32 random bytes, base64) for anything that holds real accounts.',
      );
    }
    return new LocalKms(key, config.previousMasterKeys);
  } finally {
    // The ring holds its own copy (a KeyObject).
    key.fill(0);
  }
}

async function readOrCreateKeyFile(file: string, logger: MasterKeyLogger): Promise<Buffer> {
  // DATA_DIR holds the databases too: created for its owner only (the runtime tightens an existing one).
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
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
    logger.warn(
      { file, mode: `0${mode.toString(8)}` },
      `${file} is readable by other users: chmod 600 it, it holds the master key`,
    );
  }
  const text = await readFile(file, 'utf8');
  const existing = Buffer.from(text.trim(), 'base64');
  if (existing.length !== KEY_BYTES) {
    existing.fill(0);
    throw new StartupError(
      'DATA_DIR',
      `${file} does not hold a master key (32 bytes, base64). Restore it from a backup: without it the ` +
        'stored tokens cannot be decrypted. Delete it only if that data may be lost.',
    );
  }
  return existing;
}
