import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * A write's response is read whole before the caller gets any of it: its audit record (with the
 * response's MAC) must be on the log first. Up to this many bytes stay in memory (write answers
 * are small: a created issue, a posted message); a larger one (a POST that downloads, a search
 * by POST) spills to a private temp file, so memory stays bounded while the proxy's response size
 * limit (maxResponseBytes) still applies.
 */
export const WRITE_RESPONSE_MEMORY_BYTES = 1024 * 1024;

/**
 * Reads `body` to its end and returns the same bytes as a new stream. Throws what the body threw
 * (too large, timed out, the provider or the caller gone), leaving no file behind.
 */
export async function bufferWriteResponse(
  body: Readable,
  memoryBytes = WRITE_RESPONSE_MEMORY_BYTES,
): Promise<Readable> {
  const held: Buffer[] = [];
  let inMemory = 0;
  let spill: FileHandle | null = null;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (spill === null && inMemory + chunk.length <= memoryBytes) {
        held.push(chunk);
        inMemory += chunk.length;
        continue;
      }
      spill ??= await spillFile();
      await spill.write(chunk);
    }
  } catch (error) {
    await spill?.close();
    throw error;
  }
  if (spill === null) return Readable.from(held, { objectMode: false });
  const rest = spill.createReadStream({ start: 0, autoClose: true });
  const whole = Readable.from(concatenated(held, rest), { objectMode: false });
  // Read to the end, destroyed half way or never read: the file closes with the stream.
  whole.once('close', () => rest.destroy());
  return whole;
}

/**
 * A file only this process can read, unlinked at once: the open handle keeps its bytes until it
 * closes, and a crash leaves nothing on disk.
 */
async function spillFile(): Promise<FileHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-proxy-'));
  try {
    return await open(join(directory, 'response'), 'w+', 0o600);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function* concatenated(head: Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* head;
  for await (const chunk of rest) yield chunk as Buffer;
}
