import { describe, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { TenantRegistered } from '../../src/events/tenant.js';
import { recorded, testContext } from '../support/decider.js';

describe('event catalog', () => {
  it('upcasts a v1 TenantRegistered (no registeredAt) using the time it was recorded', () => {
    const v1 = recorded({
      id: 'e1',
      type: 'TenantRegistered',
      data: { tenantId: 'acme', name: 'Acme' },
      metadata: { ...testContext().metadata, schemaVersion: 1 },
    });
    v1.recordedAt = new Date('2025-05-06T07:08:09.000Z');
    const decoded = eventCatalog.decode(v1);
    expect(decoded.data).toEqual({
      tenantId: 'acme',
      name: 'Acme',
      registeredAt: '2025-05-06T07:08:09.000Z',
    });
    expect(decoded.metadata.schemaVersion).toBe(2);
  });

  it('upcasts a v1 ConnectionInstalled (no values) to one with none', () => {
    const data = {
      connectionId: 'c1',
      tenantId: 'acme',
      provider: 'quickbooks',
      authMode: 'oauth2',
      integration: 'global',
      account: { id: '9130357992204316', name: null },
      scopes: ['com.intuit.quickbooks.accounting'],
      installedAt: '2026-01-01T00:00:00.000Z',
    };
    const v1 = recorded({
      id: 'e2',
      type: 'ConnectionInstalled',
      data,
      metadata: { ...testContext().metadata, schemaVersion: 1 },
    });
    const decoded = eventCatalog.decode(v1);
    expect(decoded.data).toEqual({ ...data, values: {} });
    expect(decoded.metadata.schemaVersion).toBe(2);
  });

  it('writes at the current version and refuses data that does not fit', () => {
    const event = eventCatalog.create(
      TenantRegistered,
      { tenantId: 'acme', name: 'Acme', registeredAt: '2026-01-01T00:00:00.000Z' },
      testContext().metadata,
    );
    expect(event.metadata.schemaVersion).toBe(TenantRegistered.version);
    expect(() =>
      eventCatalog.create(
        TenantRegistered,
        { tenantId: 'acme', name: '', registeredAt: 'yesterday' },
        testContext().metadata,
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
  });

  it('refuses a recorded event that does not match its schema after upcasting', () => {
    const broken = recorded({
      id: 'e2',
      type: 'TenantRenamed',
      data: { name: 42 },
      metadata: { ...testContext().metadata, schemaVersion: 1 },
    });
    expect(() => eventCatalog.decode(broken)).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
  });

  it('passes unknown event types through untouched', () => {
    const other = recorded({
      id: 'e3',
      type: 'SomethingElse',
      data: { x: 1 },
      metadata: { ...testContext().metadata, schemaVersion: 1 },
    });
    expect(eventCatalog.decode(other)).toBe(other);
  });
});
