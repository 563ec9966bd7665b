import { randomBytes } from 'node:crypto';
import { LocalKms } from '../../src/vault/local-kms.js';
import { MemoryTenantKeyStore } from '../../src/vault/memory-key-store.js';
import { TokenVault } from '../../src/vault/vault.js';

/** A real vault (AES-GCM, per-tenant keys, shredding) whose keys live in memory. */
export const memoryVault = (): TokenVault =>
  new TokenVault({ kms: new LocalKms(randomBytes(32)), keys: new MemoryTenantKeyStore() });
