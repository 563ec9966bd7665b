import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { StartupError } from '../../src/platform/startup.js';
import { masterKeyId } from '../../src/vault/local-kms.js';
import { loadLocalKms, MASTER_KEY_FILE } from '../../src/vault/master-keys.js';

const logger = () => ({ warn: vi.fn() });

describe('master keys from configuration', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sb-master-keys-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('embedded without a key: creates DATA_DIR/master.key once (0600), reuses it, warns loudly once', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const config = { ...loadConfig({ DATA_DIR: dataDir }), dataDir };
    expect(config.profile).toBe('embedded');
    const log = logger();

    const first = await loadLocalKms(config, log);
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    expect(stored).toHaveLength(32);
    expect(first.currentKeyId).toBe(masterKeyId(stored));
    expect(log.warn).toHaveBeenCalledTimes(1);
    const [details, message] = log.warn.mock.calls[0]!;
    expect(message).toContain('DEVELOPMENT ONLY');
    expect(message).toContain('SWITCHBOARD_MASTER_KEY');
    expect(JSON.stringify([details, message])).not.toContain(stored.toString('base64'));

    const aad = Buffer.from('t/k');
    const dataKey = randomBytes(32);
    const wrapped = await first.wrap(dataKey, aad);
    const again = await loadLocalKms(config, log);
    expect(again.currentKeyId).toBe(first.currentKeyId);
    expect((await again.unwrap(wrapped.keyId, wrapped.wrapped, aad)).equals(dataKey)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(`${stored.toString('base64')}\n`);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('warns about a key file others can read, and refuses one that holds no key without printing it', async () => {
    const file = path.join(root, MASTER_KEY_FILE);
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
    const log = logger();
    await loadLocalKms({ ...loadConfig({}), dataDir: root }, log);
    expect(log.warn.mock.calls.some(([, message]) => String(message).includes('chmod 600'))).toBe(true);

    await writeFile(file, 'not-a-key-hunter2\n', { mode: 0o600 });
    const error = await loadLocalKms({ ...loadConfig({}), dataDir: root }, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).variable).toBe('DATA_DIR');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('production without SWITCHBOARD_MASTER_KEY refuses to start, naming it, and writes no key file', async () => {
    const config = { ...loadConfig({ DATABASE_URL: 'postgres://db.internal/switchboard' }), dataDir: root };
    expect(config.profile).toBe('production');
    const error = await loadLocalKms(config, logger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).variable).toBe('SWITCHBOARD_MASTER_KEY');
    expect((error as Error).message).toContain('production');
    await expect(stat(path.join(root, MASTER_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses SWITCHBOARD_MASTER_KEY as current and SWITCHBOARD_MASTER_KEYS_PREVIOUS as still-readable', async () => {
    const [current, old1, old2] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.internal/switchboard',
      SWITCHBOARD_MASTER_KEY: current.toString('base64'),
      SWITCHBOARD_MASTER_KEYS_PREVIOUS: ` ${old1.toString('base64')}, ${old2.toString('base64')},`,
    });
    expect(config.previousMasterKeys).toEqual([old1, old2]);
    const log = logger();
    const kms = await loadLocalKms({ ...config, dataDir: root }, log);
    expect(kms.keyIds).toEqual([current, old1, old2].map(masterKeyId));
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('reports a bad SWITCHBOARD_MASTER_KEYS_PREVIOUS entry by position, never by value', () => {
    const error = (() => {
      try {
        loadConfig({
          SWITCHBOARD_MASTER_KEYS_PREVIOUS: `${randomBytes(32).toString('base64')},c2hvcnQtc2VjcmV0`,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'SWITCHBOARD_MASTER_KEYS_PREVIOUS', message: 'entry 2 must be 32 bytes, base64-encoded' },
    ]);
    expect(loadConfig({}).previousMasterKeys).toEqual([]);
  });
});
