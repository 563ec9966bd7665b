import path from 'node:path';
import type { Config } from '../config/config.js';
import { StartupError } from '../platform/startup.js';
import { readOrCreateKeyFile } from './key-file.js';
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
  const key = await readOrCreateKeyFile(file, {
    what: 'the master key',
    lossWarning: 'without it the stored tokens cannot be decrypted',
    logger,
  });
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
