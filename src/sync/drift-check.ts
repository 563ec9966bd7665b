import { commandContext, systemCaller } from '../commands/deps.js';
import { CANONICAL_MODELS } from '../connectors/sdk/models.js';
import type { SyncedRecord } from '../connectors/sdk/sync.js';
import { bucketDigests, bucketOf } from '../domain/record-buckets.js';
import { recordHash } from '../domain/record-hash.js';
import { READ_MODEL } from '../projections/names.js';
import { knownRecordHashes } from './known-records.js';
import { providerHttpFor } from './provider-http-for.js';
import { resolveResourceSync } from './resource-syncs.js';
import { RunStream } from './run-stream.js';
import { syncCommand } from './sync-commands.js';
import { connectionForSync } from './sync-connection.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/** Ids listed per kind in DriftDetected; the counts in the read model are exact either way. */
const MAX_IDS_PER_KIND = 1_000;

export interface DriftFindings {
  missing: string[];
  extra: string[];
  changed: string[];
}

/**
 * Compares a sync's records with the provider: lists the resource in full (nothing is written
 * while listing), compares the 256 bucket digests with the ones the records projection keeps, and
 * looks at single records only in buckets that differ. Each difference is confirmed by fetching the
 * record again when the connector can (`fetchOne`), recorded as DriftDetected, and repaired through
 * the normal path: a RecordsBatchRecorded with source drift_repair on the check's own run stream.
 * The caller holds the sync's lease, so no run interleaves with the check.
 */
export async function runDriftCheck(
  deps: SyncDeps,
  target: SyncTarget & { checkId: string },
  signal: AbortSignal,
): Promise<DriftFindings> {
  const caller = systemCaller('sync-drift', target.checkId);
  try {
    const state = await deps.prisma.syncCursor.findUniqueOrThrow({
      where: {
        tenantId_connectionId_resource: {
          tenantId: target.tenantId,
          connectionId: target.connectionId,
          resource: target.resource,
        },
      },
    });
    const { manifest, declaration, resourceSync } = resolveResourceSync(
      deps.catalog,
      state.provider,
      target.resource,
    );
    const connection = await connectionForSync(deps, target);
    const http = providerHttpFor(deps, target, manifest, connection, signal);
    const ctx = {
      checkpoint: null,
      config: resourceSync.config.parse(state.config),
      full: true,
      http,
      connection,
      signal,
      now: deps.now,
    };
    const model = CANONICAL_MODELS[declaration.model];
    const hashOf = (record: SyncedRecord<unknown>) =>
      recordHash(model.parse(record.data), declaration.volatileFields);

    const listed = new Map<string, SyncedRecord<unknown> & { hash: string }>();
    for await (const page of resourceSync.sync(ctx)) {
      for (const record of page.records) listed.set(record.id, { ...record, hash: hashOf(record) });
      for (const id of page.deletes ?? []) listed.delete(id);
    }

    const head = await deps.eventStore.headPosition();
    await deps.projections.waitFor(head, { projections: [READ_MODEL.syncRecords], timeoutMs: 60_000 });
    const ours = await deps.prisma.syncRecordBucket.findMany({
      where: { tenantId: target.tenantId, connectionId: target.connectionId, resource: target.resource },
    });
    const theirs = bucketDigests([...listed.values()]);
    const oursByBucket = new Map(ours.filter((row) => row.count > 0).map((row) => [row.bucket, row.digest]));
    const differing = new Set<number>();
    for (const bucket of new Set([...oursByBucket.keys(), ...theirs.keys()])) {
      if (oursByBucket.get(bucket) !== theirs.get(bucket)?.digest) differing.add(bucket);
    }

    const findings: DriftFindings = { missing: [], extra: [], changed: [] };
    const repairs = new Map<string, SyncedRecord<unknown> & { hash: string }>();
    if (differing.size > 0) {
      const known = await knownRecordHashes(deps, target);
      for (const [id, record] of listed) {
        if (!differing.has(bucketOf(id))) continue;
        const hash = known.get(id);
        if (hash === record.hash) continue;
        const fresh = resourceSync.fetchOne
          ? await resourceSync.fetchOne(ctx, id, { ...record, data: model.parse(record.data) })
          : record;
        if (!fresh) continue;
        const confirmed = { ...fresh, hash: hashOf(fresh) };
        if (confirmed.hash === hash) continue;
        (hash === undefined ? findings.missing : findings.changed).push(id);
        repairs.set(id, confirmed);
      }
      const absent = [...known.keys()].filter((id) => !listed.has(id) && differing.has(bucketOf(id)));
      for (const stored of await storedRecords(deps, target, absent)) {
        // Listed nowhere, but a listing can miss a record (moved between pages): ask for it by id.
        const lastStored = { ...stored, data: model.parse(stored.data) };
        if (resourceSync.fetchOne && (await resourceSync.fetchOne(ctx, stored.id, lastStored))) continue;
        findings.extra.push(stored.id);
      }
    }

    const drifted = findings.missing.length + findings.extra.length + findings.changed.length;
    if (drifted > 0) {
      deps.metrics?.driftDetected(state.provider, target.resource);
      await syncCommand(
        deps,
        caller,
        target,
        {
          type: 'RecordDrift',
          checkId: target.checkId,
          missing: findings.missing.slice(0, MAX_IDS_PER_KIND),
          extra: findings.extra.slice(0, MAX_IDS_PER_KIND),
          changed: findings.changed.slice(0, MAX_IDS_PER_KIND),
        },
        [],
      );
      const missing = new Set(findings.missing);
      const metadata = commandContext(deps, caller, target.tenantId).metadata;
      const { stream } = await RunStream.open(
        deps,
        { ...target, runId: target.checkId, model: declaration.model, source: 'drift_repair' },
        metadata,
      );
      await stream.append({
        records: [...repairs.entries()].map(([id, record]) => ({
          id,
          op: missing.has(id) ? 'created' : 'updated',
          hash: record.hash,
          data: model.parse(record.data),
          raw: record.raw,
        })),
        deletes: findings.extra,
        unchanged: listed.size - repairs.size,
        checkpoint: null,
      });
    }
    await syncCommand(deps, caller, target, {
      type: 'CompleteDriftCheck',
      checkId: target.checkId,
      status: drifted > 0 ? 'repaired' : 'clean',
      repaired: drifted,
      message: null,
    });
    return findings;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn({ ...target, err: message }, 'drift check failed');
    await syncCommand(deps, caller, target, {
      type: 'CompleteDriftCheck',
      checkId: target.checkId,
      status: 'failed',
      repaired: 0,
      message: message.slice(0, 2000),
    }).catch(() => {});
    throw error;
  }
}

/** The stored records of `ids` (data and raw as last recorded), for connectors that fetch by location. */
async function storedRecords(
  deps: Pick<SyncDeps, 'prisma'>,
  target: SyncTarget,
  ids: string[],
): Promise<SyncedRecord<unknown>[]> {
  const rows = [];
  for (let start = 0; start < ids.length; start += 1_000) {
    rows.push(
      ...(await deps.prisma.syncRecord.findMany({
        where: {
          tenantId: target.tenantId,
          connectionId: target.connectionId,
          resource: target.resource,
          recordId: { in: ids.slice(start, start + 1_000) },
        },
        select: { recordId: true, data: true, raw: true },
      })),
    );
  }
  return rows.map((row) => ({ id: row.recordId, data: row.data, raw: row.raw }));
}
