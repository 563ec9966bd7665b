import { describe, expect, it } from 'vitest';
import {
  newState,
  type PendingAuthorization,
  rememberAuthorization,
  returnAuthorization,
  STATE_TTL_MS,
  stateHash,
  takeAuthorization,
} from '../../../src/connections/install/oauth-state.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/kv-memory.js';

const startedAt = Date.parse('2026-01-01T00:00:00Z');
const pending: PendingAuthorization = {
  tenantId: 'acme',
  provider: 'github',
  connectionId: 'conn_1',
  integration: 'tenant',
  callbackUri: 'https://hub.example/oauth/callback',
  redirectUri: null,
  codeVerifier: null,
  scopes: ['repo'],
  expiresAt: new Date(startedAt + STATE_TTL_MS).toISOString(),
};

function store() {
  let clock = startedAt;
  const kv = new MemoryKeyValueStore({ now: () => clock });
  return { kv, advance: (ms: number) => (clock += ms), at: () => new Date(clock) };
}

describe('OAuth state', () => {
  it('is 256 random bits, url-safe, new every time', () => {
    const state = newState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newState()).not.toBe(state);
  });

  it('is remembered under its hash only, so the store never holds a usable state', async () => {
    const { kv } = store();
    const state = newState();
    await rememberAuthorization(kv, state, pending);
    expect(await kv.get(`oauth-state:${state}`)).toBeNull();
    expect(JSON.parse((await kv.get(`oauth-state:${stateHash(state)}`)) ?? 'null')).toEqual(pending);
  });

  it('is taken once: the second callback with the same state finds nothing', async () => {
    const { kv, at } = store();
    const state = newState();
    await rememberAuthorization(kv, state, pending);
    expect(await takeAuthorization(kv, state, at())).toEqual(pending);
    expect(await takeAuthorization(kv, state, at())).toBeNull();
    expect(await takeAuthorization(kv, newState(), at())).toBeNull();
  });

  it('expires after 10 minutes, by the store and by its own expiry time alike', async () => {
    const { kv, advance, at } = store();
    const state = newState();
    await rememberAuthorization(kv, state, pending);
    advance(STATE_TTL_MS);
    expect(await takeAuthorization(kv, state, at())).toBeNull();

    // A store that has not expired it yet (a lazy one, or another clock): the recorded expiry decides.
    const other = store();
    await rememberAuthorization(other.kv, state, pending, STATE_TTL_MS * 2);
    expect(await takeAuthorization(other.kv, state, new Date(startedAt + STATE_TTL_MS))).toBeNull();
  });

  it('refuses to remember a state twice', async () => {
    const { kv } = store();
    const state = newState();
    await rememberAuthorization(kv, state, pending);
    await expect(rememberAuthorization(kv, state, pending)).rejects.toThrow('OAuth state collision');
  });

  it('goes back for what is left of its lifetime when the wrong caller took it, and not once expired', async () => {
    const { kv, advance, at } = store();
    const state = newState();
    await rememberAuthorization(kv, state, pending);
    advance(4 * 60_000);
    const taken = await takeAuthorization(kv, state, at());
    await returnAuthorization(kv, state, taken as PendingAuthorization, at());
    advance(6 * 60_000 - 1);
    expect(await takeAuthorization(kv, state, at())).toEqual(pending);

    await returnAuthorization(kv, state, pending, new Date(startedAt + STATE_TTL_MS));
    expect(await kv.get(`oauth-state:${stateHash(state)}`)).toBeNull();
  });
});
