import type { KeyValueStore } from '../../platform/kv.js';
import { equalBytes } from '../../shared/constant-time.js';
import type { ConnectMethod } from './methods.js';
import { connectSessionId } from './token.js';

/**
 * A Connect session lives in the platform kv (Redis in production, shared by every instance) under
 * the token's hash, with a TTL: it is a short-lived capability like an OAuth state, not a fact of
 * the domain, so it stays out of the event log (which would keep it for ever) and needs no
 * projection before the first page view. A Redis restart forgets it; the product creates another.
 */
export interface ConnectSession {
  tenantId: string;
  /** In the order the product gave them, each with how the page connects it (decided at creation). */
  providers: Array<{ id: string; method: ConnectMethod }>;
  /** Allowlisted; gets `connection_id` once connected. */
  redirectUri: string | null;
  expiresAt: string;
  /** Forms carry it back; compared in constant time. */
  csrf: string;
  /** Set once: the session is used up. */
  connected: { connectionId: string; provider: string } | null;
  /** The last failed attempt, for the result page (a user can try again). */
  failure: { provider: string; message: string } | null;
  /** Credential attempts that failed so far (absent: none; sessions stored before it was counted). */
  failedAttempts?: number;
}

/**
 * Failed credential attempts a session allows: enough for typos, too few to use a link as a way to
 * try keys against a provider's test request. After them the link is spent (the product makes a new one).
 */
export const MAX_FAILED_ATTEMPTS = 10;

/** How long an expired or used session is still remembered, so its link says "expired" (410), not "unknown". */
export const GRACE_MS = 60 * 60_000;

export type SessionLookup =
  | { state: 'open' | 'used'; id: string; session: ConnectSession }
  | { state: 'expired' | 'unknown' };

const sessionKey = (id: string) => `connect-session:${id}`;
const claimKey = (id: string) => `connect-session-claim:${id}`;

export async function saveSession(
  kv: KeyValueStore,
  id: string,
  session: ConnectSession,
  now: Date,
): Promise<void> {
  const ttlMs = new Date(session.expiresAt).getTime() + GRACE_MS - now.getTime();
  if (ttlMs > 0) await kv.set(sessionKey(id), JSON.stringify(session), { ttlMs: Math.ceil(ttlMs) });
}

export async function lookupSession(kv: KeyValueStore, token: string, now: Date): Promise<SessionLookup> {
  const id = connectSessionId(token);
  return lookupSessionById(kv, id, now);
}

export async function lookupSessionById(kv: KeyValueStore, id: string, now: Date): Promise<SessionLookup> {
  const value = await kv.get(sessionKey(id));
  if (value === null) return { state: 'unknown' };
  const session = JSON.parse(value) as ConnectSession;
  if (session.connected) return { state: 'used', id, session };
  if (new Date(session.expiresAt).getTime() <= now.getTime()) return { state: 'expired' };
  return { state: 'open', id, session };
}

/**
 * One attempt at a time per session: true for exactly one caller until `releaseClaim` (or a
 * minute), so two submissions of the same form cannot both create a connection.
 */
export const claimSession = (kv: KeyValueStore, id: string): Promise<boolean> =>
  kv.setIfAbsent(claimKey(id), '1', { ttlMs: 60_000 });

export const releaseClaim = async (kv: KeyValueStore, id: string): Promise<void> => {
  await kv.delete(claimKey(id));
};

export function csrfMatches(session: ConnectSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  return equalBytes(Buffer.from(presented), Buffer.from(session.csrf));
}
