import type { IndexedLeaf, LeafIndex } from '../../src/audit/leaf-index.js';

/** The sealer's leaf index in a Map: for the event store contract suite, which has no read models. */
export class MemoryLeafIndex implements LeafIndex {
  readonly leaves = new Map<bigint, Buffer>();

  async save(leaves: readonly IndexedLeaf[]): Promise<void> {
    for (const leaf of leaves) this.leaves.set(leaf.position, leaf.hash);
  }

  async range(from: bigint, to: bigint): Promise<IndexedLeaf[]> {
    return [...this.leaves]
      .filter(([position]) => position >= from && position <= to)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([position, hash]) => ({ position, hash }));
  }
}
