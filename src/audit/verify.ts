import type { EventStore } from '../eventstore/port.js';
import { LEAF_FORMAT, leafHashAtAnyPosition } from './event-leaf.js';
import type { IndexedLeaf, LeafIndex } from './leaf-index.js';
import { merkleRoot } from './merkle.js';
import { afterPositionOf, eventAt, type LogLeaf, readLeaves } from './range-leaves.js';
import { readAhead } from './read-ahead.js';
import { type ChainedSeal, SealLog } from './seal-log.js';
import { sealSignatureValid } from './seal-statement.js';

export type AuditProblemKind =
  | 'EVENT_CHANGED'
  | 'EVENT_MISSING'
  | 'EVENT_ADDED'
  | 'EVENTS_REORDERED'
  | 'RANGE_CHANGED'
  | 'CHAIN_BROKEN'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_KEY';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The seal the problem was found under (its revision in the seals stream). */
  sealRevision: string;
  fromPosition: string;
  toPosition: string;
  /** The first event position concerned, when it can be named. */
  position: string | null;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  sealsChecked: number;
  eventsChecked: number;
  /** The end of the last sealed range checked; null when nothing is sealed. */
  verifiedThrough: string | null;
  /** Events in the log after the last seal: not yet covered by any. */
  unsealedEvents: number;
  problems: AuditProblem[];
}

export interface VerifyOptions {
  store: EventStore;
  /** The sealer's leaf index: with it, a changed range names its first changed event. */
  leafIndex?: LeafIndex;
  /** Check only the seals whose range reaches into [from, to]. */
  from?: bigint;
  to?: bigint;
  /** At most this many problems are listed (default 100); checking goes on to count the seals. */
  maxProblems?: number;
  onProgress?: (progress: { sealsChecked: number; eventsChecked: number; position: bigint }) => void;
}

/** How far from its place a moved event is looked for (leaf hashes only: cheap). */
const MOVE_WINDOW = 10_000n;

/** Events fetched ahead of the one being hashed: two of the stores' pages. */
const READ_AHEAD = 2_000;

/** Reads the log forwards once, handing out each seal's range in turn. */
class LogCursor {
  private readonly iterator: AsyncIterator<LogLeaf>;
  private held: LogLeaf | undefined;

  constructor(store: EventStore, from: bigint) {
    // Hashing a page takes about as long as reading one: read the next meanwhile.
    this.iterator = readAhead(readLeaves(store, { after: afterPositionOf(from) }), READ_AHEAD)[
      Symbol.asyncIterator
    ]();
  }

  /** The leaves of every event up to and including `to`. */
  async leavesThrough(to: bigint): Promise<IndexedLeaf[]> {
    const leaves: IndexedLeaf[] = [];
    for (;;) {
      const leaf = this.held ?? (await this.next());
      this.held = undefined;
      if (!leaf) return leaves;
      if (leaf.position > to) {
        this.held = leaf;
        return leaves;
      }
      leaves.push({ position: leaf.position, hash: leaf.hash });
    }
  }

  async remaining(): Promise<number> {
    let count = this.held ? 1 : 0;
    this.held = undefined;
    while (await this.next()) count++;
    return count;
  }

