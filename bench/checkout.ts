import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { sealCredentials } from '../src/connections/credentials/credentials-codec.js';
import { createConnectionServices } from '../src/connections/index.js';
import { ProviderCatalog } from '../src/connectors/catalog.js';
import { handleCommand } from '../src/domain/command-handler.js';
import { connectionDecider } from '../src/domain/connection.js';
import { connectionStream } from '../src/events/connection.js';
import { createPostgresEventStore } from '../src/eventstore/sql/index.js';
import { createMemoryPlatform } from '../src/platform/index.js';
import { createLogger } from '../src/platform/logger.js';
import { createProjectionRunner } from '../src/projections/index.js';
import { openReadModels } from '../src/readmodels/database.js';
import { LocalKms, PrismaTenantKeyStore, TokenVault } from '../src/vault/index.js';
import { fmt, scratchDatabase, throughput } from './support.js';

export interface CheckoutFigures {
  connections: number;
  /** One checkout at a time: credentials row → decrypt → freshness, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Checkouts per second with 1 and 16 callers at once. */
  perSecond1: number;
  perSecond16: number;
}

const TENANTS = 50;
const PER_TENANT = 20;
const SAMPLES = Number(process.env.BENCH_CHECKOUT_SAMPLES ?? 20_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);

const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * Token checkout as the proxy will do it, through `accessTokenFor` on PostgreSQL: the credentials
 * read model (one primary-key read filtered by tenant), the vault (AES-GCM open, tenant key
 * cached), and the freshness check. Tokens are valid for an hour, so no provider is called.
 */
export async function benchCheckout(log: (line: string) => void = () => {}): Promise<CheckoutFigures> {
  const database = await scratchDatabase();
  const logger = createLogger({ level: 'silent' });
  const eventStore = await createPostgresEventStore(database.url, { poolSize: 16 });
  const readModels = await openReadModels({ kind: 'postgres', url: database.url });
  const platform = createMemoryPlatform();
  const vault = new TokenVault({
    kms: new LocalKms(randomBytes(32)),
    keys: new PrismaTenantKeyStore(readModels.prisma),
  });
  const projections = createProjectionRunner({ eventStore, readModels, logger, vault });
  try {
    await projections.start();
    const services = createConnectionServices({
      eventStore,
      prisma: readModels.prisma,
      vault,
      catalog: new ProviderCatalog(),
      kv: platform.kv,
      leases: platform.leases,
      projections,
      logger,
      publicUrl: 'http://127.0.0.1:4000',
      redirectAllowlist: [],
      now: () => new Date(),
      providerTimeoutMs: 10_000,
      retry: { retries: 3, baseMs: 250, maxMs: 5_000 },
      readYourWritesTimeoutMs: 30_000,
    });
    log(`  checkout: installing ${TENANTS * PER_TENANT} connections`);
    const targets = await install(eventStore, vault, (position) =>
      projections.waitFor(position, { timeoutMs: 60_000 }),
    );
    const checkout = (i: number) => {
      const target = targets[i % targets.length]!;
      return services.accessTokenFor(target.tenantId, target.connectionId);
    };
    for (let i = 0; i < targets.length; i++) await checkout(i); // warm the key cache and the pool

    log(`  checkout: ${SAMPLES.toLocaleString('en-US')} sequential checkouts`);
    const samples = new Float64Array(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      const started = process.hrtime.bigint();
      await checkout(i);
      samples[i] = Number(process.hrtime.bigint() - started) / 1e6;
    }
    samples.sort();
    let next = 0;
    const once = async () => {
      await checkout(next++);
      return 1;
    };
    log('  checkout: throughput, 1 and 16 callers');
    const perSecond1 = await throughput(1, DURATION_MS, once);
    const perSecond16 = await throughput(16, DURATION_MS, once);
    return {
      connections: targets.length,
      p50Ms: quantile(samples, 0.5),
      p99Ms: quantile(samples, 0.99),
      perSecond1,
      perSecond16,
    };
  } finally {
    await projections.stop();
    await platform.close();
    await readModels.close();
    await eventStore.close();
    await database.drop();
  }
}

/** Installed connections with a sealed token set (an hour to live), as a token grant leaves them. */
async function install(
  eventStore: Awaited<ReturnType<typeof createPostgresEventStore>>,
  vault: TokenVault,
  waitFor: (position: bigint) => Promise<void>,
) {
  const targets: Array<{ tenantId: string; connectionId: string }> = [];
  let last = 0n;
  for (let t = 0; t < TENANTS; t++) {
    for (let c = 0; c < PER_TENANT; c++) {
      const tenantId = `bench-${t}`;
      const connectionId = `conn_bench_${t}_${c}`;
      const secret = await sealCredentials(vault, tenantId, connectionId, {
        kind: 'oauth2_cc',
        accessToken: `gho_${randomBytes(60).toString('base64url')}`,
        refreshToken: null,
        tokenType: 'bearer',
      });
      const now = new Date();
      const result = await handleCommand(
        eventStore,
        connectionStream(tenantId, connectionId),
        connectionDecider,
        {
          type: 'InstallConnection',
          connectionId,
          tenantId,
          provider: 'github',
          // A client-credentials connection: installed in one step, no authorization attempt first.
          authMode: 'oauth2_cc',
          integration: 'global',
          account: { id: null, name: null },
          scopes: [],
          credentials: {
            secret,
            tokenType: 'bearer',
            expiresAt: new Date(now.getTime() + 3600_000),
            refreshTokenExpiresAt: null,
          },
        },
        { now, metadata: { tenantId, correlationId: 'bench', causationId: null, actor: 'system:bench' } },
      );
      last = result.position ?? last;
      targets.push({ tenantId, connectionId });
    }
  }
  await waitFor(last);
  return targets;
}

export function checkoutTable(figures: CheckoutFigures): string {
  return [
    '| measure | value |',
    '|---|---:|',
    `| checkout p50 / p99, one at a time (${figures.connections} connections) | ${figures.p50Ms.toFixed(2)} ms / ${figures.p99Ms.toFixed(2)} ms |`,
    `| checkouts/s, 1 caller | ${fmt(figures.perSecond1)} |`,
    `| checkouts/s, 16 callers | ${fmt(figures.perSecond16)} |`,
  ].join('\n');
}

// `npx tsx bench/checkout.ts` runs it alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchCheckout((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${checkoutTable(figures)}\n`);
}
