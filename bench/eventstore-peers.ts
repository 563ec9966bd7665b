import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { githubExample } from '../scripts/github-example.js';
import type { EventStore } from '../src/eventstore/port.js';
import { createPostgresEventStore } from '../src/eventstore/sql/index.js';
import { startCpuMeter } from './cpu-meter.js';
import { benchEvent, fmt, median, POSTGRES_URL, scratchDatabase } from './support.js';

/**
 * `npm run bench -- eventstore`: Switchboard's SQL event store side by side with a plain
 * single-INSERT table and Emmett's PostgreSQL event store, each on a scratch database of its own on
 * the same PostgreSQL. Single-event appends (one event per call, each writer its own stream, an
 * exact expected revision where the contender has one) at 1, 8 and 64 writers; then a catch-up
 * `subscribeAll` against `readAll` over the same log. Rounds are interleaved with the contenders'
 * order rotated each round; the table gives the median and range of the rounds, and CPU per
 * operation (this Node process; the PostgreSQL backends serving the contender's database, /proc).
 */
const ROUND_MS = Number(process.env.BENCH_ES_ROUND_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ES_ROUNDS ?? 3);
const WRITERS = (process.env.BENCH_ES_WRITERS ?? '1,8,64').split(',').map(Number);
const CATCH_UP_EVENTS = Number(process.env.BENCH_ES_CATCH_UP_EVENTS ?? 100_000);
/** One seeded event in this many carries a GitHub webhook payload (about 21 KB); 0: none. */
const PAYLOAD_EVERY = Number(process.env.BENCH_ES_PAYLOAD_EVERY ?? 5);
const POOL_SIZE = 16;
const PARTS = new Set((process.env.BENCH_ES_PARTS ?? 'appends,catchup').split(','));

interface Sample {
  rate: number;
  nodeMsPerOp: number;
  postgresMsPerOp: number;
}

interface Contender {
  name: string;
  /** One single-event append to the writer's stream. */
  append(writer: number): Promise<void>;
  /** Starts a new set of streams (each window writes streams of its own). */
  reset(): void;
  backends(): Promise<number[]>;
  close(): Promise<void>;
}

export interface PeerFigures {
  roundMs: number;
  rounds: number;
  appends: Record<number, Record<string, Sample[]>>;
  catchUp: { events: number; samples: Record<string, Sample[]> } | null;
}

const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });

function backendsOf(url: string): () => Promise<number[]> {
  const name = new URL(url).pathname.slice(1);
  return async () =>
    (
      await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name])
    ).rows.map((row) => Number(row.pid));
}

