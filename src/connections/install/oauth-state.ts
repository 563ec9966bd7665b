import { createHash, randomBytes } from 'node:crypto';
import type { IntegrationScope } from '../../events/connection.js';
import type { KeyValueStore } from '../../platform/kv.js';
import type { Sealed } from '../../vault/sealed.js';

/** An authorization must come back within this long. */
export const STATE_TTL_MS = 10 * 60_000;

/**
 * What startConnection remembers about one authorization, until its callback. The state binds it
 * to tenant, provider and redirect; the code verifier is sealed for (tenant, connection), so the
 * kv store (Redis) never holds a usable verifier, and the key is the state's hash, so it never
 * holds a usable state either.
 */
export interface PendingAuthorization {
  tenantId: string;
  provider: string;
  connectionId: string;
  integration: IntegrationScope;
  /** The redirect_uri sent to the provider (our callback); the exchange must repeat it. */
  callbackUri: string;
  /** Where the user goes afterwards; null shows our result page. */
  redirectUri: string | null;
  codeVerifier: Sealed | null;
  /** Started from a Connect session (its id, and its token sealed for the result page's address). */
  connectSession?: { id: string; token: Sealed } | null;
  /** Provider scopes asked for, taken as granted when the token response lists none. */
  scopes: string[];
  expiresAt: string;
}

export const newState = (): string => randomBytes(32).toString('base64url');

export const stateHash = (state: string): string => createHash('sha256').update(state).digest('hex');

const key = (state: string) => `oauth-state:${stateHash(state)}`;

export async function rememberAuthorization(
  kv: KeyValueStore,
  state: string,
  pending: PendingAuthorization,
  ttlMs = STATE_TTL_MS,
): Promise<void> {
  const stored = await kv.setIfAbsent(key(state), JSON.stringify(pending), { ttlMs });
  if (!stored) throw new Error('OAuth state collision'); // 256 random bits: never, unless the RNG is broken
}

/** Single use: exactly one caller gets the authorization; expired ones are gone. */
export async function takeAuthorization(
  kv: KeyValueStore,
  state: string,
  now: Date,
): Promise<PendingAuthorization | null> {
  const value = await kv.take(key(state));
  if (value === null) return null;
  const pending = JSON.parse(value) as PendingAuthorization;
  // The kv TTL is the rule; this guards clocks and stores that expire lazily.
  return new Date(pending.expiresAt).getTime() > now.getTime() ? pending : null;
}

/** Puts an authorization taken by the wrong caller back, for what is left of its lifetime. */
export async function returnAuthorization(
  kv: KeyValueStore,
  state: string,
  pending: PendingAuthorization,
  now: Date,
): Promise<void> {
  const ttlMs = new Date(pending.expiresAt).getTime() - now.getTime();
  if (ttlMs > 0) await kv.setIfAbsent(key(state), JSON.stringify(pending), { ttlMs: Math.ceil(ttlMs) });
}
