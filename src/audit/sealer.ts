import { randomUUID } from 'node:crypto';
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  AUDIT_KEYS_STREAM,
  AUDIT_SEALS_STREAM,
  AuditSealed,
  AuditSigningKeyAdopted,
} from '../events/audit.js';
import { eventCatalog } from '../events/catalog.js';
import type { CallerMetadata } from '../events/define.js';
import { GLOBAL_SCOPE } from '../events/streams.js';
import { WrongExpectedVersionError } from '../eventstore/errors.js';
import type { EventStore, ExpectedRevision } from '../eventstore/port.js';
import type { LeaseManager } from '../platform/lease.js';
import type { Logger } from '../platform/logger.js';
import { withLease } from '../platform/with-lease.js';
import { uuidV5 } from '../signals/uuid-v5.js';
import { LEAF_FORMAT } from './event-leaf.js';
import type { IndexedLeaf, LeafIndex } from './leaf-index.js';
import { MerkleTree } from './merkle.js';
import { loadSealedRange, SealedRangeChangedError } from './proof.js';
import { readLeaves } from './range-leaves.js';
import { type ChainedSeal, SealLog } from './seal-log.js';
import { sealStatementBytes } from './seal-statement.js';
import type { AuditSigningKey } from './signing-key.js';

export interface SealerOptions {
  eventStore: EventStore;
  leafIndex: LeafIndex;
  key: AuditSigningKey;
  leases: LeaseManager;
  logger: Logger;
  /** A seal at least this often while events arrive (SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS) ... */
  everyMs: number;
  /** ... and as soon as this many events wait (SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS). */
  everyEvents: number;
  now?: () => Date;
  leaseTtlMs?: number;
}

const LEADER_LEASE = 'audit:sealer';
/** Events read per page of the log. */
const READ_BATCH = 5_000;
/** About 5 ms of hashing between two turns of the event loop. */
const YIELD_EVERY_LEAVES = 250;
/** Namespace of seal event ids: a retried append of the same seal is recognized, not doubled. */
const SEAL_ID_NAMESPACE = '6f1c1f0e-3f8e-4c39-9d0e-4a2b5c7d8e91';

const metadata = (): CallerMetadata => ({
  tenantId: GLOBAL_SCOPE,
  correlationId: `audit-sealer:${randomUUID()}`,
  causationId: null,
  actor: 'system:audit-sealer',
});

const isSealChainStream = (stream: string) => stream === AUDIT_SEALS_STREAM || stream === AUDIT_KEYS_STREAM;

/**
 * Seals the log as it grows: one instance at a time (a lease; the seals stream's expected revision
 * keeps the chain linear even if two ever overlap) reads the log in pages from the last seal's end,
 * hashes each event into a leaf, and appends AuditSealed when `everyEvents` are waiting or `everyMs` has
 * passed since the last seal. A range holding nothing but the chain's own events waits: sealing
 * only seals would append a seal a minute on an idle hub for ever. Those events are sealed with the
 * next real ones.
 */
export class AuditSealer {
  readonly #seals: SealLog;
  readonly #now: () => Date;
  #stopping = new AbortController();
  #loop: Promise<void> | null = null;
  #leading = false;
  #flushRequests: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #wake: (() => void) | null = null;

