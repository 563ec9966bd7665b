import type { PrismaClient } from '../generated/prisma/client.js';

export interface IndexedLeaf {
  position: bigint;
  hash: Buffer;
}

/** Rows per INSERT: 10,000 leaves go in a few statements, each well under PostgreSQL's parameter limit. */
const INSERT_CHUNK = 5_000;

/**
 * The sealer's own record of every sealed leaf. Rewriting a range is harmless (same positions,
 * same hashes), so a sealer that crashed between appending a seal and saving it writes it again.
 */
export interface LeafIndex {
  save(leaves: readonly IndexedLeaf[]): Promise<void>;
  /** The leaves kept for positions in [from, to], in position order. */
  range(from: bigint, to: bigint): Promise<IndexedLeaf[]>;
}

/**
 * The leaf index in the read-model database (audit_leaves), beside the read models but not one of
 * them: no projection writes it and no rebuild replaces it.
 */
export class PrismaLeafIndex implements LeafIndex {
  constructor(private readonly prisma: PrismaClient) {}

  async save(leaves: readonly IndexedLeaf[]): Promise<void> {
    for (let start = 0; start < leaves.length; start += INSERT_CHUNK) {
      const chunk = leaves.slice(start, start + INSERT_CHUNK);
      // Two arrays unnested: one statement and two parameters per chunk, not two per leaf. Hashes
      // travel as hex text, which every driver adapter passes the same way (bytea arrays are not).
      await this.prisma.$executeRawUnsafe(
        `INSERT INTO audit_leaves (position, hash)
         SELECT position, decode(hash, 'hex') FROM unnest($1::bigint[], $2::text[]) AS leaf(position, hash)
         ON CONFLICT (position) DO UPDATE SET hash = EXCLUDED.hash`,
        chunk.map((leaf) => String(leaf.position)),
        chunk.map((leaf) => leaf.hash.toString('hex')),
      );
    }
  }

  /** The leaves kept for positions in [from, to], in position order. */
  async range(from: bigint, to: bigint): Promise<IndexedLeaf[]> {
    const rows = await this.prisma.auditLeaf.findMany({
      where: { position: { gte: from, lte: to } },
      orderBy: { position: 'asc' },
    });
    return rows.map((row) => ({ position: row.position, hash: Buffer.from(row.hash) }));
  }
}
