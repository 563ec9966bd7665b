export {
  DataKeyUnwrapFailedError,
  DecryptionFailedError,
  MasterKeyUnavailableError,
  TenantKeyDestroyedError,
} from './errors.js';
export type { TenantKeyStore } from './key-store.js';
export type { KeyEncryptionService, WrappedKey } from './kms.js';
export { LocalKms, masterKeyId } from './local-kms.js';
export { loadLocalKms, MASTER_KEY_FILE } from './master-keys.js';
export { PrismaTenantKeyStore } from './prisma-key-store.js';
export { type Sealed, SealedSchema } from './sealed.js';
export { TokenVault, type TokenVaultOptions } from './vault.js';
