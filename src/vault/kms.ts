/**
 * The master-key port. A data key never leaves the vault unwrapped; the service that holds the
 * master keys only ever sees it for the moment of wrapping or unwrapping. LocalKms implements it
 * with keys from the environment; a cloud KMS adapter (AWS KMS, GCP KMS, Vault transit) would
 * implement the same three members.
 */
export interface WrappedKey {
  /** Id of the master key that wrapped it: what `unwrap` needs back. */
  keyId: string;
  wrapped: Buffer;
}

export interface KeyEncryptionService {
  /** The master key new wraps use; rewrapAll moves everything else onto it. */
  readonly currentKeyId: string;
  /** `aad` binds the wrapped key to its owner (tenant and data key id): a row moved elsewhere fails to unwrap. */
  wrap(plaintextKey: Buffer, aad: Buffer): Promise<WrappedKey>;
  /**
   * Throws MasterKeyUnavailableError for a key id it does not hold, DataKeyUnwrapFailedError when
   * `wrapped` or `aad` is not what was wrapped. The caller owns (and zero-fills) the result.
   */
  unwrap(keyId: string, wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}
