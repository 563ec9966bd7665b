import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { githubExample } from '../scripts/github-example.js';
import { AuditSealer, AuditSigningKey, type LeafIndex, SealLog } from '../src/audit/index.js';
import { parseAuditSigningKey } from '../src/config/audit-signing-key.js';
import type { Event } from '../src/eventstore/envelope.js';
import type { EventStore } from '../src/eventstore/port.js';
import { createLogger } from '../src/platform/logger.js';
import { MemoryLeaseManager } from '../src/platform/memory/lease-memory.js';

/**
 * The audit bench's log: mostly small events (checkpoints, token rotations, sync runs), and every
 * `webhookEvery`-th one a webhook-like event carrying a real GitHub payload from
 * @octokit/webhooks-examples (7 to 21 KB), in the clear: the sealer's worst case, since canonical
 * JSON sorts every object's keys (the hub's sealed signals carry most of a payload as one string).
 */
const PAYLOADS: ReadonlyArray<[string, string | undefined]> = [
  ['push', undefined],
  ['issues', 'edited'],
  ['issue_comment', 'created'],
  ['workflow_run', 'completed'],
  ['pull_request', 'opened'],
];

export interface EventMix {
  webhookEvery: number;
  next(): Event;
  /** Bytes of data + metadata JSON per event, on average over one cycle of the mix. */
  averageBytes: number;
}

const metadata = (tenantId: string) => ({
  tenantId,
  correlationId: randomUUID(),
  causationId: null,
  actor: 'system:bench',
  schemaVersion: 1,
});

function smallEvent(n: number): Event {
  const tenantId = `tenant-${n % 97}`;
  const kind = n % 3;
  const data =
    kind === 0
      ? {
          connectionId: `conn_${n % 1013}`,
          resource: 'issues',
          checkpoint: { cursor: `c${n}`, page: n % 50 },
        }
      : kind === 1
        ? { connectionId: `conn_${n % 1013}`, keyId: `dk_${n % 97}`, expiresAt: '2026-12-08T10:00:00.000Z' }
        : { runId: randomUUID(), added: n % 100, updated: n % 7, deleted: 0, requests: 1 + (n % 5) };
  const type = ['SyncCheckpointed', 'TokenRotated', 'SyncRunFinished'][kind]!;
  return { id: randomUUID(), type, data, metadata: metadata(tenantId) };
}

export function eventMix(webhookEvery: number): EventMix {
  const payloads = PAYLOADS.map(([name, action]) => ({ name, payload: githubExample(name, action) }));
  let n = 0;
  const next = (): Event => {
    n++;
    if (n % webhookEvery !== 0) return smallEvent(n);
    const { name, payload } = payloads[(n / webhookEvery) % payloads.length]!;
    const delivery = { id: randomUUID(), eventType: name, receivedAt: new Date().toISOString() };
    return {
      id: randomUUID(),
      type: 'WebhookReceived',
      data: { delivery, payload },
      metadata: metadata('acme'),
    };
  };
  const sample = Array.from({ length: webhookEvery * payloads.length }, next);
  const bytes = sample.reduce(
    (sum, e) => sum + JSON.stringify(e.data).length + JSON.stringify(e.metadata).length,
    0,
  );
  return { webhookEvery, next, averageBytes: bytes / sample.length };
}

/** Batched appends (500 events per call, 4 calls in flight) over 100 streams: the fastest way in. */
export async function fillLog(
  store: EventStore,
  count: number,
  mix: EventMix,
  log: (line: string) => void,
): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const perCall = 500;
  const started = performance.now();
  let written = 0;
  let reported = 0;
  while (written < count) {
    const calls = Array.from({ length: 4 }, (_, i) =>
      Math.min(perCall, count - written - i * perCall),
    ).filter((size) => size > 0);
    await Promise.all(
      calls.map((size, i) =>
        store.append(
          `bench-${run}.s${(written / perCall + i) % 100}`,
          Array.from({ length: size }, mix.next),
          'any',
        ),
      ),
    );
    written += calls.reduce((sum, size) => sum + size, 0);
    if (written - reported >= 100_000 || written === count) {
      reported = written;
      const seconds = (performance.now() - started) / 1000;
      log(`    filled ${count_(written)} / ${count_(count)} (${count_(written / seconds)} events/s)`);
    }
  }
  return (performance.now() - started) / 1000;
}

export const count_ = (n: number) => Math.round(n).toLocaleString('en-US');

export const benchSigningKey = () =>
  new AuditSigningKey(parseAuditSigningKey(Buffer.alloc(32, 21).toString('base64')));

export function benchSealer(
  store: EventStore,
  leafIndex: LeafIndex,
  options: { everyEvents: number; everyMs?: number },
): AuditSealer {
  return new AuditSealer({
    eventStore: store,
    leafIndex,
    key: benchSigningKey(),
    // A fresh lease per sealer: the bench starts and stops one per round.
    leases: new MemoryLeaseManager(),
    logger: createLogger({ level: 'silent' }),
    everyMs: options.everyMs ?? 60_000,
    everyEvents: options.everyEvents,
  });
}

/**
 * The newest position outside the seal chain's own streams: a range holding only seals and keys
 * is never sealed on its own (src/audit/sealer.ts), so the chain cannot be asked to cover those.
 */
export async function lastSealable(store: EventStore): Promise<bigint> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 100 })) {
    if (!event.stream.startsWith('audit-')) return event.position;
  }
  return -1n;
}

/**
 * Waits until the seal chain covers `target`. Flushes only once less than one seal's worth is
 * left, so a catch-up seals in full ranges of `everyEvents` as it would on its own.
 */
export async function sealedThrough(
  store: EventStore,
  sealer: AuditSealer,
  target: bigint,
  everyEvents: number,
  log?: (line: string) => void,
): Promise<void> {
  const seals = new SealLog(store);
  let reportedAt = performance.now();
  for (;;) {
    const last = await seals.last();
    const through = last ? BigInt(last.seal.toPosition) : -1n;
    if (through >= target) return;
    if (target - through < BigInt(everyEvents)) await sealer.flush();
    if (log && performance.now() - reportedAt > 5_000) {
      reportedAt = performance.now();
      log(`    sealed through ${count_(Number(through))} / ${count_(Number(target))}`);
    }
    await sleep(50);
  }
}
