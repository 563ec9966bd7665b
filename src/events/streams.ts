import { z } from 'zod';
import { BadUserInputError } from '../shared/errors.js';

/**
 * Streams are tenant-scoped and always named `<category>-<tenantId>.<entityId>` (the tenant's own
 * stream is `tenant-<tenantId>.profile`). The category ends at the first `-`, which is what
 * KurrentDB's `$ce-` (by-category) projections expect, and because every name has the `.`, the
 * prefix `<category>-<tenantId>.` selects exactly one tenant's streams (`acme` never matches `acme2`).
 */
export const STREAM_CATEGORIES = [
  'tenant',
  'connection',
  'integration',
  'sync',
  'signals',
  'webhooks',
  'deadletters',
  // Provider calls made for the tenant through the proxy and actions (events/provider-call.ts).
  'calls',
  // Provider accounts (events/provider-account.ts) live only in the reserved global scope.
  'account',
] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

/** Categories of the hub's own facts, which live only in GLOBAL_SCOPE (`projection-_global.<name>`). */
export const SYSTEM_STREAM_CATEGORIES = ['projection', 'audit'] as const;
export type SystemStreamCategory = (typeof SYSTEM_STREAM_CATEGORIES)[number];

/** Lowercase letters, digits, `_` and `-`; no `.` (it separates tenant and entity). */
export const tenantIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'a tenant id is 1-63 of a-z, 0-9, _ and -, starting with a letter or digit',
  );

const entityIdPattern = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;

/** An id that can name an entity's stream (a connection id, a provider id ...). */
export const isEntityId = (value: string): boolean => entityIdPattern.test(value);

/**
 * The reserved scope of facts that belong to no tenant (operator-wide OAuth apps:
 * `integration-_global.<provider>`). A tenant id must start with a letter or digit, so no tenant
 * can ever be named this, and no tenant's stream prefixes (`integration-acme.`) select it.
 */
export const GLOBAL_SCOPE = '_global';

export function streamName(
  category: StreamCategory | SystemStreamCategory,
  tenantId: string,
  entityId: string,
): string {
  if (tenantId !== GLOBAL_SCOPE && !tenantIdSchema.safeParse(tenantId).success) {
    throw new BadUserInputError(`Invalid tenant id: ${JSON.stringify(tenantId)}`);
  }
  if (!entityIdPattern.test(entityId)) {
    throw new BadUserInputError(`Invalid entity id: ${JSON.stringify(entityId)}`);
  }
  return `${category}-${tenantId}.${entityId}`;
}

export interface ParsedStreamName {
  category: string;
  tenantId: string;
  entityId: string | null;
}

export function parseStreamName(stream: string): ParsedStreamName | null {
  const dash = stream.indexOf('-');
  if (dash <= 0) return null;
  const rest = stream.slice(dash + 1);
  const dot = rest.indexOf('.');
  return {
    category: stream.slice(0, dash),
    tenantId: dot === -1 ? rest : rest.slice(0, dot),
    entityId: dot === -1 ? null : rest.slice(dot + 1),
  };
}

/** Prefixes that select all of one tenant's streams and nothing else. */
export function tenantStreamPrefixes(tenantId: string): string[] {
  return STREAM_CATEGORIES.map((category) => `${category}-${tenantId}.`);
}
