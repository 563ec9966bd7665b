import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../platform/kv.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { BadUserInputError, ConflictError } from '../../shared/errors.js';
import type { ActionResult } from './types.js';

/**
 * The hub's own dedupe of repeated invocations (ActionInvocation.idempotencyKey), in the platform
 * KV (Redis across instances, memory in one process): the first invocation with a key claims it;
 * a repeat with the same input gets the stored result (`replayed: true`) without calling the
 * provider; a repeat with another input, or while the first is still running, is a CONFLICT. A
 * failed invocation releases its key so the caller can retry it. Results are kept 24 hours and
 * hold only the action's output (ids, URLs), never credentials.
 */
const RESULT_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim outlives the longest invocation (retries within the provider client's deadlines). */
const CLAIM_TTL_MS = 5 * 60 * 1000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** A result as JSON: the rate-limit reset as an ISO string. */
type StoredResult = Omit<ActionResult, 'replayed' | 'rateLimit'> & {
  rateLimit: { remaining: number | null; resetAt: string | null };
};

type Stored = { state: 'running'; input: string } | { state: 'done'; input: string; result: StoredResult };

export interface IdempotencyClaim {
  /** The stored result of an earlier invocation with this key and input, if any. */
  replay: ActionResult | null;
  complete(result: ActionResult): Promise<void>;
  release(): Promise<void>;
}

export function checkIdempotencyKey(key: string): void {
  if (!KEY_SHAPE.test(key)) {
    throw new BadUserInputError('idempotencyKey must be 1 to 255 visible ASCII characters', undefined, {
      field: 'idempotencyKey',
    });
  }
}

export async function claimIdempotencyKey(
  kv: KeyValueStore,
  scope: { tenantId: string; connectionId: string; action: string; key: string },
  input: unknown,
): Promise<IdempotencyClaim> {
  const kvKey = `actions:idempotency:${scope.tenantId}:${scope.connectionId}:${digest(`${scope.action}\n${scope.key}`)}`;
  const inputDigest = digest(canonicalJson(input));
  const running: Stored = { state: 'running', input: inputDigest };
  const claimed = await kv.setIfAbsent(kvKey, JSON.stringify(running), { ttlMs: CLAIM_TTL_MS });
  const noop = { complete: async () => {}, release: async () => {} };
  if (!claimed) {
    const raw = await kv.get(kvKey);
    const stored = raw === null ? null : (JSON.parse(raw) as Stored);
    if (stored?.input !== undefined && stored.input !== inputDigest) {
      throw new ConflictError('idempotencyKey was already used with another input', { action: scope.action });
    }
    if (stored?.state === 'done') {
      const { result } = stored;
      const rateLimit = {
        remaining: result.rateLimit.remaining,
        resetAt: result.rateLimit.resetAt === null ? null : new Date(result.rateLimit.resetAt),
      };
      return { replay: { ...result, rateLimit, replayed: true }, ...noop };
    }
    throw new ConflictError('An invocation with this idempotencyKey is still running; ask again shortly', {
      action: scope.action,
    });
  }
  return {
    replay: null,
    async complete(result) {
      const { replayed: _, ...kept } = result;
      const done: Stored = {
        state: 'done',
        input: inputDigest,
        result: {
          ...kept,
          rateLimit: {
            remaining: kept.rateLimit.remaining,
            resetAt: kept.rateLimit.resetAt?.toISOString() ?? null,
          },
        },
      };
      await kv.set(kvKey, JSON.stringify(done), { ttlMs: RESULT_TTL_MS });
    },
    async release() {
      await kv.delete(kvKey);
    },
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');
