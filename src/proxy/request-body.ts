import { Readable } from 'node:stream';

/** Bodies up to this are held in memory, so a 401 can be replayed and a failed idempotent call retried. */
export const REPLAYABLE_BODY_BYTES = 1024 * 1024;

export type OutgoingBody =
  | { kind: 'none' }
  | { kind: 'buffered'; bytes: Buffer }
  /** Sent once, as it arrives: never retried nor replayed. */
  | { kind: 'stream'; stream: Readable };

/**
 * The caller's body as the proxy sends it: read into memory when it fits REPLAYABLE_BODY_BYTES
 * (a declared length decides at once; a chunked body is read up to the limit), else passed on as a
 * stream that starts with what was already read.
 */
export async function outgoingBody(
  source: Readable | null,
  declaredLength: number | null,
  limit = REPLAYABLE_BODY_BYTES,
): Promise<OutgoingBody> {
  if (source === null || declaredLength === 0) return { kind: 'none' };
  if (declaredLength !== null && declaredLength > limit) return { kind: 'stream', stream: source };
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      return size === 0 ? { kind: 'none' } : { kind: 'buffered', bytes: Buffer.concat(chunks, size) };
    }
    const chunk = next.value as Buffer;
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) return { kind: 'stream', stream: Readable.from(resumed(chunks, iterator)) };
  }
}

async function* resumed(read: Buffer[], rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  yield* read;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value as Buffer;
  }
}
