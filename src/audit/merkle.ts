import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 (Certificate Transparency), section 2.1: leaves hashed with a 0x00
 * prefix and inner nodes with 0x01, so no leaf can pass for a node; a tree whose size is not a
 * power of two splits at the largest power of two below it. Built bottom-up, where a level's odd
 * last node moves up unpaired, which gives the same tree and lets one build serve every proof.
 */
export const HASH_BYTES = 32;

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function leafHash(leaf: Uint8Array | string): Buffer {
  const hash = createHash('sha256').update(LEAF_PREFIX);
  // A string is hashed as its UTF-8 bytes without first being copied into a Buffer: the sealer
  // hashes every event of the log this way (bench/audit.ts mix: 3.3 µs per leaf instead of 7.5-8.5).
  return (typeof leaf === 'string' ? hash.update(leaf, 'utf8') : hash.update(leaf)).digest();
}

export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

/** The root of a tree without leaves: the hash of nothing. */
export const EMPTY_ROOT: Buffer = sha256();

export class MerkleTree {
  /** levels[0] are the leaf hashes; the last level holds the root alone. */
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Buffer[]) {
    this.levels = [[...leafHashes]];
    let level = this.levels[0]!;
    while (level.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      this.levels.push(next);
      level = next;
    }
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  root(): Buffer {
    return this.size === 0 ? EMPTY_ROOT : this.levels[this.levels.length - 1]![0]!;
  }

  leaf(index: number): Buffer {
    return this.levels[0]![index]!;
  }

  /** The audit path of leaf `index` (RFC 6962 2.1.1), from the leaf's sibling up to the root's child. */
  auditPath(index: number): Buffer[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`leaf ${index} is not in a tree of ${this.size}`);
    }
    const path: Buffer[] = [];
    let position = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = position ^ 1;
      // A lone last node has no sibling at this level: it moved up unpaired.
      if (sibling < level.length) path.push(level[sibling]!);
      position >>= 1;
    }
    return path;
  }
}

/** The root of the given leaf hashes, without keeping the tree. */
export const merkleRoot = (leafHashes: readonly Buffer[]): Buffer => new MerkleTree(leafHashes).root();

/**
 * Recomputes the root from a leaf hash and its audit path (RFC 9162 2.1.3.2) and compares it with
 * `root`. False for a path of the wrong length as well as for a wrong hash.
 */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  treeSize: number,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let hash = leaf;
  for (const sibling of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && hash.equals(root);
}
