import { z } from 'zod';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

export const tenantStream = (tenantId: string): string => streamName('tenant', tenantId, 'profile');

/**
 * Tenant stream family: `tenant-<tenantId>.profile`.
 *
 * TenantRegistered v1 carried only the name; v2 added `registeredAt` so the fact carries its own
 * clock (STYLE.md: the clock comes from the command). v1 events upcast by taking the time the
 * store recorded them.
 */
export const TenantRegistered = defineEvent('TenantRegistered', {
  version: 2,
  schema: z.object({
    tenantId: z.string(),
    name: z.string().min(1),
    registeredAt: z.iso.datetime(),
  }),
  upcasters: {
    1: (data, event) => ({ ...(data as object), registeredAt: event.recordedAt.toISOString() }),
  },
});

export const TenantRenamed = defineEvent('TenantRenamed', {
  schema: z.object({
    tenantId: z.string(),
    name: z.string().min(1),
    previousName: z.string(),
    renamedAt: z.iso.datetime(),
  }),
});

/**
 * Where the tenant's OAuth callbacks may send users (normalized entries: origin + path prefix). The
 * whole list each time, so the latest event alone says what holds; an empty list clears it.
 */
export const TenantRedirectAllowlistConfigured = defineEvent('TenantRedirectAllowlistConfigured', {
  schema: z.object({
    tenantId: z.string(),
    redirectUris: z.array(z.string()),
    configuredAt: z.iso.datetime(),
  }),
});

export const TenantDeleted = defineEvent('TenantDeleted', {
  schema: z.object({
    tenantId: z.string(),
    deletedAt: z.iso.datetime(),
    reason: z.string().nullable(),
  }),
});

export const TENANT_EVENTS = [
  TenantRegistered,
  TenantRenamed,
  TenantRedirectAllowlistConfigured,
  TenantDeleted,
] as const;

export type TenantEvent =
  | RecordedEventOf<typeof TenantRegistered>
  | RecordedEventOf<typeof TenantRenamed>
  | RecordedEventOf<typeof TenantRedirectAllowlistConfigured>
  | RecordedEventOf<typeof TenantDeleted>;
