import {
  applyChangeNotices,
  type ChangeNotices,
  type FollowNoticeOptions,
  followChangeNotices,
  idsIn,
} from '../../platform/follow-notices.js';
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
export type TargetChanges = ChangeNotices;
export type FollowOptions = FollowNoticeOptions;

const CONNECTION_IDS = idsIn('connectionIds');

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
  followChanges(changes: TargetChanges): Promise<void> {
    return applyChangeNotices(changes, this, CONNECTION_IDS);
  }

  /**
   * Follows change notices as long as the pubsub is open (followChangeNotices): subscribing again
   * after a failure, cached targets living out their TTL meanwhile, everything forgotten when a new
   * subscription starts.
   */
  follow(subscribe: () => TargetChanges, options: FollowOptions = {}): Promise<void> {
    return followChangeNotices(subscribe, this, CONNECTION_IDS, options);
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
