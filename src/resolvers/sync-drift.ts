import { findDriftCheck, listDriftChecks, type SyncDriftCheck } from '../readmodels/queries/syncs.js';
import { ConflictError } from '../shared/errors.js';
import { resolveTimePage } from './args.js';
import { builder } from './builder.js';
import { callerOf } from './context.js';
import { syncArgs } from './syncs.js';

const DriftCheckStatus = builder.enumType('DriftCheckStatus', {
  values: {
    RUNNING: {},
    CLEAN: { description: 'The provider and the records agree.' },
    REPAIRED: { description: 'Differences were found and repaired through the log.' },
    FAILED: { description: 'The check could not finish (message says why).' },
  } as const,
});

const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export const DriftCheckRef = builder.objectRef<SyncDriftCheck>('DriftCheck').implement({
  description: "A comparison of a sync's records with what the provider lists now.",
  fields: (t) => ({
    id: t.exposeID('checkId'),
    connectionId: t.exposeID('connectionId'),
    resource: t.exposeString('resource'),
    status: t.field({ type: DriftCheckStatus, resolve: (check) => check.status as 'RUNNING' }),
    missing: t.stringList({
      description: 'Ids at the provider that the records lacked.',
      resolve: (check) => ids(check.missing),
    }),
    extra: t.stringList({
      description: 'Ids in the records the provider no longer has.',
      resolve: (check) => ids(check.extra),
    }),
    changed: t.stringList({
      description: 'Ids whose content differed.',
      resolve: (check) => ids(check.changed),
    }),
    repaired: t.exposeInt('repaired'),
    message: t.exposeString('message', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CheckDriftInput = builder.inputType('CheckDriftInput', {
  fields: (t) => ({ connectionId: t.id({ required: true }), resource: t.string({ required: true }) }),
});

builder.queryFields((t) => ({
  driftChecks: t.connection({
    type: DriftCheckRef,
    description: 'Drift checks of one sync, newest first (connections:read).',
    authScopes: { permission: 'connections:read' },
    args: { connectionId: t.arg.id({ required: true }), resource: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const sync = await syncArgs(context, args);
      return resolveTimePage(
        args,
        (check: SyncDriftCheck) => [check.startedAt, check.checkId],
        (page) => listDriftChecks(context.prisma, sync, page),
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  checkDrift: t.field({
    type: DriftCheckRef,
    description:
      'Starts a drift check of one sync now; it runs in the background (RUNNING) and reports in driftChecks (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: CheckDriftInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const sync = await syncArgs(context, input);
      const { checkId } = await context.syncs.checkDrift(callerOf(context), sync.tenantId, {
        connectionId: sync.connectionId,
        resource: sync.resource,
      });
      const check = await findDriftCheck(context.prisma, sync.tenantId, checkId);
      if (!check) throw new ConflictError('The check started but cannot be read yet; query driftChecks');
      return check;
    },
  }),
}));
