import { pino } from 'pino';
import { eventCatalog } from '../src/events/catalog.js';
import { TenantRegistered, TenantRenamed, tenantStream } from '../src/events/tenant.js';
import type { EventStore } from '../src/eventstore/port.js';
import { createProjectionRunner } from '../src/projections/index.js';
import type { ReadModels } from '../src/readmodels/database.js';
import { memoryVault } from '../test/support/memory-vault.js';

const metadata = (tenantId: string) => ({
  tenantId,
  correlationId: 'bench',
  causationId: null,
  actor: 'system:bench',
});

/**
 * Seeds `tenants` tenants (a registration and a rename each: two events, one row), lets the
 * runner catch up, then times a rebuild of the tenants projection from an empty table.
 */
export async function benchRebuild(
  store: EventStore,
  readModels: ReadModels,
  tenants: number,
  log: (line: string) => void,
): Promise<{ rate: number; events: number }> {
  const run = Date.now().toString(36);
  const at = new Date().toISOString();
  for (let start = 0; start < tenants; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, tenants - start) }, (_, i) => {
        const id = `b${run}-${start + i}`;
        return store.append(
          tenantStream(id),
          [
            eventCatalog.create(
              TenantRegistered,
              { tenantId: id, name: `Tenant ${start + i}`, registeredAt: at },
              metadata(id),
            ),
            eventCatalog.create(
              TenantRenamed,
              {
                tenantId: id,
                name: `Renamed ${start + i}`,
                previousName: `Tenant ${start + i}`,
                renamedAt: at,
              },
              metadata(id),
            ),
          ],
          'no_stream',
        );
      }),
    );
    if (start % 10_000 === 0) log(`  seeded ${(start * 2).toLocaleString('en-US')} tenant events`);
  }
  const runner = createProjectionRunner({
    eventStore: store,
    readModels,
    logger: pino({ level: 'warn' }),
    vault: memoryVault(),
  });
  await runner.start();
  try {
    await runner.waitFor(await store.headPosition(), { timeoutMs: 600_000 });
    const events = tenants * 2;
    log(`  rebuilding tenants over ${events.toLocaleString('en-US')} events`);
    const started = performance.now();
    await runner.rebuild('tenants', { timeoutMs: 600_000 });
    return { rate: events / ((performance.now() - started) / 1000), events };
  } finally {
    await runner.stop();
  }
}
