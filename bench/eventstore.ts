import { randomUUID } from 'node:crypto';
import { githubExample } from '../scripts/github-example.js';
import type { EventStore } from '../src/eventstore/port.js';
import { benchEvent, throughput } from './support.js';

export interface EventStoreFigures {
  appends1: number;
  appends8: number;
  appends64: number;
  batched: number;
  /** Single-event appends carrying a real GitHub webhook payload (about 21 KB), 50 writers. */
  payloads50: number;
  catchUp: number;
}

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const CATCH_UP_EVENTS = Number(process.env.BENCH_CATCH_UP_EVENTS ?? 200_000);

/** Single-event appends, each writer to its own stream with an exact expected revision. */
async function appendRate(store: EventStore, writers: number): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const revisions = new Map<number, bigint | 'no_stream'>();
  return throughput(writers, DURATION_MS, async (worker) => {
    const result = await store.append(
      `bench-${run}.w${worker}`,
      [benchEvent()],
      revisions.get(worker) ?? 'no_stream',
    );
    revisions.set(worker, result.revision);
    return 1;
  });
}

/** What the webhook gateway asks of the store, without HTTP or projections: its ceiling. */
async function payloadAppendRate(store: EventStore, writers: number): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const payload = githubExample('pull_request', 'opened');
  return throughput(writers, DURATION_MS, async (worker) => {
    await store.append(`bench-${run}.hook${worker}`, [benchEvent('WebhookPayload', { payload })], 'any');
    return 1;
  });
}

async function batchedRate(store: EventStore): Promise<number> {
  const run = randomUUID().slice(0, 8);
  return throughput(4, DURATION_MS, async (worker) => {
    await store.append(
      `bench-${run}.batch${worker}`,
      Array.from({ length: 100 }, () => benchEvent()),
      'any',
    );
    return 100;
  });
}

async function seed(store: EventStore, count: number, log: (line: string) => void): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const perCall = 500;
  for (let written = 0; written < count; written += perCall * 4) {
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        store.append(
          `seed-${run}.s${(written / perCall + i) % 100}`,
          Array.from({ length: perCall }, () => benchEvent()),
          'any',
        ),
      ),
    );
    if (written % 50_000 === 0)
      log(`  seeded ${written.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`);
  }
}

/** Subscribes from the start of the log and reads until caught up. */
async function catchUpRate(store: EventStore): Promise<{ rate: number; events: number }> {
  const started = performance.now();
  let events = 0;
  const subscription = store.subscribeAll();
  for await (const message of subscription) {
    if (message.kind === 'event') events++;
    if (message.kind === 'caught_up') break;
  }
  await subscription.close();
  return { rate: events / ((performance.now() - started) / 1000), events };
}

export async function benchEventStore(
  store: EventStore,
  log: (line: string) => void,
): Promise<EventStoreFigures> {
  log(`  appends, 1 writer`);
  const appends1 = await appendRate(store, 1);
  log(`  appends, 8 writers`);
  const appends8 = await appendRate(store, 8);
  log(`  appends, 64 writers`);
  const appends64 = await appendRate(store, 64);
  log(`  batched appends (100 per call, 4 writers)`);
  const batched = await batchedRate(store);
  log(`  appends of 21 KB webhook payloads, 50 writers`);
  const payloads50 = await payloadAppendRate(store, 50);
  const head = Number(await store.headPosition());
  if (head < CATCH_UP_EVENTS) await seed(store, CATCH_UP_EVENTS - head, log);
  log(`  catch-up read`);
  const catchUp = await catchUpRate(store);
  log(`  caught up over ${catchUp.events.toLocaleString('en-US')} events`);
  return { appends1, appends8, appends64, batched, payloads50, catchUp: catchUp.rate };
}
