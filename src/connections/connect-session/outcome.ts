import type { ConnectionDeps } from '../../commands/deps.js';
import { lookupSessionById, saveSession } from './store.js';

/** The OAuth callback's outcome, recorded on the session that started it. */
export async function recordSessionOutcome(
  deps: ConnectionDeps,
  sessionId: string,
  outcome: { connectionId: string; provider: string } | { provider: string; message: string },
): Promise<void> {
  const lookup = await lookupSessionById(deps.kv, sessionId, deps.now());
  // Used already (a second authorization finished later) or gone: the first result stands.
  if (lookup.state !== 'open') return;
  const update =
    'connectionId' in outcome
      ? { connected: { connectionId: outcome.connectionId, provider: outcome.provider }, failure: null }
      : { failure: { provider: outcome.provider, message: outcome.message } };
  await saveSession(deps.kv, sessionId, { ...lookup.session, ...update }, deps.now());
}
