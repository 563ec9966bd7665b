import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_KEY_FILE, AuditSigningKey, loadAuditSigningKey } from '../../src/audit/index.js';
import { parseAuditSigningKey } from '../../src/config/audit-signing-key.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { StartupError } from '../../src/platform/startup.js';

const logger = () => ({ warn: vi.fn() });
const PRODUCTION = { DATABASE_URL: 'postgres://db.internal/switchboard' };

/** An Ed25519 key as the two forms SWITCHBOARD_AUDIT_SIGNING_KEY takes: PKCS#8 PEM and the raw seed. */
function ed25519Key(): { pem: string; seed: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const { d } = privateKey.export({ format: 'jwk' }) as { d: string };
  return { pem, seed: Buffer.from(d, 'base64url').toString('base64') };
}

describe('audit seal configuration', () => {
  it('seals every 60 s or 10,000 events by default, and takes both from the environment', () => {
    expect(loadConfig({}).audit).toMatchObject({
      sealEveryMs: 60_000,
      sealEveryEvents: 10_000,
      signingKey: null,
    });
    expect(
      loadConfig({ SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS: '5', SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: '250' })
        .audit,
    ).toMatchObject({ sealEveryMs: 5_000, sealEveryEvents: 250 });
  });

  it('reads the signing key as PKCS#8 PEM or as its base64 seed (one key id), and refuses anything else by name, never by value', () => {
    const { pem, seed } = ed25519Key();
    const fromPem = new AuditSigningKey(parseAuditSigningKey(pem));
    expect(new AuditSigningKey(parseAuditSigningKey(seed)).keyId).toBe(fromPem.keyId);
    // A PEM in a one-line environment variable, its newlines written as \n.
    expect(new AuditSigningKey(parseAuditSigningKey(pem.trim().replace(/\n/g, '\\n'))).keyId).toBe(
      fromPem.keyId,
    );

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    for (const [value, message] of [
      [rsa, 'must be an Ed25519 key, not rsa'],
      ['c2hvcnQtc2VjcmV0', 'must be an Ed25519 private key: PKCS#8 PEM, or its 32-byte seed in base64'],
      [
        '-----BEGIN PRIVATE KEY-----\nhunter2\n-----END PRIVATE KEY-----',
        'is not a readable PEM private key',
      ],
    ]) {
      const error = (() => {
        try {
          loadConfig({ SWITCHBOARD_AUDIT_SIGNING_KEY: value });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        { variable: 'SWITCHBOARD_AUDIT_SIGNING_KEY', message },
      ]);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('the audit signing key at startup', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sb-audit-key-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('embedded without a key: creates DATA_DIR/audit-signing.key once (0600), reuses it, warns loudly once', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const config = { ...loadConfig({ DATA_DIR: dataDir }), dataDir };
    expect(config.profile).toBe('embedded');
    const log = logger();

    const first = await loadAuditSigningKey(config, log);
    const file = path.join(dataDir, AUDIT_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = (await readFile(file, 'utf8')).trim();
    expect(new AuditSigningKey(parseAuditSigningKey(stored)).keyId).toBe(first.keyId);
    expect(log.warn).toHaveBeenCalledTimes(1);
    const [details, message] = log.warn.mock.calls[0]!;
    expect(message).toContain('DEVELOPMENT ONLY');
    expect(message).toContain('SWITCHBOARD_AUDIT_SIGNING_KEY');
    expect(JSON.stringify([details, message])).not.toContain(stored);

    const again = await loadAuditSigningKey(config, log);
    expect(again.keyId).toBe(first.keyId);
    expect((await readFile(file, 'utf8')).trim()).toBe(stored);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('production without SWITCHBOARD_AUDIT_SIGNING_KEY refuses to start, naming it, and writes no key file', async () => {
    const config = { ...loadConfig(PRODUCTION), dataDir: root };
    expect(config.profile).toBe('production');
    const error = await loadAuditSigningKey(config, logger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).variable).toBe('SWITCHBOARD_AUDIT_SIGNING_KEY');
    expect((error as Error).message).toContain('production');
    await expect(stat(path.join(root, AUDIT_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses SWITCHBOARD_AUDIT_SIGNING_KEY when set, in any profile, without a warning or a key file', async () => {
    const { pem } = ed25519Key();
    const expected = new AuditSigningKey(parseAuditSigningKey(pem)).keyId;
    for (const env of [{}, PRODUCTION]) {
      const log = logger();
      const config = { ...loadConfig({ ...env, SWITCHBOARD_AUDIT_SIGNING_KEY: pem }), dataDir: root };
      expect((await loadAuditSigningKey(config, log)).keyId).toBe(expected);
      expect(log.warn).not.toHaveBeenCalled();
    }
    await expect(stat(path.join(root, AUDIT_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
