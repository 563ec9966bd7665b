import { createHash } from 'node:crypto';

/** Drift digests have this many buckets per sync (sync_record_buckets). */
export const BUCKETS = 256;

/** A record's bucket: the first byte of SHA-256 of its id, so ids spread evenly whatever they look like. */
export const bucketOf = (recordId: string): number => createHash('sha256').update(recordId).digest()[0] ?? 0;

/** What one live record adds to its bucket's digest: XOR-ed in when it appears, out when it goes. */
export const recordDigest = (recordId: string, hash: string): Buffer =>
  createHash('sha256').update(recordId).update('\u0000').update(hash).digest();

export const EMPTY_DIGEST = Buffer.alloc(32).toString('hex');

export function xorInto(target: Buffer, other: Buffer): void {
  for (let index = 0; index < target.length; index++)
    target[index] = (target[index] ?? 0) ^ (other[index] ?? 0);
}

/**
 * The 256 digests of a set of (id, hash) pairs, as the records projection keeps them: the drift
 * check computes the provider's side with the same function and compares.
 */
export function bucketDigests(
  records: Iterable<{ id: string; hash: string }>,
): Map<number, { digest: string; count: number }> {
  const sums = new Map<number, { sum: Buffer; count: number }>();
  for (const { id, hash } of records) {
    const bucket = bucketOf(id);
    const entry = sums.get(bucket) ?? { sum: Buffer.alloc(32), count: 0 };
    xorInto(entry.sum, recordDigest(id, hash));
    entry.count++;
    sums.set(bucket, entry);
  }
  return new Map(
    [...sums].map(([bucket, { sum, count }]) => [bucket, { digest: sum.toString('hex'), count }]),
  );
}
