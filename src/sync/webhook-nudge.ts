import { randomUUID } from 'node:crypto';
import { systemCaller } from '../commands/deps.js';
import { syncCommand } from './sync-commands.js';
import type { SyncDeps } from './sync-deps.js';

/** A burst of webhooks for one connection pulls its runs forward once per this long. */
const NUDGE_EVERY_MS = 5_000;

/**
 * A webhook said a resource changed: queue its sync's next run now instead of at its schedule
 * (reason `webhook`), when the manifest lists that event type for the resource. Best effort and
 * off the webhook's path: the delivery is already recorded, and the schedule catches up anyway.
 */
export class WebhookNudge {
  readonly #recent = new Map<string, number>();

  constructor(private readonly deps: SyncDeps) {}

  nudge(
    target: { tenantId: string; connectionId: string; provider: string },
    eventType: string | null,
  ): void {
    if (!eventType) return;
    const manifest = this.deps.catalog.get(target.provider);
    const resources = manifest?.syncs
      .filter((sync) => sync.webhookEvents.includes(eventType))
      .map((sync) => sync.resource);
    if (!resources || resources.length === 0) return;
    const key = `${target.tenantId}\u0000${target.connectionId}\u0000${eventType}`;
    const now = Date.now();
    if ((this.#recent.get(key) ?? 0) > now - NUDGE_EVERY_MS) return;
    this.#recent.set(key, now);
    if (this.#recent.size > 10_000) this.#forgetOld(now);
    void this.#schedule(target, resources).catch((error: unknown) =>
      this.deps.logger.warn(
        { ...target, eventType, err: error },
        'webhook could not pull a sync run forward',
      ),
    );
  }

  async #schedule(target: { tenantId: string; connectionId: string }, resources: string[]): Promise<void> {
    const configured = await this.deps.prisma.syncCursor.findMany({
      where: {
        tenantId: target.tenantId,
        connectionId: target.connectionId,
        resource: { in: resources },
        enabled: true,
      },
      select: { resource: true },
    });
    for (const { resource } of configured) {
      await syncCommand(
        this.deps,
        systemCaller('sync-webhook', randomUUID()),
        { ...target, resource },
        {
          type: 'ScheduleSyncRun',
          runId: randomUUID(),
          reason: 'webhook',
          full: false,
          dueAt: this.deps.now(),
        },
        [],
      );
    }
  }

  #forgetOld(now: number): void {
    for (const [key, at] of this.#recent) if (at <= now - NUDGE_EVERY_MS) this.#recent.delete(key);
  }
}
