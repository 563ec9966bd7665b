import type { WebhookTarget, WebhookTargets } from '../../readmodels/queries/webhook-targets.js';
import { LruTtlCache } from '../../vault/key-cache.js';
import type { Sealed } from '../../vault/sealed.js';

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
  /**
   * How long a target looked up by connection id is trusted (default 1 s). Longer is safe only
   * with `followChanges`, which drops a target the moment it changes.
   */
  ttlMs?: number;
  /** The same for app-level routing ids (default 1 s): a moved or released binding stops routing soon. */
  routingTtlMs?: number;
  maxEntries?: number;
}

/** What `followChanges` reads: change notices, and how many were lost to a full buffer. */
export interface TargetChanges extends AsyncIterable<unknown> {
  readonly dropped: number;
  /** Resolves once notices are delivered (a pubsub subscription's `ready`); rejects if it never will. */
  readonly ready?: Promise<void>;
}

export interface FollowOptions {
  /** Told of each failed subscription before the next attempt. */
  onError?: (error: unknown) => void;
  /** Pause before subscribing again, doubled per failure up to `maxRetryMs` (default 1 s, 30 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * The webhook hot path would otherwise cost a read-model query and a decryption per delivery.
 * Looked-up targets (secret opened) are kept: for a second by default, so a rotated-away secret (a
 * leaked one, say) stays usable on an instance for at most that second; longer when the instance
 * follows change notices (`followChanges`), which drop a target as soon as its change is projected.
 * The gateway asks again with `fresh` when a signature fails, so a new secret is accepted at once.
 */
export class ResolvedTargets {
  readonly #targets: WebhookTargets;
  readonly #vault: SecretOpener;
  readonly #byConnection: LruTtlCache<string, ResolvedTarget>;
  readonly #byRouting: LruTtlCache<string, ResolvedTarget>;
  /** Bumped by every forget: a lookup that started before one must not cache what it read. */
  #epoch = 0;

  constructor(options: ResolvedTargetsOptions) {
    this.#targets = options.targets;
    this.#vault = options.vault;
    const maxEntries = options.maxEntries ?? 10_000;
    this.#byConnection = new LruTtlCache({ maxEntries, ttlMs: options.ttlMs ?? 1_000 });
    this.#byRouting = new LruTtlCache({ maxEntries, ttlMs: options.routingTtlMs ?? 1_000 });
  }

  byConnection(provider: string, connectionId: string, fresh = false): Promise<ResolvedTarget | null> {
    return this.#cached(this.#byConnection, `${provider}\u0000${connectionId}`, fresh, () =>
      this.#targets.byConnection(provider, connectionId),
    );
  }

  byRoutingId(provider: string, routingId: string, fresh = false): Promise<ResolvedTarget | null> {
    return this.#cached(this.#byRouting, `${provider}\u0000${routingId}`, fresh, () =>
      this.#targets.byRoutingId(provider, routingId),
    );
  }

  /** Drops whatever is cached for these connections (their secret or status changed). */
  forget(connectionIds: Iterable<string>): void {
    const ids = new Set(connectionIds);
    this.#epoch++;
    const affected = (target: ResolvedTarget) => ids.has(target.connectionId);
    this.#byConnection.deleteWhere(affected);
    this.#byRouting.deleteWhere(affected);
  }

  forgetAll(): void {
    this.#epoch++;
    this.#byConnection.deleteWhere(() => true);
    this.#byRouting.deleteWhere(() => true);
  }

  /**
   * Applies change notices until `changes` ends (the pubsub closes). A notice lost to a full
   * buffer could be any connection's, so a gap empties the whole cache.
   */
  async followChanges(changes: TargetChanges): Promise<void> {
    let dropped = changes.dropped;
    for await (const notice of changes) {
      if (changes.dropped !== dropped) {
        dropped = changes.dropped;
        this.forgetAll();
      }
      const ids = (notice as { connectionIds?: unknown }).connectionIds;
      if (Array.isArray(ids)) this.forget(ids.filter((id): id is string => typeof id === 'string'));
      else this.forgetAll();
    }
  }

  /**
   * Follows change notices as long as the pubsub is open, subscribing again (after a pause) each
   * time the subscription fails, as it does when Redis is down: meanwhile cached targets live out
   * their TTL, and each new subscription starts by forgetting everything, since notices published
   * while there was none are lost. Returns when `subscribe` throws (the pubsub closed) or a
   * subscription ends without an error (closed with it).
   */
  async follow(subscribe: () => TargetChanges, options: FollowOptions = {}): Promise<void> {
    const firstRetryMs = options.retryMs ?? 1_000;
    let retryMs = firstRetryMs;
    for (;;) {
      let changes: TargetChanges;
      try {
        changes = subscribe();
      } catch {
        return;
      }
      try {
        await changes.ready;
        this.forgetAll();
        retryMs = firstRetryMs;
        await this.followChanges(changes);
        return;
      } catch (error) {
        options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
      retryMs = Math.min(retryMs * 2, options.maxRetryMs ?? 30_000);
    }
  }

  async #cached(
    cache: LruTtlCache<string, ResolvedTarget>,
    key: string,
    fresh: boolean,
    load: () => Promise<WebhookTarget | null>,
  ): Promise<ResolvedTarget | null> {
    if (!fresh) {
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
    }
    const epoch = this.#epoch;
    const target = await load();
    // Unknown connections are not remembered: one created a moment later must be found at once.
    if (!target) return null;
    const resolved: ResolvedTarget = {
      ...target,
      plainSecret: target.secret
        ? await this.#vault.decrypt(target.tenantId, target.connectionId, target.secret)
        : '',
    };
    if (epoch === this.#epoch) cache.set(key, resolved);
    return resolved;
  }
}
