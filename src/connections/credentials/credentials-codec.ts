import type { TokenSet } from '../../oauth/index.js';
import type { Sealed } from '../../vault/sealed.js';
import type { TokenVault } from '../../vault/vault.js';

/**
 * What a connection's sealed secret holds, by mode. The JSON is sealed as a whole for
 * (tenant, connection): one ciphertext per TokenIssued/TokenRotated event and credentials row.
 */
export type StoredCredentials =
  | {
      kind: 'oauth2' | 'oauth2_cc';
      accessToken: string;
      refreshToken: string | null;
      tokenType: string;
      /** Slack's user token beside the bot token. */
      userToken?: { accessToken: string; refreshToken: string | null; userId: string | null } | null;
    }
  | { kind: 'api_key'; apiKey: string }
  | { kind: 'basic'; username: string; password: string };

export type TokenCredentials = Extract<StoredCredentials, { kind: 'oauth2' | 'oauth2_cc' }>;

export function fromTokenSet(kind: 'oauth2' | 'oauth2_cc', tokens: TokenSet): TokenCredentials {
  return {
    kind,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    tokenType: tokens.tokenType,
    userToken: tokens.userToken
      ? {
          accessToken: tokens.userToken.accessToken,
          refreshToken: tokens.userToken.refreshToken,
          userId: tokens.userToken.userId,
        }
      : null,
  };
}

export function sealCredentials(
  vault: TokenVault,
  tenantId: string,
  connectionId: string,
  credentials: StoredCredentials,
): Promise<Sealed> {
  return vault.encrypt(tenantId, connectionId, JSON.stringify(credentials));
}

export async function openCredentials(
  vault: TokenVault,
  tenantId: string,
  connectionId: string,
  sealed: Sealed,
): Promise<StoredCredentials> {
  const plaintext = await vault.decrypt(tenantId, connectionId, sealed);
  try {
    return JSON.parse(plaintext.toString('utf8')) as StoredCredentials;
  } finally {
    plaintext.fill(0);
  }
}
