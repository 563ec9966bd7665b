import { LruTtlCache } from '../vault/key-cache.js';
import type { Sealed } from '../vault/sealed.js';
import type { WebhookTarget, WebhookTargets } from './targets.js';

/** What a delivery is verified with: the target and its secret in plaintext ('' when none is set). */
export interface ResolvedTarget extends WebhookTarget {
  plainSecret: Buffer | '';
}

export interface SecretOpener {
  decrypt(tenantId: string, connectionId: string, sealed: Sealed): Promise<Buffer>;
}

export interface ResolvedTargetsOptions {
  targets: WebhookTargets;
  vault: SecretOpener;
  /** How long a looked-up connection is trusted (default 1 s). */
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * The webhook hot path would otherwise cost a read-model query and a decryption per delivery.
 * Looked-up targets (secret opened) are kept for a second: at a busy connection's rate that saves
 * nearly every lookup, while a rotated-away secret (a leaked one, say) stays usable on an instance
 * for at most that second. The gateway asks again with `fresh` when a signature fails, so the new
 * secret is accepted at once.
 */
export class ResolvedTargets {
  readonly #targets: WebhookTargets;
  readonly #vault: SecretOpener;
  readonly #cache: LruTtlCache<string, ResolvedTarget>;

  constructor(options: ResolvedTargetsOptions) {
    this.#targets = options.targets;
    this.#vault = options.vault;
    this.#cache = new LruTtlCache({
      maxEntries: options.maxEntries ?? 10_000,
      ttlMs: options.ttlMs ?? 1_000,
    });
  }

  byConnection(provider: string, connectionId: string, fresh = false): Promise<ResolvedTarget | null> {
    return this.#cached(`c\u0000${provider}\u0000${connectionId}`, fresh, () =>
      this.#targets.byConnection(provider, connectionId),
    );
  }

  byRoutingId(provider: string, routingId: string, fresh = false): Promise<ResolvedTarget | null> {
    return this.#cached(`r\u0000${provider}\u0000${routingId}`, fresh, () =>
      this.#targets.byRoutingId(provider, routingId),
    );
  }

  async #cached(
    key: string,
    fresh: boolean,
    load: () => Promise<WebhookTarget | null>,
  ): Promise<ResolvedTarget | null> {
    if (!fresh) {
      const hit = this.#cache.get(key);
      if (hit !== undefined) return hit;
    }
    const target = await load();
    // Unknown connections are not remembered: one created a moment later must be found at once.
    if (!target) return null;
    const resolved: ResolvedTarget = {
      ...target,
      plainSecret: target.secret
        ? await this.#vault.decrypt(target.tenantId, target.connectionId, target.secret)
        : '',
    };
    this.#cache.set(key, resolved);
    return resolved;
  }
}
