import type { AuditSeal } from '../events/audit.js';
import { tenantStreamPrefixes } from '../events/streams.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import { LEAF_FORMAT } from './event-leaf.js';
import type { LeafIndex } from './leaf-index.js';
import { loadSealedRange, type SealedRange, SealedRangeChangedError } from './proof.js';
import { afterPositionOf } from './range-leaves.js';
import { type ChainedSeal, type PublishedKey, SealLog } from './seal-log.js';

/**
 * A tenant's audit trail as NDJSON, complete enough to check offline with the public key alone
 * (scripts/verify-audit-proof.mjs). Positions and revisions are decimal strings (JSON has no bigint).
 *
 *   1. one `header`: the tenant, the range asked for, the leaf format and every published key;
 *   2. every seal whose range reaches into [from, to], in chain order, each written before the first
 *      event it covers, so the file holds an unbroken piece of the chain;
 *   3. the tenant's events in position order, each with its inclusion proof in the seal before it
 *      (`sealed: false`, `proof: null` after the last seal);
 *   4. one `end` with the counts: a file without it was cut short.
 */
export const EXPORT_FORMAT = 'switchboard-audit-export-v1';

export interface ExportHeaderLine {
  kind: 'header';
  format: typeof EXPORT_FORMAT;
  tenant: string;
  exportedAt: string;
  from: string | null;
  to: string | null;
  leafFormat: string;
  keys: PublishedKey[];
}

export type ExportSealLine = { kind: 'seal'; revision: string; position: string } & AuditSeal;

export interface ExportProof {
  sealRevision: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
}

export interface ExportEventLine {
  kind: 'event';
  position: string;
  stream: string;
  revision: string;
  id: string;
  type: string;
  /** As stored: not upcast, ciphertext left as ciphertext, so the leaf can be recomputed. */
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
  sealed: boolean;
  proof: ExportProof | null;
  /** Only when the sealed range no longer matches its seal: why no proof could be given. */
  problem?: string;
}

export interface ExportEndLine {
  kind: 'end';
  events: number;
  sealedEvents: number;
  unsealedEvents: number;
  seals: number;
  lastPosition: string | null;
}

export type ExportLine = ExportHeaderLine | ExportSealLine | ExportEventLine | ExportEndLine;

export interface ExportDeps {
  eventStore: EventStore;
  leafIndex: LeafIndex;
}

export interface ExportProgress {
  events: number;
  position: bigint;
}

export interface ExportOptions {
  tenantId: string;
  /** Inclusive bounds on global positions. */
  from?: bigint;
  to?: bigint;
  now?: () => Date;
  /** Called every `progressEvery` events (default 1,000). */
  onProgress?: (progress: ExportProgress) => void;
  progressEvery?: number;
  /** Called with the end line's counts just before it is yielded. */
  onEnd?: (end: ExportEndLine) => void;
}

const sealLine = (chained: ChainedSeal): ExportSealLine => ({
  kind: 'seal',
  revision: String(chained.revision),
  position: String(chained.position),
  ...chained.seal,
});

/** The seal currently covering the events being written, its tree loaded on first use only. */
interface OpenRange {
  chained: ChainedSeal;
  loaded: SealedRange | SealedRangeChangedError | null;
}

const covers = (chained: ChainedSeal, position: bigint) =>
  position >= BigInt(chained.seal.fromPosition) && position <= BigInt(chained.seal.toPosition);

/**
 * The export's lines (without newlines), read as they are written: the tenant's events page by page
 * through the port's filtered readAll, the seal chain alongside, and each sealed range's tree loaded
 * once, when its first event of the tenant comes. Memory stays at one range, whatever the log's size.
 */
