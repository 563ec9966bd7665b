/**
 * Published after the credentials read model commits a change to some connections' credentials
 * (issued, rotated, refresh failed, reauthorization required, revoked): every instance's proxy
 * drops the credentials it cached for them, so a rotated or revoked token is not used again.
 */
export const CREDENTIALS_CHANGED_TOPIC = 'credentials:changed';

export interface CredentialsChanged {
  connectionIds: string[];
}
