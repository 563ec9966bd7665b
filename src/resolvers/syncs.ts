import type { SyncDeclaration } from '../connectors/sdk/schema/syncs.js';
import { connectionNotFound } from '../domain/connection.js';
import {
  findSync,
  findSyncRun,
  listSyncRuns,
  listSyncs,
  type SyncRun,
  type SyncView,
} from '../readmodels/queries/syncs.js';
import { BadUserInputError, ConflictError } from '../shared/errors.js';
import { connectionIdArg, resolveTimePage } from './args.js';
import { builder } from './builder.js';
import { callerOf, type GraphQLContext } from './context.js';
import { Provider } from './providers.js';

const ProviderSync = builder.objectRef<SyncDeclaration>('ProviderSync').implement({
  description: 'A resource the provider can sync, as its manifest declares it.',
  fields: (t) => ({
    resource: t.exposeString('resource'),
    model: t.exposeString('model', {
      description: 'The canonical model of its records (Ticket, Message ...).',
    }),
    description: t.exposeString('description'),
    defaultFrequency: t.exposeString('defaultFrequency', {
      description: 'How often it runs unless configured otherwise: 30s, 5m, 1h, 1d or a cron expression.',
    }),
  }),
});

builder.objectField(Provider, 'syncs', (t) =>
  t.field({ type: [ProviderSync], resolve: (manifest) => manifest.syncs }),
);

const SyncStatus = builder.enumType('SyncStatus', {
  values: {
    IDLE: { description: 'Waiting for its next run (nextRunAt).' },
    QUEUED: { description: 'A run is due and waits for a worker.' },
    RUNNING: {},
    RATE_LIMITED: {
      description:
        'The provider said not before rateLimitedUntil; the next run continues from the checkpoint.',
    },
    PAUSED: { description: 'Disabled (enabled: false), or waiting for the connection to be re-authorized.' },
    FAILED: { description: 'The last run failed and is retried at nextRunAt (lastError says why).' },
    DEAD_LETTERED: {
      description: 'Parked: retrying cannot help until someone approves a replay (syncDeadLetters).',
    },
  } as const,
});

const SyncRunStatus = builder.enumType('SyncRunStatus', {
  values: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'RATE_LIMITED', 'EXPIRED', 'DEAD_LETTERED'] as const,
});

export const Sync = builder.objectRef<SyncView>('Sync').implement({
  description: 'One resource of one connection, pulled incrementally on a schedule.',
  fields: (t) => ({
    connectionId: t.exposeID('connectionId'),
    resource: t.exposeString('resource'),
    provider: t.exposeID('provider'),
    model: t.exposeString('model'),
    status: t.field({
      type: SyncStatus,
      resolve: (sync) => sync.status as 'IDLE',
    }),
    pausedReason: t.exposeString('pausedReason', {
      nullable: true,
      description: 'operator (enabled: false) or reauth_required; null unless PAUSED.',
    }),
    enabled: t.exposeBoolean('enabled'),
    config: t.field({ type: 'JSON', resolve: (sync) => sync.config }),
    frequency: t.exposeString('frequency'),
    checkpoint: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Where the next run starts (the connector’s own cursor); null before the first page.',
      resolve: (sync) => sync.checkpoint ?? null,
    }),
    nextRunAt: t.expose('nextRunAt', { type: 'DateTime', nullable: true }),
    rateLimitedUntil: t.expose('rateLimitedUntil', { type: 'DateTime', nullable: true }),
    lastRunAt: t.expose('lastRunAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    currentRunId: t.exposeID('currentRunId', { nullable: true }),
    recordCount: t.exposeInt('recordCount', { description: 'Records held now, deleted ones left out.' }),
    configuredAt: t.expose('configuredAt', { type: 'DateTime' }),
  }),
});

export const SyncRunRef = builder.objectRef<SyncRun>('SyncRun').implement({
  description: 'One run of a sync: what it was asked to do and what it found.',
  fields: (t) => ({
    id: t.exposeID('runId'),
    connectionId: t.exposeID('connectionId'),
    resource: t.exposeString('resource'),
    status: t.field({ type: SyncRunStatus, resolve: (run) => run.status as 'QUEUED' }),
    reason: t.exposeString('reason', {
      description: 'cron, adaptive, manual, webhook, replay, retry or rate_limit.',
    }),
    full: t.exposeBoolean('full', {
      description: 'Listed everything instead of changes since the checkpoint.',
    }),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    attempt: t.exposeInt('attempt', { description: 'Starts so far: more than 1 after a worker was lost.' }),
    added: t.exposeInt('added'),
    updated: t.exposeInt('updated'),
    deleted: t.exposeInt('deleted'),
    unchanged: t.exposeInt('unchanged'),
    requests: t.exposeInt('requests'),
    error: t.exposeString('error', { nullable: true }),
    retryAt: t.expose('retryAt', { type: 'DateTime', nullable: true }),
  }),
});

