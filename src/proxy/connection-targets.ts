import type { PrismaClient } from '../generated/prisma/client.js';
import { connectionUrlValues } from '../sync/sync-connection.js';

/** What the proxy needs of a connection: its provider and the URL values its base URL is filled with. */
export interface ConnectionTarget {
  connectionId: string;
  provider: string;
  values: Readonly<Record<string, string>>;
}

interface Entry {
  target: ConnectionTarget | null;
  until: number;
}

/**
 * Connection lookups (tenant-filtered: another tenant's connection is not found) reused for a short
 * TTL and dropped with the credentials notices, like CredentialCache: the proxy's hot path then
 * makes no database round trip. Unknown connections are not remembered.
 */
export class ConnectionTargets {
  readonly #entries = new Map<string, Entry>();
  #epoch = 0;

  constructor(
    private readonly prisma: Pick<PrismaClient, 'connection'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(tenantId: string, connectionId: string): Promise<ConnectionTarget | null> {
    const key = `${tenantId}\u0000${connectionId}`;
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.now()) return hit.target;
    const epoch = this.#epoch;
    const row = await this.prisma.connection.findFirst({
      where: { id: connectionId, tenantId },
      select: { id: true, provider: true, accountId: true, values: true },
    });
    if (!row) return null;
    const target = { connectionId: row.id, provider: row.provider, values: connectionUrlValues(row) };
    if (epoch === this.#epoch) {
      if (this.#entries.size >= 10_000) this.#entries.clear();
      this.#entries.set(key, { target, until: this.now() + this.ttlMs });
    }
    return target;
  }

  forget(connectionIds: readonly string[]): void {
    this.#epoch++;
    const ids = new Set(connectionIds);
    for (const [key, entry] of this.#entries)
      if (entry.target && ids.has(entry.target.connectionId)) this.#entries.delete(key);
  }

  forgetAll(): void {
    this.#epoch++;
    this.#entries.clear();
  }
}
