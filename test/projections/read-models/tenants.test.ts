import { describe, expect, it } from 'vitest';
import { TenantStatus } from '../../../src/domain/statuses.js';
import { eventCatalog } from '../../../src/events/catalog.js';
import {
  TenantDeleted,
  type TenantEvent,
  TenantRedirectAllowlistConfigured,
  TenantRegistered,
  TenantRenamed,
} from '../../../src/events/tenant.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import { ProjectionEventError } from '../../../src/projections/errors.js';
import { evolveTenant, type TenantRow } from '../../../src/projections/read-models/tenants.js';

const metadata = { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'system:test' };
let position = 0n;

function record(event: ReturnType<typeof eventCatalog.create>, revision: bigint): TenantEvent {
  position += 10n;
  const recorded: RecordedEvent = {
    ...event,
    stream: 'tenant-acme.profile',
    revision,
    position,
    recordedAt: new Date(),
  };
  return eventCatalog.decode(recorded) as TenantEvent;
}

const fold = (events: readonly TenantEvent[], from: TenantRow | null = null) =>
  events.reduce(evolveTenant, from);

const registered = () =>
  record(
    eventCatalog.create(
      TenantRegistered,
      { tenantId: 'acme', name: 'Acme', registeredAt: '2026-01-01T00:00:00.000Z' },
      metadata,
    ),
    0n,
  );
const renamed = (name: string, revision: bigint, previousName = 'Acme') =>
  record(
    eventCatalog.create(
      TenantRenamed,
      { tenantId: 'acme', name, previousName, renamedAt: '2026-02-01T00:00:00.000Z' },
      metadata,
    ),
    revision,
  );
const deleted = (revision: bigint) =>
  record(
    eventCatalog.create(
      TenantDeleted,
      { tenantId: 'acme', deletedAt: '2026-03-01T00:00:00.000Z', reason: 'churn' },
      metadata,
    ),
    revision,
  );

const allowlisted = (redirectUris: string[], revision: bigint) =>
  record(
    eventCatalog.create(
      TenantRedirectAllowlistConfigured,
      { tenantId: 'acme', redirectUris, configuredAt: '2026-02-15T00:00:00.000Z' },
      metadata,
    ),
    revision,
  );

describe('tenants projection: evolve', () => {
  it('keeps the latest redirect allowlist', () => {
    const events = [registered(), allowlisted(['https://a.example/cb'], 1n), allowlisted([], 2n)];
    expect(fold(events.slice(0, 2))).toMatchObject({
      redirectAllowlist: ['https://a.example/cb'],
      updatedAt: new Date('2026-02-15T00:00:00.000Z'),
      version: 1n,
    });
    expect(fold(events)).toMatchObject({ redirectAllowlist: [], version: 2n });
  });

  it('registers an active tenant with the clock of the event', () => {
    const event = registered();
    expect(fold([event])).toEqual({
      id: 'acme',
      name: 'Acme',
      status: TenantStatus.ACTIVE,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-01-01T00:00:00.000Z'),
      deletedAt: null,
      redirectAllowlist: [],
      version: 0n,
      position: event.position,
    });
  });

  it('renames, then keeps a deleted tenant as a DELETED row with deletedAt', () => {
    const events = [registered(), renamed('Acme Corp', 1n), deleted(2n)];
    expect(fold(events)).toEqual({
      id: 'acme',
      name: 'Acme Corp',
      status: TenantStatus.DELETED,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-03-01T00:00:00.000Z'),
      deletedAt: new Date('2026-03-01T00:00:00.000Z'),
      redirectAllowlist: [],
      version: 2n,
      position: events[2]!.position,
    });
  });

  it('ignores an event already folded into the row (same object back, so nothing is rewritten)', () => {
    const first = registered();
    const rename = renamed('Acme Corp', 1n);
    const row = fold([first, rename]);
    expect(evolveTenant(row, rename)).toBe(row);
    expect(evolveTenant(row, first)).toBe(row);
  });

  it('upcasts a v1 registration (no registeredAt) to the time the store recorded it', () => {
    const recordedAt = new Date('2025-12-31T23:00:00.000Z');
    const v1: RecordedEvent = {
      id: 'e-v1',
      type: 'TenantRegistered',
      data: { tenantId: 'acme', name: 'Old Acme' },
      metadata: { ...metadata, schemaVersion: 1 },
      stream: 'tenant-acme.profile',
      revision: 0n,
      position: 1n,
      recordedAt,
    };
    const row = evolveTenant(null, eventCatalog.decode(v1) as TenantEvent);
    expect(row?.createdAt).toEqual(recordedAt);
  });

  it('rejects events that cannot apply (the runner stops on them instead of skipping)', () => {
    expect(() => fold([renamed('Nobody', 1n)])).toThrow(ProjectionEventError);
    expect(() => fold([deleted(1n)])).toThrow(/unknown tenant acme/);
    expect(() => fold([registered(), registered()])).toThrow(/registered twice/);
  });
});
