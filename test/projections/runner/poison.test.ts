import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../src/events/catalog.js';
import { type ProjectionDecisionEvent, projectionStream } from '../../../src/events/projection.js';
import { TenantRegistered, tenantStream } from '../../../src/events/tenant.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import { ProjectionFailedError } from '../../../src/projections/errors.js';
import type { Projection } from '../../../src/projections/projection.js';
import { projectionDeadLettersProjection } from '../../../src/projections/read-models/projection-dead-letters.js';
import { tenantsProjection } from '../../../src/projections/read-models/tenants.js';
import {
  ProjectionDecisionRefusedError,
  requestRetry,
  skipStoppedEvent,
} from '../../../src/projections/runner/operator-decisions.js';
import type { ProjectionRunner } from '../../../src/projections/runner/runner.js';
import { verifyReadModels } from '../../../src/projections/verify/verify.js';
import { describeWithPostgres } from '../../support/services.js';
import { type Backend, type BackendKind, openBackend, quietLogger, registerTenant } from '../harness.js';

const FAST_RETRIES = { retries: 2, backoffMs: 10, maxBackoffMs: 20 };

/** The tenants projection, failing on one event for as long as `fault.broken` holds. */
function breakableTenants(poisonEventId: string, fault: { broken: boolean }, onPoison?: 'park' | 'stop') {
  let attempts = 0;
  const projection: Projection = {
    ...tenantsProjection,
    ...(onPoison && { onPoison }),
    async apply(events, tx) {
      if (fault.broken && events.some((event) => event.id === poisonEventId)) {
        attempts++;
        throw new Error('simulated: cannot apply this one');
      }
      await tenantsProjection.apply(events, tx);
    },
  };
  return { projection, attempts: () => attempts };
}

/** A second projection over the same events: it must keep going whatever happens to the first. */
function observer(): Projection & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'observer',
    eventTypes: [TenantRegistered.type],
    tables: [],
    seen,
    async apply(events) {
      seen.push(...events.map((event) => (event.data as { tenantId: string }).tenantId));
    },
  };
}

async function appendPoison(backend: Backend, tenantId: string) {
  const event = eventCatalog.create(
    TenantRegistered,
    { tenantId, name: 'Poison', registeredAt: '2026-01-01T00:00:00.000Z' },
    { tenantId, correlationId: randomUUID(), causationId: null, actor: 'system:test' },
  );
  const { position } = await backend.store.append(tenantStream(tenantId), [event], 'no_stream');
  return { id: event.id, position };
}

async function decisions(backend: Backend, projection = 'tenants'): Promise<ProjectionDecisionEvent[]> {
  const read: ProjectionDecisionEvent[] = [];
  for await (const event of backend.store.readStream(projectionStream(projection)))
    read.push(eventCatalog.decode(event) as ProjectionDecisionEvent);
  return read;
}

const tenantIds = async (backend: Backend) =>
  (await backend.readModels.prisma.tenant.findMany({ orderBy: { id: 'asc' } })).map((row) => row.id);