  private async next(): Promise<LogLeaf | undefined> {
    const result = await this.iterator.next();
    return result.done ? undefined : result.value;
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/**
 * Recomputes every sealed range from the event store and checks it against its seal: the chain
 * (each seal names the previous root and starts right after the previous range), the signature (by
 * a key published in the log), and the count and Merkle root of the events now in the range. When a
 * root differs, the sealer's leaf index (trusted only if it still gives the signed root) names the
 * first event that was changed, removed, added or moved.
 */
export async function verifyAuditLog(options: VerifyOptions): Promise<AuditVerifyReport> {
  const seals = new SealLog(options.store);
  const keys = await seals.keys();
  const maxProblems = options.maxProblems ?? 100;
  const report: AuditVerifyReport = {
    ok: true,
    sealsChecked: 0,
    eventsChecked: 0,
    verifiedThrough: null,
    unsealedEvents: 0,
    problems: [],
  };
  const problem = (
    seal: ChainedSeal,
    kind: AuditProblemKind,
    message: string,
    position: bigint | null = null,
  ) => {
    report.ok = false;
    if (report.problems.length >= maxProblems) return;
    report.problems.push({
      kind,
      sealRevision: String(seal.revision),
      fromPosition: seal.seal.fromPosition,
      toPosition: seal.seal.toPosition,
      position: position === null ? null : String(position),
      message,
    });
  };

  let previous: ChainedSeal | null = null;
  let cursor: LogCursor | null = null;
  try {
    for await (const current of seals.from()) {
      const { seal } = current;
      const from = BigInt(seal.fromPosition);
      const to = BigInt(seal.toPosition);
      const expectedFrom = previous ? BigInt(previous.seal.toPosition) + 1n : 0n;
      const inScope =
        (options.to === undefined || from <= options.to) &&
        (options.from === undefined || to >= options.from);
      if (previous === null ? seal.previousRoot !== null : seal.previousRoot !== previous.seal.root) {
        problem(
          current,
          'CHAIN_BROKEN',
          `seal ${current.revision} does not name the root of the seal before it`,
        );
      }
      if (from !== expectedFrom) {
        problem(
          current,
          'CHAIN_BROKEN',
          `seal ${current.revision} starts at ${from}, not right after the previous range (${expectedFrom})`,
        );
      }
      previous = current;
      if (!inScope) continue;
      const key = keys.get(seal.keyId);
      if (!key)
        problem(
          current,
          'UNKNOWN_KEY',
          `seal ${current.revision} is signed by key ${seal.keyId}, which the log never published`,
        );
      else if (!sealSignatureValid(seal, key.publicKey)) {
        problem(
          current,
          'BAD_SIGNATURE',
          `seal ${current.revision}'s signature does not verify with key ${seal.keyId}`,
        );
      }
      if (seal.leafFormat !== LEAF_FORMAT) {
        problem(
          current,
          'RANGE_CHANGED',
          `seal ${current.revision} uses leaf format ${seal.leafFormat}, which this version cannot check`,
        );
        continue;
      }
      cursor ??= new LogCursor(options.store, from);
      const leaves = await cursor.leavesThrough(to);
      report.sealsChecked++;
      report.eventsChecked += leaves.length;
      const root = merkleRoot(leaves.map((leaf) => leaf.hash)).toString('hex');
      if (leaves.length !== seal.count || root !== seal.root) {
        const diagnosis = await diagnose(options.store, current, leaves, options.leafIndex);
        problem(current, diagnosis.kind, diagnosis.message, diagnosis.position);
      }
      report.verifiedThrough = seal.toPosition;
      options.onProgress?.({
        sealsChecked: report.sealsChecked,
        eventsChecked: report.eventsChecked,
        position: to,
      });
    }
    if (options.to === undefined) {
      const after = previous ? BigInt(previous.seal.toPosition) + 1n : 0n;
      cursor ??= new LogCursor(options.store, after);
      await cursor.leavesThrough(after - 1n);
      report.unsealedEvents = await cursor.remaining();
    }
  } finally {
    await cursor?.close();
  }
  return report;
}

async function diagnose(
  store: EventStore,
  seal: ChainedSeal,
  actual: readonly IndexedLeaf[],
  index: LeafIndex | undefined,
): Promise<{ kind: AuditProblemKind; message: string; position: bigint | null }> {
  const from = BigInt(seal.seal.fromPosition);
  const to = BigInt(seal.seal.toPosition);
  const range = `${from}..${to}`;
  const sealed = index ? await index.range(from, to) : [];
  const trusted =
    sealed.length === seal.seal.count &&
    merkleRoot(sealed.map((leaf) => leaf.hash)).toString('hex') === seal.seal.root;
  if (!trusted) {
    return {
      kind: 'RANGE_CHANGED',
      position: null,
      message: `the events in ${range} no longer give the sealed root (${actual.length} events now, ${seal.seal.count} sealed); the leaf index cannot name which`,
    };
  }
  const now = new Map(actual.map((leaf) => [leaf.position, leaf.hash]));
  const then = new Map(sealed.map((leaf) => [leaf.position, leaf.hash]));
  const differing = [...new Set([...now.keys(), ...then.keys()])]
    .filter((position) => !now.get(position)?.equals(then.get(position) ?? Buffer.alloc(0)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const first = differing[0];
  if (first === undefined) {
    return {
      kind: 'RANGE_CHANGED',
      position: null,
      message: `the events in ${range} no longer give the sealed root`,
    };
  }
  if (!then.has(first)) {
    return {
      kind: 'EVENT_ADDED',
      position: first,
      message: `an event at position ${first} was added to the sealed range ${range}`,
    };
  }
  if (!now.has(first)) {
    return {
      kind: 'EVENT_MISSING',
      position: first,
      message: `the event sealed at position ${first} is missing from the log`,
    };
  }
  // A position is part of each leaf, so an event moved to another position hashes differently there:
  // ask which sealed position (nearby, in this range or a neighbouring one) it would have matched.
  const event = await eventAt(store, first);
  if (event && index) {
    const hashAt = leafHashAtAnyPosition(event);
    const nearby = await index.range(first > MOVE_WINDOW ? first - MOVE_WINDOW : 0n, first + MOVE_WINDOW);
    const movedFrom = nearby.find(
      (leaf) => leaf.position !== first && hashAt(leaf.position).equals(leaf.hash),
    );
    if (movedFrom) {
      return {
        kind: 'EVENTS_REORDERED',
        position: first,
        message: `position ${first} now holds the event sealed at position ${movedFrom.position}`,
      };
    }
  }
  return {
    kind: 'EVENT_CHANGED',
    position: first,
    message: `the event at position ${first} no longer has the bytes it was sealed with`,
  };
}
