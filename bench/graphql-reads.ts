import pg from 'pg';
import { openReadModels } from '../src/readmodels/database.js';
import { fmt, scratchDatabase, throughput } from './support.js';

/**
 * Issue 11: the tenant read of a `{ tenant }` cache miss, Prisma (adapter-pg, as the hub reads it)
 * against one prepared `pg` statement on a pool of the same size, on a scratch PostgreSQL database:
 * reads per second at 1 and 16 concurrent readers, in the same process, interleaved over rounds.
 *
 *   npx tsx bench/graphql-reads.ts    BENCH_READS_SECONDS (3), BENCH_READS_ROUNDS (3)
 */
const SECONDS = Number(process.env.BENCH_READS_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_READS_ROUNDS ?? 3);

const database = await scratchDatabase();
const readModels = await openReadModels({ kind: 'postgres', url: database.url });
const pool = new pg.Pool({ connectionString: database.url, max: 10 });
try {
  await readModels.prisma.tenant.create({
    data: {
      id: 'bench',
      name: 'Bench',
      status: 'ACTIVE',
      createdAt: new Date(),
      updatedAt: new Date(),
      version: 0n,
      position: 0n,
    },
  });
  const prisma = () => readModels.prisma.tenant.findUnique({ where: { id: 'bench' } }).then(() => 1);
  const prepared = () =>
    pool
      .query({
        name: 'tenant-by-id',
        text: 'SELECT id, name, status, created_at, updated_at, deleted_at, redirect_allowlist, version, position FROM tenants WHERE id = $1',
        values: ['bench'],
      })
      .then(() => 1);
  const results: Record<string, number[]> = {};
  const record = (key: string, value: number) => {
    results[key] = [...(results[key] ?? []), value];
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const concurrency of [1, 16]) {
      const pair: Array<[string, () => Promise<number>]> = [
        [`Prisma findUnique, ${concurrency} readers`, prisma],
        [`pg prepared statement, ${concurrency} readers`, prepared],
      ];
      if (round % 2) pair.reverse();
      for (const [label, work] of pair) {
        const cpu = process.cpuUsage();
        const rate = await throughput(concurrency, SECONDS * 1000, work);
        const used = process.cpuUsage(cpu);
        record(label, rate);
        record(`${label} CPU µs`, (used.user + used.system) / (rate * SECONDS));
      }
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  process.stdout.write(
    '| read of one tenant row | reads/s: median (range) | Node CPU µs per read (median) |\n|---|---:|---:|\n',
  );
  for (const label of Object.keys(results).filter((key) => !key.endsWith('CPU µs'))) {
    const rates = results[label]!;
    process.stdout.write(
      `| ${label} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) | ${median(results[`${label} CPU µs`]!).toFixed(0)} |\n`,
    );
  }
} finally {
  await pool.end();
  await readModels.close();
  await database.drop();
}
