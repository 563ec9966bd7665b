import { connectionNotFound } from '../domain/connection.js';
import { findSyncRun, listSyncDeadLetters, type SyncDeadLetter } from '../readmodels/queries/syncs.js';
import { ConflictError } from '../shared/errors.js';
import { connectionIdArg, resolveTimePage, uuidArg } from './args.js';
import { builder } from './builder.js';
import { callerOf } from './context.js';
import { SyncRunRef } from './syncs.js';

export const SyncDeadLetterRef = builder.objectRef<SyncDeadLetter>('SyncDeadLetter').implement({
  description:
    'A run parked because retrying cannot help (a missing scope, a 404) or it failed too often; approveSyncReplay runs it again.',
  fields: (t) => ({
    id: t.exposeID('id'),
    connectionId: t.exposeID('connectionId'),
    resource: t.exposeString('resource'),
    runId: t.exposeID('runId'),
    class: t.exposeString('class', { description: 'retryable, auth or terminal.' }),
    message: t.exposeString('message'),
    status: t.exposeInt('status', { nullable: true, description: "The provider's HTTP status, if any." }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    replayRunId: t.exposeID('replayRunId', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  syncDeadLetters: t.connection({
    type: SyncDeadLetterRef,
    description:
      "Parked sync runs of one of the current tenant's connections, newest first (connections:read).",
    authScopes: { permission: 'connections:read' },
    args: { connectionId: t.arg.id({ required: true }), resource: t.arg.string({ required: false }) },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const connectionId = connectionIdArg(args.connectionId, 'connectionId');
      const owned = await context.prisma.connection.count({ where: { id: connectionId, tenantId } });
      if (owned === 0) throw connectionNotFound(connectionId);
      return resolveTimePage(
        args,
        (letter: SyncDeadLetter) => [letter.createdAt, letter.id],
        (page) =>
          listSyncDeadLetters(context.prisma, tenantId, { connectionId, resource: args.resource }, page),
        { defaultSize: 50, maxSize: 100 },
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  approveSyncReplay: t.field({
    type: SyncRunRef,
    description:
      'Approves the replay of a parked run and queues it (reason replay); answers the run that will do it (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { id: t.arg.id({ required: true, description: 'The SyncDeadLetter id.' }) },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const id = uuidArg(args.id, 'id').toLowerCase();
      const { runId } = await context.syncs.approveSyncReplay(callerOf(context), tenantId, id);
      const run = await findSyncRun(context.prisma, tenantId, runId);
      if (!run) throw new ConflictError('The replay was queued but cannot be read yet; query syncRuns');
      return run;
    },
  }),
}));
