import { z } from 'zod';
import { SealedSchema } from '../vault/sealed.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/**
 * A sync is one resource of one connection (`issues` of a GitHub connection). Its control stream,
 * `sync-<tenantId>.<connectionId>:<resource>`, holds its configuration and the life of its runs;
 * each run writes its pages to a stream of its own, `sync-<tenantId>.<connectionId>:<resource>:<runId>`,
 * so a run's records are read back without the sync's history and a stale worker's append fails on
 * the run stream's revision.
 */
export const syncStream = (tenantId: string, connectionId: string, resource: string): string =>
  streamName('sync', tenantId, `${connectionId}:${resource}`);

export const syncRunStream = (
  tenantId: string,
  connectionId: string,
  resource: string,
  runId: string,
): string => streamName('sync', tenantId, `${connectionId}:${resource}:${runId}`);

const target = { connectionId: z.string().min(1), resource: z.string().min(1) };
const checkpoint = z.record(z.string(), z.unknown());
const isoTime = z.iso.datetime();

export const SYNC_RUN_REASONS = [
  'cron',
  'adaptive',
  'manual',
  'webhook',
  'replay',
  'retry',
  'rate_limit',
] as const;
export type SyncRunReason = (typeof SYNC_RUN_REASONS)[number];

export const SyncConfigured = defineEvent('SyncConfigured', {
  schema: z.object({
    ...target,
    provider: z.string().min(1),
    model: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    /** `5m`, `1h`, or a cron expression; the manifest's default when the caller gave none. */
    frequency: z.string().min(1),
    enabled: z.boolean(),
  }),
});

export const SyncPaused = defineEvent('SyncPaused', {
  schema: z.object({ ...target, reason: z.enum(['operator', 'reauth_required']), message: z.string() }),
});

export const SyncResumed = defineEvent('SyncResumed', { schema: z.object(target) });

export const SyncRunScheduled = defineEvent('SyncRunScheduled', {
  schema: z.object({
    ...target,
    runId: z.uuid(),
    reason: z.enum(SYNC_RUN_REASONS),
    /** List everything from nothing (first run, a requested full sync) instead of from the checkpoint. */
    full: z.boolean(),
    dueAt: isoTime,
  }),
});

export const SyncStarted = defineEvent('SyncStarted', {
  schema: z.object({
    ...target,
    runId: z.uuid(),
    /** 1 for the first start, more after an expired lease resumed it. */
    attempt: z.number().int().min(1),
    worker: z.string().min(1),
  }),
});

/** What a run did, for its read model and for adaptive scheduling. */
export const runStatsSchema = z.object({
  added: z.number().int().min(0),
  updated: z.number().int().min(0),
  deleted: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  requests: z.number().int().min(0),
});
export type RunStats = z.infer<typeof runStatsSchema>;

const runEnd = { ...target, runId: z.uuid(), stats: runStatsSchema, finishedAt: isoTime };

export const SyncCompleted = defineEvent('SyncCompleted', {
  schema: z.object({ ...runEnd, checkpoint, fullScan: z.boolean() }),
});

/** The provider said not before `retryAt`: the run stops and the next one continues from `checkpoint`. */
export const RateLimited = defineEvent('RateLimited', {
  schema: z.object({ ...runEnd, checkpoint: checkpoint.nullable(), retryAt: isoTime }),
});

export const SYNC_FAILURE_CLASSES = ['retryable', 'auth', 'terminal'] as const;

export const SyncFailed = defineEvent('SyncFailed', {
  schema: z.object({
    ...runEnd,
    checkpoint: checkpoint.nullable(),
    class: z.enum(SYNC_FAILURE_CLASSES),
    message: z.string(),
    /** When a retry is due (retryable failures); null for the others. */
    retryAt: isoTime.nullable(),
    /** Consecutive failed runs, this one included: past the limit the sync is dead-lettered. */
    failures: z.number().int().min(1),
  }),
});

/** The worker running it stopped renewing its lease; the run resumes from its last recorded page. */
export const SyncExpired = defineEvent('SyncExpired', {
  schema: z.object({ ...target, runId: z.uuid(), attempt: z.number().int().min(1) }),
});

/** A run that cannot succeed by retrying (a missing scope, a 404, too many failures): parked until approved. */
export const SyncDeadLettered = defineEvent('SyncDeadLettered', {
  schema: z.object({
    ...runEnd,
    deadLetterId: z.uuid(),
    class: z.enum(SYNC_FAILURE_CLASSES),
    message: z.string(),
    status: z.number().int().nullable(),
  }),
});

export const SyncReplayApproved = defineEvent('SyncReplayApproved', {
  schema: z.object({ ...target, deadLetterId: z.uuid(), runId: z.uuid() }),
});

/** One record's change, in the clear: enough to key, order and compare it. Its content is sealed beside it. */
export const recordChangeSchema = z.object({
  id: z.string().min(1),
  op: z.enum(['created', 'updated']),
  /** SHA-256 (base64url) of the canonical record less its volatile fields. */
  hash: z.string().min(1),
});
export type RecordChange = z.infer<typeof recordChangeSchema>;

/** What the provider said about each changed record: `[{ data, raw }]` in the order of `records`. */
export interface RecordContent {
  data: unknown;
  raw: unknown;
}

/**
 * One page of a run: its changed records and its checkpoint in ONE event, appended at the run
 * stream's expected revision. Only records whose hash changed are here; `unchanged` counts the rest.
 * A page too large for one append is split; the parts before the last carry the previous checkpoint.
 */
export const RecordsBatchRecorded = defineEvent('RecordsBatchRecorded', {
  schema: z.object({
    ...target,
    runId: z.uuid(),
    source: z.enum(['sync', 'drift_repair']),
    model: z.string().min(1),
    records: z.array(recordChangeSchema),
    /** The records' `{ data, raw }`, sealed (and compressed) with the tenant's data key; null when there are none. */
    content: SealedSchema.nullable(),
    deletes: z.array(z.string().min(1)),
    unchanged: z.number().int().min(0),
    checkpoint: checkpoint.nullable(),
  }),
});

export const DriftCheckStarted = defineEvent('DriftCheckStarted', {
  schema: z.object({ ...target, checkId: z.uuid() }),
});

export const DriftDetected = defineEvent('DriftDetected', {
  schema: z.object({
    ...target,
    checkId: z.uuid(),
    /** At the provider, not in the read model. */
    missing: z.array(z.string()),
    /** In the read model, no longer at the provider. */
    extra: z.array(z.string()),
    /** In both, with different content. */
    changed: z.array(z.string()),
  }),
});

export const DriftCheckCompleted = defineEvent('DriftCheckCompleted', {
  schema: z.object({
    ...target,
    checkId: z.uuid(),
    status: z.enum(['clean', 'repaired', 'failed']),
    repaired: z.number().int().min(0),
    message: z.string().nullable(),
    finishedAt: isoTime,
  }),
});

export const SYNC_EVENTS = [
  SyncConfigured,
  SyncPaused,
  SyncResumed,
  SyncRunScheduled,
  SyncStarted,
  SyncCompleted,
  RateLimited,
  SyncFailed,
  SyncExpired,
  SyncDeadLettered,
  SyncReplayApproved,
  RecordsBatchRecorded,
  DriftCheckStarted,
  DriftDetected,
  DriftCheckCompleted,
] as const;

export type SyncEvent = RecordedEventOf<(typeof SYNC_EVENTS)[number]>;
export type RecordsBatchEvent = RecordedEventOf<typeof RecordsBatchRecorded>;
