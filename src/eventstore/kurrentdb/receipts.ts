/**
 * Receipts: idempotence for name-based event ids that does not depend on the server's memory.
 *
 * KurrentDB recognizes a retry under `any` or `stream_exists` only while the first event id is in
 * its cache of recent commits (8 MiB of entries, shared by every stream, emptied by a restart);
 * after that the same ids are a second write. Our callers that append with `any` and name-based
 * (UUIDv5) ids are exactly the ones that expect late retries to be absorbed: a webhook redelivered
 * hours later, a sync finding a change a webhook already brought, a decision or key adoption
 * recorded again after a restart. For those, each event gets a receipt stream of its own,
 * `eventids-<tenantId>.<eventId>-<stream digest>`, written with `no_stream` after the append and
 * holding the revision it landed at. An append whose receipts all exist is a retry; one where only
 * some exist is refused as a partial duplicate, as the port asks.
 *
 * Why receipts rather than reading the stream for the ids: the cost stays one small read and one
 * small append per event however long the stream grows (a connection's signals stream grows for
 * ever), where a scan would cost the whole stream per delivery. What it costs: one receipt stream
 * per such event (twice the records), and a narrow gap: a process that dies between the append and
 * its receipts leaves ids that only the server's cache recognizes, so a retry after the cache has
 * forgotten them writes a second copy (read models' unique keys still absorb it). Random (v4) ids
 * get no receipts: a caller retrying its own call does so within seconds, which the cache covers.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type KurrentDBClient,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { Event } from '../envelope.js';
import { translateError } from './errors.js';
import { readStreamRaw } from './reads.js';

const RECEIPT_TYPE = 'EventIdRecorded';

/** Version 3 or 5 in the version nibble: an id derived from a name, the same on every retry. */
export function isNameBased(id: string): boolean {
  const version = id.charAt(14);
  return version === '5' || version === '3';
}

function receiptStream(stream: string, event: Event): string {
  const digest = createHash('sha256').update(stream, 'utf8').digest('hex').slice(0, 12);
  return `eventids-${event.metadata.tenantId}.${event.id}-${digest}`;
}

/** The revision each event already has in `stream`, or undefined where it has no receipt. */
export async function receiptsOf(
  client: KurrentDBClient,
  stream: string,
  events: readonly Event[],
): Promise<(bigint | undefined)[]> {
  return Promise.all(events.map((event) => receiptOf(client, receiptStream(stream, event))));
}

async function receiptOf(client: KurrentDBClient, name: string): Promise<bigint | undefined> {
  try {
    for await (const resolved of readStreamRaw(client, name, { fromRevision: 'start', maxCount: 1 })) {
      const data = resolved.event?.data as { revision?: unknown } | undefined;
      if (typeof data?.revision === 'string') return BigInt(data.revision);
    }
  } catch (error) {
    throw translateError(error, { stream: name });
  }
  return undefined;
}

/**
 * Writes the receipts of events that now sit in `stream` with the last at `lastRevision`. A
 * receipt already there (a racing twin, an earlier attempt) is left as it is.
 */
export async function writeReceipts(
  client: KurrentDBClient,
  stream: string,
  events: readonly Event[],
  lastRevision: bigint,
): Promise<void> {
  const first = lastRevision - BigInt(events.length - 1);
  await Promise.all(
    events.map(async (event, index) => {
      const name = receiptStream(stream, event);
      const receipt = {
        id: randomUUID(),
        type: RECEIPT_TYPE,
        contentType: 'application/json' as const,
        data: { stream, revision: String(first + BigInt(index)) },
        metadata: { ...event.metadata },
      };
      try {
        await client.appendToStream(name, receipt, { streamState: 'no_stream' });
      } catch (error) {
        if (error instanceof KurrentWrongExpectedVersionError) return;
        throw translateError(error, { stream: name });
      }
    }),
  );
}
