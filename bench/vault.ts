import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { openReadModels, type ReadModels } from '../src/readmodels/database.js';
import type { ReadModelLogger } from '../src/readmodels/logger.js';
import { LocalKms, PrismaTenantKeyStore, type Sealed, TokenVault } from '../src/vault/index.js';
import { fmt } from './support.js';

export interface VaultFigures {
  /** Warm cache: one AES-256-GCM open of a ~300-byte token, in microseconds. */
  decryptP50Us: number;
  decryptP99Us: number;
  /** Warm decrypts per second on one core, sequential. */
  decryptsPerSecond: number;
  encryptP50Us: number;
  /** Cache miss: key-store read + master-key unwrap + decrypt, in milliseconds. */
  coldDecryptP50Ms: number;
  coldDecryptP99Ms: number;
}

const ITERATIONS = Number(process.env.BENCH_VAULT_ITERATIONS ?? 100_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const TENANTS = 50;
const CONNECTIONS = 20;

const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function timeEach(count: number, pick: (i: number) => Promise<unknown>): Promise<Float64Array> {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await pick(i);
    samples[i] = Number(process.hrtime.bigint() - started);
  }
  return samples.sort();
}

/**
 * Token checkout's crypto: decrypting a sealed token with the tenant's data key already
 * unwrapped in memory (the steady state), plus what a cache miss costs. The key store is on
 * `readModels` (default: in-memory PGlite); only the cold figure depends on it.
 */
export async function benchTokenCheckout(
  options: { readModels?: ReadModels; log?: (line: string) => void } = {},
): Promise<VaultFigures> {
  const log = options.log ?? (() => {});
  const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as ReadModelLogger;
  const readModels = options.readModels ?? (await openReadModels({ kind: 'pglite', logger: quiet }));
  try {
    const vault = new TokenVault({
      kms: new LocalKms(randomBytes(32)),
      keys: new PrismaTenantKeyStore(readModels.prisma),
    });
    const run = randomBytes(4).toString('hex');
    // A token set as a credentials row would hold it: access + refresh token and expiry.
    const token = JSON.stringify({
      accessToken: `gho_${randomBytes(60).toString('base64url')}`,
      refreshToken: `ghr_${randomBytes(60).toString('base64url')}`,
      expiresAt: new Date().toISOString(),
    });
    const sealed: Array<{ tenantId: string; connectionId: string; sealed: Sealed }> = [];
    for (let t = 0; t < TENANTS; t++)
      for (let c = 0; c < CONNECTIONS; c++) {
        const tenantId = `bench-${run}-${t}`;
        const connectionId = `conn-${c}`;
        sealed.push({ tenantId, connectionId, sealed: await vault.encrypt(tenantId, connectionId, token) });
      }
    const checkout = async (i: number) => {
      const item = sealed[i % sealed.length]!;
      (await vault.decrypt(item.tenantId, item.connectionId, item.sealed)).fill(0);
    };
    for (let i = 0; i < sealed.length; i++) await checkout(i);

    log(`  vault: ${ITERATIONS.toLocaleString('en-US')} warm decrypts (${token.length}-byte token)`);
    const warm = await timeEach(ITERATIONS, checkout);
    const encrypts = await timeEach(Math.min(ITERATIONS, 20_000), (i) => {
      const item = sealed[i % sealed.length]!;
      return vault.encrypt(item.tenantId, item.connectionId, token);
    });

    let done = 0;
    const started = performance.now();
    while (performance.now() - started < DURATION_MS) {
      for (let k = 0; k < 1000; k++) await checkout(done + k);
      done += 1000;
    }
    const decryptsPerSecond = done / ((performance.now() - started) / 1000);

    log('  vault: cold decrypts (cache miss each time)');
    const cold = await timeEach(500, async (i) => {
      const item = sealed[(i * CONNECTIONS) % sealed.length]!;
      vault.forgetTenant(item.tenantId);
      (await vault.decrypt(item.tenantId, item.connectionId, item.sealed)).fill(0);
    });

    return {
      decryptP50Us: quantile(warm, 0.5) / 1e3,
      decryptP99Us: quantile(warm, 0.99) / 1e3,
      decryptsPerSecond,
      encryptP50Us: quantile(encrypts, 0.5) / 1e3,
      coldDecryptP50Ms: quantile(cold, 0.5) / 1e6,
      coldDecryptP99Ms: quantile(cold, 0.99) / 1e6,
    };
  } finally {
    if (!options.readModels) await readModels.close();
  }
}

export function vaultTable(figures: VaultFigures): string {
  return [
    '| measure | value |',
    '|---|---:|',
    `| decrypt p50 / p99, warm key cache | ${figures.decryptP50Us.toFixed(1)} µs / ${figures.decryptP99Us.toFixed(1)} µs |`,
    `| decrypts/s, one core, sequential | ${fmt(figures.decryptsPerSecond)} |`,
    `| encrypt p50 | ${figures.encryptP50Us.toFixed(1)} µs |`,
    `| cold decrypt p50 / p99 (key store read + unwrap + decrypt) | ${figures.coldDecryptP50Ms.toFixed(2)} ms / ${figures.coldDecryptP99Ms.toFixed(2)} ms |`,
  ].join('\n');
}

// `npx tsx bench/vault.ts` runs it alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchTokenCheckout({ log: (line) => process.stderr.write(`${line}\n`) });
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name}: ${fmt(value)}\n`);
}