  constructor(private readonly options: SealerOptions) {
    this.#seals = new SealLog(options.eventStore);
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Reads the log to its end and seals what is waiting (tests, benches); resolves once the seal is
   * in the log. At once when this instance does not lead: another instance seals.
   */
  flush(): Promise<void> {
    if (!this.#leading) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#flushRequests.push({ resolve, reject });
      this.#wake?.();
    });
  }

  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    this.#loop = null;
  }

  async #run(): Promise<void> {
    const ttlMs = this.options.leaseTtlMs ?? 15_000;
    const stop = this.#stopping.signal;
    while (!stop.aborted) {
      try {
        const lead = await withLease(
          this.options.leases,
          LEADER_LEASE,
          { ttlMs, waitMs: ttlMs, signal: stop },
          (signal) => this.#sealWhileLeading(signal),
        );
        if (!lead.acquired) continue;
      } catch (error) {
        if (stop.aborted) return;
        this.options.logger.warn(
          { err: error },
          'audit sealer interrupted; it starts again from the last seal',
        );
        await sleep(1_000, undefined, { signal: stop }).catch(() => {});
      }
    }
  }

  async #sealWhileLeading(signal: AbortSignal): Promise<void> {
    await this.#adoptKey();
    const last = await this.#seals.last();
    if (last) await this.#indexLastSeal(last);
    let expected: ExpectedRevision = last ? last.revision : 'no_stream';
    let previousRoot = last?.seal.root ?? null;
    let from = last ? BigInt(last.seal.toPosition) + 1n : 0n;
    let lastRead = last ? from - 1n : undefined;
    let pending: IndexedLeaf[] = [];
    let substantive = false;
    let lastSealAt = Date.now();

    const seal = async () => {
      if (!substantive || pending.length === 0) return;
      const leaves = pending;
      const fromPosition = from;
      const toPosition = leaves[leaves.length - 1]!.position;
      const root = new MerkleTree(leaves.map((leaf) => leaf.hash)).root().toString('hex');
      const statement = {
        fromPosition: String(fromPosition),
        toPosition: String(toPosition),
        count: leaves.length,
        root,
        previousRoot,
        leafFormat: LEAF_FORMAT,
        keyId: this.options.key.keyId,
      };
      const data = {
        ...statement,
        signature: this.options.key.sign(sealStatementBytes(statement)),
        sealedAt: this.#now().toISOString(),
      };
      const id = uuidV5(SEAL_ID_NAMESPACE, `${statement.fromPosition}:${statement.toPosition}:${root}`);
      // A failure here ends this leadership: the next one starts again from the last seal in the log.
      const result = await this.options.eventStore.append(
        AUDIT_SEALS_STREAM,
        [eventCatalog.create(AuditSealed, data, metadata(), id)],
        expected,
      );
      await this.options.leafIndex.save(leaves);
      expected = result.revision;
      previousRoot = root;
      from = toPosition + 1n;
      pending = [];
      substantive = false;
      lastSealAt = Date.now();
      this.options.logger.debug(
        { from: statement.fromPosition, to: statement.toPosition, count: statement.count },
        'audit seal appended',
      );
    };

    // The log is read in pages, not followed event by event: a subscription would wake the sealer
    // at every append (at webhook rates, one more reader per append on the ingesting instance),
    // while seals are due every minute or every 10,000 events. Positions become readable in order
    // on every store, so reading after the last position read never skips one.
    const pollMs = Math.min(1_000, Math.max(10, Math.floor(this.options.everyMs / 4)));
    this.#leading = true;
    try {
      while (!signal.aborted) {
        const flushes = this.#flushRequests.splice(0);
        try {
          for (let read = READ_BATCH; read === READ_BATCH && !signal.aborted; ) {
            read = 0;
            for await (const leaf of readLeaves(this.options.eventStore, {
              after: lastRead,
              maxCount: READ_BATCH,
            })) {
              read++;
              // Hashing a page is about 18 µs of CPU per event, 90 ms for a page: give the event loop
              // back every so often, or every delivery and query waits behind the whole page (at 150
              // deliveries/s, ack p99 was 161 ms with the sealer on against 38 ms with it off).
              if (read % YIELD_EVERY_LEAVES === 0) await yieldToEventLoop();
              lastRead = leaf.position;
              pending.push({ position: leaf.position, hash: leaf.hash });
              if (!isSealChainStream(leaf.stream)) substantive = true;
              if (pending.length >= this.options.everyEvents) await seal();
            }
          }
          if (flushes.length > 0 || Date.now() - lastSealAt >= this.options.everyMs) await seal();
        } catch (error) {
          for (const flush of flushes) flush.reject(error);
          throw error;
        }
        for (const flush of flushes) flush.resolve();
        await this.#idle(pollMs, signal);
      }
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        this.options.logger.warn({}, 'another instance extended the seal chain; following it');
        return;
      }
      throw error;
    } finally {
      this.#leading = false;
      for (const flush of this.#flushRequests.splice(0)) flush.resolve();
    }
  }

  /** Waits `ms`, or less when a flush is asked for or leadership ends. */
  async #idle(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#flushRequests.length > 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  /**
   * A sealer that stopped between appending a seal and indexing its leaves left that range out of
   * audit_leaves: loading the range as a proof does (index, else the log, kept only if it still
   * gives the signed root) puts it back.
   */
  async #indexLastSeal(last: ChainedSeal): Promise<void> {
    try {
      await loadSealedRange(this.options, last);
    } catch (error) {
      if (!(error instanceof SealedRangeChangedError)) throw error;
      this.options.logger.error(
        { from: last.seal.fromPosition, to: last.seal.toPosition },
        'the last sealed range no longer matches its seal: run npm run audit -- verify',
      );
    }
  }

  /** Publishes this instance's public key in the log before its first seal needs it. */
  async #adoptKey(): Promise<void> {
    const keys = await this.#seals.keys();
    if (keys.has(this.options.key.keyId)) return;
    const event = eventCatalog.create(
      AuditSigningKeyAdopted,
      {
        keyId: this.options.key.keyId,
        publicKey: this.options.key.publicJwk,
        adoptedAt: this.#now().toISOString(),
      },
      metadata(),
      uuidV5(SEAL_ID_NAMESPACE, `key:${this.options.key.keyId}`),
    );
    await this.options.eventStore.append(AUDIT_KEYS_STREAM, [event], 'any');
  }
}
