import {
  AUDIT_KEYS_STREAM,
  AUDIT_SEALS_STREAM,
  type AuditSeal,
  AuditSealed,
  AuditSigningKeyAdopted,
} from '../events/audit.js';
import { eventCatalog } from '../events/catalog.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import type { AuditPublicJwk } from './signing-key.js';

/** A seal as it stands in the chain: its revision in the seals stream and its log position. */
export interface ChainedSeal {
  revision: bigint;
  position: bigint;
  seal: AuditSeal;
}

export interface PublishedKey {
  keyId: string;
  publicKey: AuditPublicJwk;
  adoptedAt: string;
}

function toChainedSeal(event: RecordedEvent): ChainedSeal {
  const decoded = eventCatalog.decode(event);
  if (decoded.type !== AuditSealed.type) {
    throw new Error(`${AUDIT_SEALS_STREAM} holds a ${decoded.type} at revision ${decoded.revision}`);
  }
  return { revision: decoded.revision, position: decoded.position, seal: decoded.data as AuditSeal };
}

/** Reads the chain of seals (the `audit-_global.seals` stream) through the EventStore port. */
export class SealLog {
  constructor(private readonly store: EventStore) {}

  async last(): Promise<ChainedSeal | null> {
    for await (const event of this.store.readStream(AUDIT_SEALS_STREAM, {
      direction: 'backwards',
      maxCount: 1,
    })) {
      return toChainedSeal(event);
    }
    return null;
  }

  async at(revision: bigint): Promise<ChainedSeal | null> {
    for await (const event of this.store.readStream(AUDIT_SEALS_STREAM, {
      fromRevision: revision,
      maxCount: 1,
    })) {
      return event.revision === revision ? toChainedSeal(event) : null;
    }
    return null;
  }

  /** Seals in chain order, from `fromRevision` (inclusive). */
  async *from(fromRevision = 0n, maxCount?: number): AsyncIterable<ChainedSeal> {
    for await (const event of this.store.readStream(AUDIT_SEALS_STREAM, { fromRevision, maxCount })) {
      yield toChainedSeal(event);
    }
  }

  /**
   * The seal whose range holds `position`, by binary search over the chain (ranges tile the log in
   * chain order): about log2(seals) single-event reads. Null when the position is not sealed yet.
   */
  async covering(position: bigint): Promise<ChainedSeal | null> {
    const last = await this.last();
    if (!last || position > BigInt(last.seal.toPosition)) return null;
    let low = 0n;
    let high = last.revision;
    while (low <= high) {
      const middle = (low + high) / 2n;
      const candidate = await this.at(middle);
      if (!candidate) return null;
      if (position < BigInt(candidate.seal.fromPosition)) high = middle - 1n;
      else if (position > BigInt(candidate.seal.toPosition)) low = middle + 1n;
      else return candidate;
    }
    return null;
  }

  /** Every signing key the chain has used, by key id. */
  async keys(): Promise<Map<string, PublishedKey>> {
    const keys = new Map<string, PublishedKey>();
    for await (const event of this.store.readStream(AUDIT_KEYS_STREAM)) {
      const decoded = eventCatalog.decode(event);
      if (decoded.type !== AuditSigningKeyAdopted.type) continue;
      const data = decoded.data as PublishedKey;
      if (!keys.has(data.keyId)) keys.set(data.keyId, data);
    }
    return keys;
  }
}