function poisonSuite(kind: BackendKind) {
  let backend: Backend;
  let runner: ProjectionRunner;
  const operator = () => ({
    store: backend.store,
    catalog: eventCatalog,
    projectionNames: runner.projections.map((projection) => projection.name),
  });
  beforeEach(async () => {
    backend = await openBackend(kind);
  });
  afterEach(async () => backend.close());

  it('retries an event it cannot apply, parks it, goes on with the others; a retry request applies it once fixed; verify agrees throughout', async () => {
    const acme = await registerTenant(backend.store, 'acme', 'Acme');
    const poison = await appendPoison(backend, 'poison');
    const later = await registerTenant(backend.store, 'globex', 'Globex');
    const fault = { broken: true };
    const tenants = breakableTenants(poison.id, fault);
    runner = backend.runner({
      projections: [tenants.projection, projectionDeadLettersProjection],
      poison: FAST_RETRIES,
    });
    await runner.start();

    await runner.waitFor(later, { timeoutMs: 10_000 });
    expect(await tenantIds(backend)).toEqual(['acme', 'globex']);
    expect(tenants.attempts()).toBeGreaterThanOrEqual(FAST_RETRIES.retries + 1);
    const [parked, ...others] = await decisions(backend);
    expect(others).toEqual([]);
    expect(parked).toMatchObject({
      type: 'ProjectionEventParked',
      stream: 'projection-_global.tenants',
      metadata: { actor: 'system:projections', causationId: poison.id },
      data: {
        projection: 'tenants',
        event: {
          id: poison.id,
          type: 'TenantRegistered',
          stream: 'tenant-poison.profile',
          position: String(poison.position),
        },
        error: 'simulated: cannot apply this one',
        attempts: FAST_RETRIES.retries + 1,
        retryPosition: null,
      },
    });
    // The decision names the event, never what it says.
    expect(JSON.stringify(parked!.data)).not.toContain('Poison');

    await runner.waitFor(parked!.position, { timeoutMs: 10_000 });
    expect(await backend.readModels.prisma.projectionDeadLetter.findMany()).toMatchObject([
      {
        projection: 'tenants',
        eventPosition: poison.position,
        eventId: poison.id,
        eventType: 'TenantRegistered',
        stream: 'tenant-poison.profile',
        status: 'PARKED',
        error: 'simulated: cannot apply this one',
        decidedBy: 'system:projections',
      },
    ]);
    // Ready (once caught up): a parked event is reported, it does not take the instance out of rotation.
    await expect
      .poll(() => runner.readiness(), { timeout: 10_000 })
      .toMatchObject({
        ok: true,
        detail: { parked: { tenants: 1 } },
      });
    const status = (await runner.status()).projections.find((p) => p.name === 'tenants');
    expect(status?.parked.map((entry) => entry.event.id)).toEqual([poison.id]);
    expect(status).toMatchObject({ state: 'running', stopped: null });

    // A rebuild and a verify leave out what the live model left out, and decide nothing new.
    const live = { eventStore: backend.store, live: backend.readModels, logger: quietLogger() };
    const projections = [tenantsProjection, projectionDeadLettersProjection];
    expect((await verifyReadModels({ ...live, projections })).equal).toBe(true);
    await runner.rebuild('tenants', { timeoutMs: 20_000 });
    expect(await tenantIds(backend)).toEqual(['acme', 'globex']);
    expect(await decisions(backend)).toHaveLength(1);

    // Fixed: a retry request re-applies the parked event where the request stands in the log.
    fault.broken = false;
    const retry = await requestRetry(operator(), 'tenants', 'operator:test');
    expect(retry).toMatchObject({ parked: 1, stopped: false });
    await runner.waitFor(retry.position, { timeoutMs: 10_000 });
    expect(await tenantIds(backend)).toEqual(['acme', 'globex', 'poison']);
    const after = await decisions(backend);
    expect(after.map((d) => d.type)).toEqual([
      'ProjectionEventParked',
      'ProjectionRetryRequested',
      'ProjectionEventRecovered',
    ]);
    await runner.waitFor(after.at(-1)!.position, { timeoutMs: 10_000 });
    expect(await backend.readModels.prisma.projectionDeadLetter.findFirst()).toMatchObject({
      status: 'RECOVERED',
    });
    expect((await runner.status()).projections.find((p) => p.name === 'tenants')?.parked).toEqual([]);
    expect((await runner.readiness()).detail).not.toHaveProperty('parked');
    expect((await verifyReadModels({ ...live, projections })).equal).toBe(true);
    await expect(requestRetry(operator(), 'tenants', 'operator:test')).rejects.toThrow(
      ProjectionDecisionRefusedError,
    );
    expect(acme).toBeLessThan(poison.position);
  });

  it('waits out a transient database refusal (a deadlock) instead of parking the event', async () => {
    const poison = await appendPoison(backend, 'flaky');
    let failures = 2;
    const projection: Projection = {
      ...tenantsProjection,
      async apply(events, tx) {
        if (failures > 0 && events.some((event) => event.id === poison.id)) {
          failures--;
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }
        await tenantsProjection.apply(events, tx);
      },
    };
    runner = backend.runner({
      projections: [projection],
      poison: { retries: 0, backoffMs: 10, maxBackoffMs: 10 },
    });
    await runner.start();
    await runner.waitFor(poison.position, { timeoutMs: 15_000 });
    expect(await tenantIds(backend)).toEqual(['flaky']);
    expect(await decisions(backend)).toEqual([]);
  });

  it('parks an event that does not decode (its schema refuses it) and keeps applying other tenants', async () => {
    const broken: RecordedEvent['metadata'] = {
      tenantId: 'broken',
      correlationId: randomUUID(),
      causationId: null,
      actor: 'system:test',
      schemaVersion: TenantRegistered.version,
    };
    const { position } = await backend.store.append(
      tenantStream('broken'),
      [{ id: randomUUID(), type: TenantRegistered.type, data: { tenantId: 'broken' }, metadata: broken }],
      'no_stream',
    );
    const later = await registerTenant(backend.store, 'globex', 'Globex');
    runner = backend.runner({ poison: FAST_RETRIES });
    await runner.start();
    await runner.waitFor(later, { timeoutMs: 10_000 });
    expect(await tenantIds(backend)).toEqual(['globex']);
    const [parked] = await decisions(backend);
    expect(parked).toMatchObject({
      type: 'ProjectionEventParked',
      data: {
        event: { position: String(position) },
        error: expect.stringMatching(/does not match its schema/),
      },
    });
  });

  it('a projection whose rule is stop stops alone: the others go on, waits for it fail fast, readiness is degraded; skip lets it go on', async () => {
    const poison = await appendPoison(backend, 'poison');
    const later = await registerTenant(backend.store, 'globex', 'Globex');
    const tenants = breakableTenants(poison.id, { broken: true }, 'stop');
    const watcher = observer();
    runner = backend.runner({ projections: [tenants.projection, watcher], poison: FAST_RETRIES });
    await runner.start();

    await runner.waitFor(later, { timeoutMs: 10_000, projections: ['observer'] });
    expect(watcher.seen).toEqual(['poison', 'globex']);
    const failure = await runner
      .waitFor(later, { timeoutMs: 10_000, projections: ['tenants'] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProjectionFailedError);
    await runner.waitFor(later, { timeoutMs: 10_000, skipStopped: true });
    expect(await runner.readiness()).toMatchObject({ ok: true, degraded: 'projections stopped: tenants' });
    const status = (await runner.status()).projections.find((p) => p.name === 'tenants');
    expect(status).toMatchObject({ state: 'failed', stopped: { event: { id: poison.id } } });
    expect((await decisions(backend)).map((d) => d.type)).toEqual(['ProjectionStopped']);

    await expect(skipStoppedEvent(operator(), 'tenants', later, 'operator:test')).rejects.toThrow(
      new RegExp(`stopped at position ${poison.position}, not ${later}`),
    );
    await expect(skipStoppedEvent(operator(), 'nope', 1n, 'operator:test')).rejects.toThrow(
      /No projection named nope/,
    );
    await skipStoppedEvent(operator(), 'tenants', poison.position, 'operator:test');
    // The runner notices the decision on its next lease tick (100 ms here) and restarts the projection.
    await expect
      .poll(async () => (await runner.status()).projections.find((p) => p.name === 'tenants')?.state, {
        timeout: 10_000,
      })
      .toBe('running');
    await runner.waitFor(later, { timeoutMs: 10_000 });
    expect(await tenantIds(backend)).toEqual(['globex']);
    expect((await decisions(backend)).map((d) => d.type)).toEqual([
      'ProjectionStopped',
      'ProjectionEventSkipped',
    ]);
    expect((await runner.readiness()).ok).toBe(true);
    expect(await runner.readiness()).not.toHaveProperty('degraded');
  });

  it('a stopped projection restarts on a retry request and records that the event applied', async () => {
    const poison = await appendPoison(backend, 'poison');
    const fault = { broken: true };
    const tenants = breakableTenants(poison.id, fault, 'stop');
    runner = backend.runner({ projections: [tenants.projection], poison: FAST_RETRIES });
    await runner.start();
    await expect
      .poll(async () => (await runner.status()).projections[0]?.state, { timeout: 10_000 })
      .toBe('failed');

    fault.broken = false;
    const retry = await requestRetry(operator(), 'tenants', 'operator:test');
    expect(retry).toMatchObject({ parked: 0, stopped: true });
    await expect
      .poll(async () => (await runner.status()).projections[0]?.state, { timeout: 10_000 })
      .toBe('running');
    await runner.waitFor(retry.position, { timeoutMs: 10_000 });
    expect(await tenantIds(backend)).toEqual(['poison']);
    expect((await decisions(backend)).map((d) => d.type)).toEqual([
      'ProjectionStopped',
      'ProjectionRetryRequested',
      'ProjectionEventRecovered',
    ]);
  });
}

describe('poison events on PGlite', () => poisonSuite('pglite'));
describeWithPostgres('poison events (PostgreSQL)', () => poisonSuite('postgres'));
