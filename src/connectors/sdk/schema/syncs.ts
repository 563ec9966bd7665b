import { z } from 'zod';
import { canonicalModelNames } from '../models.js';
import { jsonPath, kebabId, note } from './primitives.js';

/**
 * A frequency (`30s`, `5m`, `1h`, `1d`) or a five-field cron expression (`0 * * * *`). The
 * scheduler parses both (sync/schedule.ts); the manifest only checks the shape, so a bad value in a
 * providers file is reported at its path at startup.
 */
export const frequency = z
  .string()
  .regex(
    /^(?:\d+[smhd]|(?:\S+\s+){4}\S+)$/,
    'must be a frequency such as 30s, 5m, 1h, 1d or a five-field cron expression',
  );

/**
 * One resource the sync engine pulls, as data; the code that lists it is `connectors/<id>/sync.ts`
 * under the same resource name (connectors/syncs.ts maps them, and the catalog test checks every
 * declared resource has one).
 */
export const syncSchema = z.strictObject({
  resource: kebabId,
  model: z.enum(canonicalModelNames),
  description: z.string().min(1),
  defaultFrequency: frequency,
  /**
   * How the provider says what changed since last time: `updated_since` (a timestamp filter),
   * `sync_token` (an opaque token for the next call), `delta_link` (a URL for the next call),
   * `etag` (conditional requests), `none` (each run lists everything).
   */
  cursor: z.enum(['updated_since', 'sync_token', 'delta_link', 'etag', 'none']),
  /** Where the record's id is in the provider's JSON. */
  primaryKey: jsonPath.default('id'),
  /**
   * How deletions are learned: the provider `reports` them (tombstones, `@removed`, status
   * cancelled), or a `full_scan` that succeeded marks whatever it did not list, or `none`.
   */
  deletes: z.enum(['reported', 'full_scan', 'none']),
  /** Canonical fields left out of the hash: a change of these alone is not a change. */
  volatileFields: z.array(z.string().min(1)).default([]),
  /** Internal scopes the resource needs. */
  scopes: z.array(z.string().min(1)).default([]),
  /** Webhook event types that mean this resource changed: such a delivery pulls the next run forward. */
  webhookEvents: z.array(z.string().min(1)).default([]),
  notes: z.array(note).default([]),
});

export type SyncDeclaration = z.output<typeof syncSchema>;