export async function* auditExportLines(deps: ExportDeps, options: ExportOptions): AsyncGenerator<string> {
  const { tenantId, from, to } = options;
  const seals = new SealLog(deps.eventStore);
  const header: ExportHeaderLine = {
    kind: 'header',
    format: EXPORT_FORMAT,
    tenant: tenantId,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    from: from === undefined ? null : String(from),
    to: to === undefined ? null : String(to),
    leafFormat: LEAF_FORMAT,
    keys: [...(await seals.keys()).values()],
  };
  yield JSON.stringify(header);

  // The first seal reaching into the range; none when `from` is past the last seal.
  const firstRevision = from === undefined ? 0n : ((await seals.covering(from))?.revision ?? null);
  const chain = firstRevision === null ? null : seals.from(firstRevision)[Symbol.asyncIterator]();
  const nextSeal = async () => {
    const result = await chain?.next();
    return result && !result.done ? result.value : null;
  };
  const end: ExportEndLine = {
    kind: 'end',
    events: 0,
    sealedEvents: 0,
    unsealedEvents: 0,
    seals: 0,
    lastPosition: null,
  };
  const progressEvery = options.progressEvery ?? 1_000;
  let upcoming = await nextSeal();
  let open: OpenRange | null = null;
  try {
    const events = deps.eventStore.readAll({
      after: from === undefined ? undefined : afterPositionOf(from),
      filter: { streamPrefixes: tenantStreamPrefixes(tenantId) },
    });
    for await (const event of events) {
      if (to !== undefined && event.position > to) break;
      while (upcoming && BigInt(upcoming.seal.fromPosition) <= event.position) {
        yield JSON.stringify(sealLine(upcoming));
        end.seals++;
        open = { chained: upcoming, loaded: null };
        upcoming = await nextSeal();
      }
      const line = open && covers(open.chained, event.position) ? await proven(deps, open, event) : null;
      if (line?.sealed) end.sealedEvents++;
      else end.unsealedEvents++;
      yield JSON.stringify(line ?? eventLine(event, null));
      end.events++;
      end.lastPosition = String(event.position);
      if (end.events % progressEvery === 0)
        options.onProgress?.({ events: end.events, position: event.position });
    }
    // The rest of the chain within the range, so the file's piece of it has no hole.
    while (upcoming && (to === undefined || BigInt(upcoming.seal.fromPosition) <= to)) {
      yield JSON.stringify(sealLine(upcoming));
      end.seals++;
      upcoming = await nextSeal();
    }
  } finally {
    await chain?.return?.();
  }
  options.onEnd?.(end);
  yield JSON.stringify(end);
}

function eventLine(event: RecordedEvent, proof: ExportProof | null, problem?: string): ExportEventLine {
  return {
    kind: 'event',
    position: String(event.position),
    stream: event.stream,
    revision: String(event.revision),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    sealed: proof !== null || problem !== undefined,
    proof,
    ...(problem === undefined ? {} : { problem }),
  };
}

async function proven(deps: ExportDeps, open: OpenRange, event: RecordedEvent): Promise<ExportEventLine> {
  open.loaded ??= await loadSealedRange(deps, open.chained).catch((error: unknown) => {
    if (error instanceof SealedRangeChangedError) return error;
    throw error;
  });
  // A range that no longer gives its signed root proves nothing: the event goes out marked, not dropped.
  if (open.loaded instanceof SealedRangeChangedError) return eventLine(event, null, open.loaded.message);
  if (!open.loaded.has(event.position)) {
    const { fromPosition, toPosition } = open.chained.seal;
    return eventLine(
      event,
      null,
      `the seal over ${fromPosition}..${toPosition} holds no event at ${event.position}: it was added after sealing`,
    );
  }
  const proof = open.loaded.proof(event.position);
  return eventLine(event, {
    sealRevision: String(open.chained.revision),
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: proof.leafHash,
    auditPath: proof.auditPath,
  });
}

/**
 * NDJSON in chunks of about `chunkBytes`: one write per chunk rather than per line, for a file,
 * a pipe or an HTTP response alike.
 */
export async function* ndjsonChunks(
  lines: AsyncIterable<string>,
  chunkBytes = 64 * 1024,
): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
