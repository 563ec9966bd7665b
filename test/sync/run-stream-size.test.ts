import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RecordedEventOf } from '../../src/events/define.js';
import type { RecordsBatchRecorded } from '../../src/events/sync.js';
import { AppendTooLargeError } from '../../src/eventstore/errors.js';
import { createKurrentDbEventStore } from '../../src/eventstore/kurrentdb/index.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { RunStream } from '../../src/sync/run-stream.js';
import { collect } from '../eventstore/contract.js';
import { type KurrentDbDouble, startKurrentDbDouble } from '../support/kurrentdb-double/index.js';
import { memoryVault } from '../support/memory-vault.js';

let double: KurrentDbDouble;
let store: EventStore;
const vault = memoryVault();
const metadata = { tenantId: 'acme', correlationId: randomUUID(), causationId: null, actor: 'system:test' };

beforeAll(async () => {
  // KurrentDB 24.x's default: no append over 1 MiB.
  double = await startKurrentDbDouble({ maxAppendSize: 1024 * 1024 });
  store = createKurrentDbEventStore(double.connectionString);
});
afterAll(async () => {
  await store?.close();
  await double?.close();
});

const open = () =>
  RunStream.open(
    { eventStore: store, vault },
    {
      tenantId: 'acme',
      connectionId: 'conn_big',
      resource: 'issues',
      runId: randomUUID(),
      model: 'Ticket',
      source: 'sync',
    },
    metadata,
  );

// Random bytes do not compress: the sealed content is as large as the records.
const record = (i: number, bytes: number) => ({
  id: `issue-${i}`,
  op: 'created' as const,
  hash: `h${i}`,
  data: { id: `issue-${i}`, title: `Issue ${i}` },
  raw: { body: randomBytes(bytes).toString('base64') },
});

it('records a page larger than one append in several appends, the checkpoint on the very last part', async () => {
  const { stream } = await open();
  const records = Array.from({ length: 120 }, (_, i) => record(i, 24 * 1024));
  await stream.append({
    records,
    deletes: ['gone-1'],
    unchanged: 3,
    checkpoint: { since: 'cursor-after-page' },
  });
  const events = (await collect(store.readStream(stream.stream))) as RecordedEventOf<
    typeof RecordsBatchRecorded
  >[];
  expect(events.length).toBeGreaterThanOrEqual(4);
  expect(events.flatMap((event) => event.data.records.map((r) => r.id))).toEqual(records.map((r) => r.id));
  expect(events.map((event) => event.data.checkpoint)).toEqual([
    ...events.slice(0, -1).map(() => null),
    { since: 'cursor-after-page' },
  ]);
  expect(events.at(-1)!.data).toMatchObject({ deletes: ['gone-1'], unchanged: 3 });
});

it('fails the page with APPEND_TOO_LARGE when one record alone is over the limit', async () => {
  const { stream } = await open();
  await expect(
    stream.append({ records: [record(1, 1200 * 1024)], deletes: [], unchanged: 0, checkpoint: null }),
  ).rejects.toBeInstanceOf(AppendTooLargeError);
  expect(await collect(store.readStream(stream.stream))).toEqual([]);
});
