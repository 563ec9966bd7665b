import type { AuditSeal } from '../events/audit.js';
import type { EventStore } from '../eventstore/port.js';
import { SwitchboardError } from '../shared/errors.js';
import type { IndexedLeaf, LeafIndex } from './leaf-index.js';
import { MerkleTree } from './merkle.js';
import { leavesFromLog } from './range-leaves.js';
import { type ChainedSeal, SealLog } from './seal-log.js';

/**
 * Everything an auditor needs to check offline that one event is in a signed seal: the seal itself
 * (with its signature and key id), the event's leaf hash and index in the range, and the audit path.
 * With the event (to recompute the leaf) and the public key, scripts/verify-audit-proof.mjs checks it.
 */
export interface AuditProof {
  position: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  seal: AuditSeal & { revision: string; position: string };
}

export class NotSealedError extends SwitchboardError {
  constructor(position: bigint) {
    super(
      'NOT_SEALED',
      `Position ${position} is not covered by a seal yet; seals follow the log within SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS`,
      {
        status: 404,
        detail: { position: String(position) },
      },
    );
  }
}

export class EventNotInLogError extends SwitchboardError {
  constructor(position: bigint) {
    super('EVENT_NOT_FOUND', `No event was sealed at position ${position}`, {
      status: 404,
      detail: { position: String(position) },
    });
  }
}

export class SealedRangeChangedError extends SwitchboardError {
  constructor(seal: ChainedSeal) {
    super(
      'AUDIT_RANGE_CHANGED',
      `The events sealed in ${seal.seal.fromPosition}..${seal.seal.toPosition} no longer give the signed root: run npm run audit -- verify`,
      { status: 409, detail: { fromPosition: seal.seal.fromPosition, toPosition: seal.seal.toPosition } },
    );
  }
}

const rootOf = (leaves: readonly IndexedLeaf[]) => new MerkleTree(leaves.map((leaf) => leaf.hash));

/** One sealed range with its tree built, ready to prove any of its events. */
export class SealedRange {
  private readonly indexByPosition: Map<bigint, number>;

  constructor(
    readonly chained: ChainedSeal,
    private readonly leaves: readonly IndexedLeaf[],
    private readonly tree: MerkleTree,
  ) {
    this.indexByPosition = new Map(leaves.map((leaf, index) => [leaf.position, index]));
  }

  covers(position: bigint): boolean {
    return (
      position >= BigInt(this.chained.seal.fromPosition) && position <= BigInt(this.chained.seal.toPosition)
    );
  }

  /** Whether an event was sealed at `position` (false for one added to the range since). */
  has(position: bigint): boolean {
    return this.indexByPosition.has(position);
  }

  proof(position: bigint): AuditProof {
    const index = this.indexByPosition.get(position);
    if (index === undefined) throw new EventNotInLogError(position);
    return {
      position: String(position),
      leafIndex: index,
      treeSize: this.leaves.length,
      leafHash: this.tree.leaf(index).toString('hex'),
      auditPath: this.tree.auditPath(index).map((hash) => hash.toString('hex')),
      seal: {
        ...this.chained.seal,
        revision: String(this.chained.revision),
        position: String(this.chained.position),
      },
    };
  }
}

export interface ProofDeps {
  eventStore: EventStore;
  leafIndex: LeafIndex;
}

/**
 * The range of `chained` with its tree: from the leaf index when it still gives the signed root,
 * else recomputed from the log (and indexed again when that matches). A range whose events no
 * longer match their seal proves nothing: SealedRangeChangedError.
 */
export async function loadSealedRange(deps: ProofDeps, chained: ChainedSeal): Promise<SealedRange> {
  const from = BigInt(chained.seal.fromPosition);
  const to = BigInt(chained.seal.toPosition);
  const indexed = await deps.leafIndex.range(from, to);
  const indexedTree = rootOf(indexed);
  if (indexed.length === chained.seal.count && indexedTree.root().toString('hex') === chained.seal.root) {
    return new SealedRange(chained, indexed, indexedTree);
  }
  const fromLog = await leavesFromLog(deps.eventStore, from, to);
  const tree = rootOf(fromLog);
  if (fromLog.length !== chained.seal.count || tree.root().toString('hex') !== chained.seal.root) {
    throw new SealedRangeChangedError(chained);
  }
  await deps.leafIndex.save(fromLog);
  return new SealedRange(chained, fromLog, tree);
}

/** The inclusion proof of the event at `position`. */
export async function proveInclusion(deps: ProofDeps, position: bigint): Promise<AuditProof> {
  const chained = await new SealLog(deps.eventStore).covering(position);
  if (!chained) throw new NotSealedError(position);
  return (await loadSealedRange(deps, chained)).proof(position);
}