/** A sync named by the caller, checked: their connection, a resource its provider declares. */
export async function syncArgs(
  context: GraphQLContext,
  args: { connectionId: string | number; resource: string },
) {
  const target = {
    tenantId: await context.tenantId(),
    connectionId: connectionIdArg(args.connectionId, 'connectionId'),
    resource: args.resource,
  };
  await context.syncs.requireTarget(target);
  return target;
}

const ConfigureSyncInput = builder.inputType('ConfigureSyncInput', {
  fields: (t) => ({
    connectionId: t.id({ required: true }),
    resource: t.string({ required: true, description: 'One of Provider.syncs.' }),
    config: t.field({
      type: 'JSON',
      required: false,
      description: 'The resource\'s options (GitHub: {repositories: ["owner/name"]}); {} when omitted.',
    }),
    frequency: t.string({
      required: false,
      description: '30s, 5m, 1h, 1d or a five-field cron expression (UTC); the default when omitted.',
    }),
    enabled: t.boolean({
      required: false,
      description: 'false pauses the sync; true resumes one an operator paused. Default true.',
    }),
  }),
});

const StartSyncInput = builder.inputType('StartSyncInput', {
  fields: (t) => ({
    connectionId: t.id({ required: true }),
    resource: t.string({ required: true }),
    full: t.boolean({ required: false, description: 'List everything, not only changes (finds deletes).' }),
  }),
});

function configObject(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new BadUserInputError('config must be an object', undefined, { field: 'config' });
  return value as Record<string, unknown>;
}

builder.queryFields((t) => ({
  syncs: t.field({
    type: [Sync],
    description: "The syncs of one of the current tenant's connections, by resource (connections:read).",
    authScopes: { permission: 'connections:read' },
    args: { connectionId: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const connectionId = connectionIdArg(args.connectionId, 'connectionId');
      const connection = await context.prisma.connection.findFirst({
        where: { id: connectionId, tenantId },
        select: { id: true },
      });
      if (!connection) throw connectionNotFound(connectionId);
      return listSyncs(context.prisma, tenantId, connectionId);
    },
  }),
  syncRuns: t.connection({
    type: SyncRunRef,
    description: 'Runs of one sync, newest first (connections:read).',
    authScopes: { permission: 'connections:read' },
    args: { connectionId: t.arg.id({ required: true }), resource: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const sync = await syncArgs(context, args);
      return resolveTimePage(
        args,
        (run: SyncRun) => [run.scheduledAt, run.runId],
        (page) => listSyncRuns(context.prisma, sync, page),
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  configureSync: t.field({
    type: Sync,
    description:
      'Sets up or changes the sync of one resource; a new sync runs at once, in full (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: ConfigureSyncInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const tenantId = await context.tenantId();
      const target = {
        tenantId,
        connectionId: connectionIdArg(input.connectionId, 'connectionId'),
        resource: input.resource,
      };
      await context.syncs.configureSync(callerOf(context), tenantId, {
        ...target,
        config: configObject(input.config),
        frequency: input.frequency,
        enabled: input.enabled,
      });
      const sync = await findSync(context.prisma, target);
      if (!sync) throw new ConflictError('The sync was configured but cannot be read yet; query syncs');
      return sync;
    },
  }),
  startSync: t.field({
    type: SyncRunRef,
    description:
      'Queues a run now, or returns the one already queued or running: one at a time per sync (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: StartSyncInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const tenantId = await context.tenantId();
      const { runId } = await context.syncs.startSync(callerOf(context), tenantId, {
        connectionId: connectionIdArg(input.connectionId, 'connectionId'),
        resource: input.resource,
        full: input.full,
      });
      const run = await findSyncRun(context.prisma, tenantId, runId);
      if (!run) throw new ConflictError('The run was queued but cannot be read yet; query syncRuns');
      return run;
    },
  }),
}));