async function switchboard(): Promise<Contender> {
  const database = await scratchDatabase();
  const store = await createPostgresEventStore(database.url, { poolSize: POOL_SIZE });
  let run = randomUUID().slice(0, 8);
  const revisions = new Map<number, bigint>();
  return {
    name: 'Switchboard',
    async append(writer) {
      const result = await store.append(
        `bench-${run}.w${writer}`,
        [benchEvent()],
        revisions.get(writer) ?? 'no_stream',
      );
      revisions.set(writer, result.revision);
    },
    reset() {
      run = randomUUID().slice(0, 8);
      revisions.clear();
    },
    backends: backendsOf(database.url),
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

async function plainTable(): Promise<Contender> {
  const database = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
  pool.on('error', () => {});
  await pool.query(
    'CREATE TABLE events (id bigserial PRIMARY KEY, stream text NOT NULL, payload jsonb NOT NULL)',
  );
  let run = randomUUID().slice(0, 8);
  return {
    name: 'plain INSERT',
    async append(writer) {
      const event = benchEvent();
      await pool.query('INSERT INTO events (stream, payload) VALUES ($1, $2)', [
        `bench-${run}.w${writer}`,
        JSON.stringify({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }),
      ]);
    },
    reset() {
      run = randomUUID().slice(0, 8);
    },
    backends: backendsOf(database.url),
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

async function emmett(): Promise<Contender> {
  const database = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
  // Dropping the database ends connections Emmett may still keep: not an error of the bench.
  pool.on('error', () => {});
  const store = getPostgreSQLEventStore(database.url, { connectionOptions: { pool } });
  await store.schema.migrate();
  let run = randomUUID().slice(0, 8);
  const versions = new Map<number, bigint>();
  return {
    name: 'Emmett',
    async append(writer) {
      const event = benchEvent();
      const expected = versions.get(writer);
      const result = await store.appendToStream(
        `bench-${run}.w${writer}`,
        [{ type: event.type, data: event.data as Record<string, unknown>, metadata: event.metadata }],
        { expectedStreamVersion: expected ?? 'STREAM_DOES_NOT_EXIST' },
      );
      versions.set(writer, result.nextExpectedStreamVersion);
    },
    reset() {
      run = randomUUID().slice(0, 8);
      versions.clear();
    },
    backends: backendsOf(database.url),
    async close() {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}

/** One window of `writers` concurrent writers appending one event per call. */
async function appendWindow(contender: Contender, writers: number): Promise<Sample> {
  contender.reset();
  // A short warm-up on the window's own streams (connections opened, plans cached).
  await Promise.all(Array.from({ length: writers }, (_, writer) => contender.append(writer)));
  const meter = await startCpuMeter(contender.backends);
  const started = performance.now();
  const deadline = started + ROUND_MS;
  let operations = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (performance.now() < deadline) {
        await contender.append(writer);
        operations++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = await meter();
  return {
    rate: operations / seconds,
    nodeMsPerOp: cpu.nodeMs / operations,
    postgresMsPerOp: cpu.postgresMs / operations,
  };
}

/** Seeds `count` events into a store of its own, in batches (what is read back is what matters). */
async function seed(store: EventStore, count: number): Promise<void> {
  const perCall = 500;
  const payload = githubExample('pull_request', 'opened');
  let made = 0;
  const event = () =>
    PAYLOAD_EVERY > 0 && made++ % PAYLOAD_EVERY === 0
      ? benchEvent('WebhookPayload', { payload })
      : benchEvent();
  for (let written = 0; written < count; written += perCall * 4) {
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        store.append(
          `seed.s${(written / perCall + i) % 100}`,
          Array.from({ length: Math.min(perCall, Math.max(0, count - written - i * perCall)) }, event),
          'any',
        ),
      ),
    );
  }
}

async function readAllWindow(store: EventStore, backends: () => Promise<number[]>): Promise<Sample> {
  const meter = await startCpuMeter(backends);
  const started = performance.now();
  let events = 0;
  for await (const _ of store.readAll()) events++;
  return finish(started, events, await meter());
}

async function catchUpWindow(store: EventStore, backends: () => Promise<number[]>): Promise<Sample> {
  const meter = await startCpuMeter(backends);
  const started = performance.now();
  let events = 0;
  const subscription = store.subscribeAll();
  for await (const message of subscription) {
    if (message.kind === 'event') events++;
    else if (message.kind === 'caught_up') break;
  }
  await subscription.close();
  return finish(started, events, await meter());
}

function finish(started: number, events: number, cpu: { nodeMs: number; postgresMs: number }): Sample {
  return {
    rate: events / ((performance.now() - started) / 1000),
    nodeMsPerOp: cpu.nodeMs / events,
    postgresMsPerOp: cpu.postgresMs / events,
  };
}

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length]!);

export async function benchEventStorePeers(log: (line: string) => void): Promise<PeerFigures> {
  const figures: PeerFigures = { roundMs: ROUND_MS, rounds: ROUNDS, appends: {}, catchUp: null };
  if (PARTS.has('appends')) {
    const contenders = [await switchboard(), await plainTable(), await emmett()];
    try {
      for (const writers of WRITERS) {
        const samples: Record<string, Sample[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
        for (let round = 0; round < ROUNDS; round++) {
          for (const contender of rotate(contenders, round)) {
            const sample = await appendWindow(contender, writers);
            samples[contender.name]!.push(sample);
            log(`  ${writers} writers, round ${round + 1}: ${contender.name} ${fmt(sample.rate)} appends/s`);
          }
        }
        figures.appends[writers] = samples;
      }
    } finally {
      for (const contender of contenders) await contender.close();
    }
  }
  if (PARTS.has('catchup')) {
    const database = await scratchDatabase();
    const store = await createPostgresEventStore(database.url, { poolSize: POOL_SIZE });
    const backends = backendsOf(database.url);
    try {
      log(`  seeding ${CATCH_UP_EVENTS.toLocaleString('en-US')} events`);
      await seed(store, CATCH_UP_EVENTS);
      const samples: Record<string, Sample[]> = { readAll: [], subscribeAll: [] };
      const modes = [
        ['readAll', () => readAllWindow(store, backends)],
        ['subscribeAll', () => catchUpWindow(store, backends)],
      ] as const;
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, measure] of rotate(modes, round)) {
          const sample = await measure();
          samples[name]!.push(sample);
          log(`  catch-up round ${round + 1}: ${name} ${fmt(sample.rate)} events/s`);
        }
      }
      figures.catchUp = { events: CATCH_UP_EVENTS, samples };
    } finally {
      await store.close();
      await database.drop();
    }
  }
  await admin.end();
  return figures;
}

const range = (values: number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
const ms = (value: number) => (value >= 0.1 ? value.toFixed(2) : value.toFixed(3));
const row = (label: string, samples: Sample[], ratios: string[]) =>
  `| ${label} | ${fmt(median(samples.map((s) => s.rate)))} | ${range(samples.map((s) => s.rate))} | ${ms(
    median(samples.map((s) => s.nodeMsPerOp)),
  )} | ${ms(median(samples.map((s) => s.postgresMsPerOp)))} | ${ratios.join(' | ')} |`;

export function peersTable(figures: PeerFigures): string {
  const lines: string[] = [];
  const writers = Object.keys(figures.appends).map(Number);
  if (writers.length > 0) {
    lines.push(
      `Single-event appends (one event per call, each writer its own stream), ${figures.rounds} interleaved rounds of ${figures.roundMs / 1000} s, contenders rotated each round. CPU per append: this Node process and the PostgreSQL backends of the contender's database. Ratios: medians.`,
      '',
      '| contender | appends/s (median) | range | Node CPU ms/append | PostgreSQL CPU ms/append | × plain INSERT | × Emmett |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const count of writers) {
      const samples = figures.appends[count]!;
      const plain = median(samples['plain INSERT']!.map((s) => s.rate));
      const emmettRate = median(samples.Emmett!.map((s) => s.rate));
      for (const [name, list] of Object.entries(samples)) {
        const rate = median(list.map((s) => s.rate));
        lines.push(
          row(`${name}, ${count} writer${count === 1 ? '' : 's'}`, list, [
            `${(rate / plain).toFixed(2)}`,
            `${(rate / emmettRate).toFixed(2)}`,
          ]),
        );
      }
    }
  }
  if (figures.catchUp) {
    const { samples, events } = figures.catchUp;
    const readAll = median(samples.readAll!.map((s) => s.rate));
    lines.push(
      '',
      `Catch-up over ${events.toLocaleString('en-US')} events${PAYLOAD_EVERY > 0 ? ` (1 in ${PAYLOAD_EVERY} a 21 KB GitHub webhook payload, the rest small)` : ''} (Switchboard, PostgreSQL): \`subscribeAll\` from the start until \`caught_up\` against \`readAll\` over the same log, ${figures.rounds} interleaved rounds.`,
      '',
      '| read | events/s (median) | range | Node CPU ms/event | PostgreSQL CPU ms/event | × readAll |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const [name, list] of Object.entries(samples)) {
      lines.push(row(name, list, [(median(list.map((s) => s.rate)) / readAll).toFixed(2)]));
    }
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await benchEventStorePeers((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${peersTable(figures)}\n`);
}
