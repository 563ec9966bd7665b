import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  leafHash,
  MerkleTree,
  merkleRoot,
  nodeHash,
  verifyInclusion,
} from '../../src/audit/merkle.js';

// The inputs and roots of Certificate Transparency's reference tests (RFC 6962 trees of 1..8 leaves).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** RFC 6962's recursive definition, written out literally, to check the bottom-up build against. */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('RFC 6962 Merkle tree', () => {
  it('gives the reference roots of Certificate Transparency for 1 to 8 leaves', () => {
    for (let size = 1; size <= 8; size++) {
      expect(merkleRoot(LEAVES.slice(0, size)).toString('hex'), `size ${size}`).toBe(ROOTS[size - 1]);
    }
    expect(merkleRoot([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('hashes a string leaf as its UTF-8 bytes, lone surrogates replaced as Buffer.from does', () => {
    for (const text of ['', 'plain', 'é\u0000😀\u2028', 'broken \ud800 pair', 'x'.repeat(20_000)]) {
      expect(leafHash(text).toString('hex')).toBe(leafHash(Buffer.from(text, 'utf8')).toString('hex'));
    }
    // The RFC 6962 leaf of the two bytes "10", whichever way it is given.
    expect(leafHash('\u0010').equals(LEAVES[2]!)).toBe(true);
  });

  it('agrees with the recursive definition and proves every leaf of trees up to 70 leaves', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`event ${i}`));
    for (let size = 1; size <= leaves.length; size++) {
      const tree = new MerkleTree(leaves.slice(0, size));
      expect(tree.root().equals(referenceRoot(leaves.slice(0, size)))).toBe(true);
      for (let index = 0; index < size; index++) {
        expect(verifyInclusion(tree.leaf(index), index, size, tree.auditPath(index), tree.root())).toBe(true);
      }
    }
  });

  it('refuses a proof for another leaf, index, size or root, and a shortened path', () => {
    const leaves = Array.from({ length: 13 }, (_, i) => leafHash(`event ${i}`));
    const tree = new MerkleTree(leaves);
    const path = tree.auditPath(6);
    const root = tree.root();
    expect(verifyInclusion(leaves[6]!, 6, 13, path, root)).toBe(true);
    expect(verifyInclusion(leaves[7]!, 6, 13, path, root)).toBe(false);
    expect(verifyInclusion(leaves[6]!, 7, 13, path, root)).toBe(false);
    // The size fixes the tree's shape: the last leaf's path does not fit a tree of another size.
    expect(verifyInclusion(leaves[12]!, 12, 13, tree.auditPath(12), root)).toBe(true);
    expect(verifyInclusion(leaves[12]!, 12, 14, tree.auditPath(12), root)).toBe(false);
    expect(verifyInclusion(leaves[6]!, 6, 13, path.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaves[6]!, 6, 13, path, leafHash('other'))).toBe(false);
    expect(verifyInclusion(leaves[6]!, 13, 13, path, root)).toBe(false);
  });
});
