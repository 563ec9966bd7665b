import type { KeyValueStore } from '../../platform/kv.js';
import type { Logger } from '../../platform/logger.js';
import { warnEvery } from './warn-every.js';

/** WebhookRejected events recorded per connection per minute; refusals past it are only answered. */
export const DEFAULT_RECORDED_REJECTIONS_PER_MINUTE = 30;

const MINUTE_MS = 60_000;

/**
 * Bounds what refused deliveries can write. A refusal is recorded (WebhookRejected) so operators
 * see a misconfigured secret or an attack, but anyone who knows a connection's URL can post to it:
 * without a bound, a flood of forgeries would grow the log without limit. Identical forgeries
 * already collapse into one event (deterministic ids); this caps the distinct ones. Every refusal
 * still gets its 401.
 *
 * Shared through the kv store (one window for every instance). When the kv store fails or does not
 * answer, the refusal is recorded (losing the audit trail is worse than one more event) and still
 * answered 401: Redis being down never turns a refusal into a 503.
 */
export class RejectionBudget {
  readonly #unavailable: ReturnType<typeof warnEvery>;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly logger: Logger,
    private readonly perMinute = DEFAULT_RECORDED_REJECTIONS_PER_MINUTE,
    private readonly now: () => number = Date.now,
  ) {
    this.#unavailable = warnEvery(logger);
  }

  async allowsRecording(scope: {
    tenantId: string;
    connectionId: string;
    provider: string;
  }): Promise<boolean> {
    const window = Math.floor(this.now() / MINUTE_MS);
    const key = `webhooks:rejections:${scope.tenantId}:${scope.connectionId}:${window}`;
    const count = await this.kv.increment(key, { ttlMs: 2 * MINUTE_MS }).catch((error: unknown) => {
      this.#unavailable({ err: error }, 'webhook rejection budget unavailable; recording refusals');
      return 0;
    });
    if (count === this.perMinute + 1) {
      this.logger.warn(
        { provider: scope.provider, connectionId: scope.connectionId, perMinute: this.perMinute },
        'webhook refusals over the budget: further ones this minute are answered 401 but not recorded',
      );
    }
    return count <= this.perMinute;
  }
}
