import { describe, it } from 'vitest';
import { tenantDecider } from '../../src/domain/tenant.js';
import { given } from '../support/decider.js';

const at = '2026-01-02T03:04:05.000Z';
const registered = {
  type: 'TenantRegistered',
  data: { tenantId: 'acme', name: 'Acme', registeredAt: at },
} as const;

describe('tenant decider', () => {
  it('registers a new tenant', () => {
    given(tenantDecider, [])
      .when({ type: 'RegisterTenant', tenantId: 'acme', name: 'Acme' })
      .then([registered]);
  });

  it('treats a repeated identical registration as done, and a different one as a conflict', () => {
    given(tenantDecider, [registered])
      .when({ type: 'RegisterTenant', tenantId: 'acme', name: 'Acme' })
      .then([]);
    given(tenantDecider, [registered])
      .when({ type: 'RegisterTenant', tenantId: 'acme', name: 'Other' })
      .thenThrows('CONFLICT');
  });

  it('renames, remembering the previous name, and ignores a rename to the same name', () => {
    given(tenantDecider, [registered])
      .when({ type: 'RenameTenant', tenantId: 'acme', name: 'Acme Inc' })
      .then([
        {
          type: 'TenantRenamed',
          data: { tenantId: 'acme', name: 'Acme Inc', previousName: 'Acme', renamedAt: at },
        },
      ]);
    given(tenantDecider, [registered])
      .when({ type: 'RenameTenant', tenantId: 'acme', name: 'Acme' })
      .then([]);
  });

  it('refuses to rename an unknown or deleted tenant', () => {
    given(tenantDecider, [])
      .when({ type: 'RenameTenant', tenantId: 'acme', name: 'X' })
      .thenThrows('TENANT_NOT_FOUND');
    given(tenantDecider, [
      registered,
      { type: 'TenantDeleted', data: { tenantId: 'acme', deletedAt: at, reason: null } },
    ])
      .when({ type: 'RenameTenant', tenantId: 'acme', name: 'X' })
      .thenThrows('TENANT_NOT_FOUND');
  });

  it('deletes once', () => {
    const deleted = {
      type: 'TenantDeleted',
      data: { tenantId: 'acme', deletedAt: at, reason: 'offboarded' },
    } as const;
    given(tenantDecider, [registered])
      .when({ type: 'DeleteTenant', tenantId: 'acme', reason: 'offboarded' })
      .then([deleted]);
    given(tenantDecider, [registered, deleted])
      .when({ type: 'DeleteTenant', tenantId: 'acme', reason: null })
      .then([]);
    given(tenantDecider, [])
      .when({ type: 'DeleteTenant', tenantId: 'acme', reason: null })
      .thenThrows('TENANT_NOT_FOUND');
  });

  it('configures the redirect allowlist normalized and deduplicated, once per change', () => {
    const configured = {
      type: 'TenantRedirectAllowlistConfigured' as const,
      data: {
        tenantId: 'acme',
        redirectUris: ['https://app.example.com/oauth', 'http://127.0.0.1:3000/'],
        configuredAt: at,
      },
    };
    given(tenantDecider, [registered])
      .when({
        type: 'ConfigureRedirectAllowlist',
        tenantId: 'acme',
        redirectUris: [
          'https://APP.example.com/oauth/',
          'http://127.0.0.1:3000',
          'https://app.example.com/oauth',
        ],
      })
      .then([configured]);
    given(tenantDecider, [registered, configured])
      .when({
        type: 'ConfigureRedirectAllowlist',
        tenantId: 'acme',
        redirectUris: ['https://app.example.com/oauth', 'http://127.0.0.1:3000/'],
      })
      .then([]);
    given(tenantDecider, [registered])
      .when({ type: 'ConfigureRedirectAllowlist', tenantId: 'acme', redirectUris: [] })
      .then([]);
  });

  it('refuses a malformed allowlist entry, and an unknown or deleted tenant', () => {
    for (const bad of ['http://app.example.com/cb', 'app.example.com', 'https://app.example.com/cb?x=1']) {
      given(tenantDecider, [registered])
        .when({ type: 'ConfigureRedirectAllowlist', tenantId: 'acme', redirectUris: [bad] })
        .thenThrows('BAD_USER_INPUT');
    }
    given(tenantDecider, [])
      .when({ type: 'ConfigureRedirectAllowlist', tenantId: 'acme', redirectUris: [] })
      .thenThrows('TENANT_NOT_FOUND');
  });
});
