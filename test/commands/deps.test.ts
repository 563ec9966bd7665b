import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Caller, type CommandDeps, execute } from '../../src/commands/deps.js';
import { tenantDecider } from '../../src/domain/tenant.js';
import { tenantStream } from '../../src/events/tenant.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import { NotYetVisibleError, WaitForTimeoutError } from '../../src/projections/errors.js';
import { READ_MODEL } from '../../src/projections/names.js';
import { integrationsProjection } from '../../src/projections/read-models/integrations.js';
import { tenantsProjection } from '../../src/projections/read-models/tenants.js';
import { type Backend, openBackend } from '../projections/harness.js';

const now = new Date('2026-05-06T07:08:09.000Z');
const caller: Caller = { actor: 'operator:abc', correlationId: 'corr-1' };
const target = (tenantId: string) => ({ tenantId, stream: tenantStream(tenantId) });
const register = (tenantId: string, name = 'Acme') => ({ type: 'RegisterTenant', tenantId, name }) as const;
const waitForTenants = { waitFor: [READ_MODEL.tenants] } as const;

async function streamOf(backend: Backend, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of backend.store.readStream(stream)) events.push(event);
  return events;
}

describe('execute: the command executor (embedded PGlite)', () => {
  // The tenants projection runs here, so a command that waits for it returns once it shows the change.
  let live: Backend;
  // No projection runs here: a command that waits for a read model can only time out.
  let lagging: Backend;
  let liveDeps: CommandDeps;
  let laggingDeps: CommandDeps;

  beforeAll(async () => {
    [live, lagging] = await Promise.all([openBackend('pglite'), openBackend('pglite')]);
    const runner = live.runner();
    await runner.start();
    liveDeps = {
      eventStore: live.store,
      projections: runner,
      readYourWritesTimeoutMs: 10_000,
      now: () => now,
    };
    laggingDeps = {
      eventStore: lagging.store,
      projections: lagging.runner(),
      readYourWritesTimeoutMs: 200,
      now: () => now,
    };
  });
  afterAll(async () => {
    await live?.close();
    await lagging?.close();
  });

  it('decides with the caller and the clock, appends, and returns once the named read model shows it', async () => {
    const result = await execute(
      liveDeps,
      caller,
      target('acme'),
      tenantDecider,
      register('acme'),
      waitForTenants,
    );

    expect(result.state).toEqual({ status: 'active', name: 'Acme', redirectAllowlist: [] });
    const [recorded] = await streamOf(live, tenantStream('acme'));
    expect(recorded).toMatchObject({
      type: 'TenantRegistered',
      data: { tenantId: 'acme', name: 'Acme', registeredAt: now.toISOString() },
      metadata: { tenantId: 'acme', actor: 'operator:abc', correlationId: 'corr-1', causationId: null },
    });
    expect(result.position).toBe(recorded?.position);
    expect(result.events.map((event) => event.id)).toEqual([recorded?.id]);
    // Read-your-writes: no polling needed, the row is there when execute returns.
    expect(await live.readModels.prisma.tenant.findUnique({ where: { id: 'acme' } })).toMatchObject({
      name: 'Acme',
    });
  });

  it('answers NOT_YET_VISIBLE when the read model does not catch up in time; the change is recorded all the same', async () => {
    const started = Date.now();
    const error = await execute(
      laggingDeps,
      caller,
      target('globex'),
      tenantDecider,
      register('globex', 'Globex'),
      waitForTenants,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotYetVisibleError);
    expect(error).toMatchObject({ code: 'NOT_YET_VISIBLE', status: 503, expose: true });
    expect((error as NotYetVisibleError).cause).toBeInstanceOf(WaitForTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const events = await streamOf(lagging, tenantStream('globex'));
    expect(events.map((event) => event.type)).toEqual(['TenantRegistered']);
    expect(error).toMatchObject({ extensions: { position: String(events[0]?.position) } });
  });

  it("does not wait for a named read model that handles none of the command's events", async () => {
    // Nothing projects here: waiting for the integrations read model could only time out.
    const projections = lagging.runner({ projections: [tenantsProjection, integrationsProjection] });
    // Not even the store is asked whether the read model has anything pending.
    const readAll = vi.spyOn(lagging.store, 'readAll');
    const result = await execute(
      { ...laggingDeps, projections },
      caller,
      target('hooli'),
      tenantDecider,
      register('hooli'),
      { waitFor: [READ_MODEL.integrations] },
    );
    expect(result.events.map((event) => event.type)).toEqual(['TenantRegistered']);
    expect(readAll).not.toHaveBeenCalled();
    readAll.mockRestore();
  });

  it('waits for nothing when it names no read model', async () => {
    const result = await execute(laggingDeps, caller, target('initech'), tenantDecider, register('initech'), {
      waitFor: [],
    });
    expect(result.position).not.toBeNull();
    expect((await streamOf(lagging, tenantStream('initech'))).length).toBe(1);
  });

  it('appends nothing and waits for nothing when the decision is no events (a repeated command)', async () => {
    await execute(laggingDeps, caller, target('umbrella'), tenantDecider, register('umbrella'), {
      waitFor: [],
    });
    // Waiting here could only time out (nothing projects in this backend): it must not wait.
    const again = await execute(
      laggingDeps,
      caller,
      target('umbrella'),
      tenantDecider,
      register('umbrella'),
      waitForTenants,
    );
    expect(again).toMatchObject({ position: null, events: [], state: { status: 'active', name: 'Acme' } });
    expect((await streamOf(lagging, tenantStream('umbrella'))).length).toBe(1);
  });

  it("throws the decider's refusal and appends nothing", async () => {
    await expect(
      execute(
        liveDeps,
        caller,
        target('acme'),
        tenantDecider,
        register('acme', 'Someone else'),
        waitForTenants,
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    expect((await streamOf(live, tenantStream('acme'))).length).toBe(1);
  });
});
