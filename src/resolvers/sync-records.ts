import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { startPushSpan } from '../observability/tracing/push-spans.js';
import { assertRecordCursorOfSync } from '../readmodels/queries/sync-record-cursor.js';
import {
  decodeRecordCursor,
  encodeRecordCursor,
  laterCursor,
  listRecords,
  type RecordChangesNotice,
  type RecordCursor,
  recordChangesTopic,
  recordFeedHead,
  type SyncKey,
  type SyncRecord,
} from '../readmodels/queries/sync-records.js';
import { BadUserInputError } from '../shared/errors.js';
import { resolvePage } from './args.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { syncArgs } from './syncs.js';

type RecordView = Omit<SyncRecord, 'raw'> & { raw?: unknown };

export const RecordRef = builder.objectRef<RecordView>('Record').implement({
  description: 'The latest version of one record a sync has seen.',
  fields: (t) => ({
    id: t.exposeID('recordId', { description: "The provider's id of the record." }),
    connectionId: t.exposeID('connectionId'),
    resource: t.exposeString('resource'),
    model: t.exposeString('model'),
    data: t.field({
      type: 'JSON',
      description: 'The canonical record (Ticket, Message ...).',
      resolve: (r) => r.data,
    }),
    raw: t.field({
      type: 'JSON',
      nullable: true,
      description: "The provider's own JSON; null unless asked for with includeRaw.",
      resolve: (record) => record.raw ?? null,
    }),
    hash: t.exposeString('hash', {
      description: 'SHA-256 of the canonical record less its volatile fields.',
    }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastModifiedAt: t.expose('lastModifiedAt', { type: 'DateTime' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    cursor: t.string({
      description:
        "This change's place in the feed: pass it as changedAfter (records) or after (recordChanges) to read the changes after it.",
      resolve: (record) => encodeRecordCursor(record),
    }),
  }),
});

const PAGE_SIZES = { defaultSize: 100, maxSize: 500 };

builder.queryFields((t) => ({
  records: t.connection({
    type: RecordRef,
    description:
      "One sync's records in change order (by log position, never by clock): pass a page's endCursor as changedAfter later to read only what changed since, with no change skipped (connections:read).",
    authScopes: { permission: 'connections:read' },
    args: {
      connectionId: t.arg.id({ required: true }),
      resource: t.arg.string({ required: true }),
      changedAfter: t.arg.string({
        required: false,
        description: 'An opaque cursor from a previous page (endCursor) or Record.cursor.',
      }),
      includeDeleted: t.arg.boolean({ required: false, defaultValue: false }),
      includeRaw: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: async (_root, args, context) => {
      const sync = await syncArgs(context, args);
      const changedAfter = decodeRecordCursor(args.changedAfter, 'changedAfter');
      return resolvePage(
        { args, toCursor: encodeRecordCursor, ...PAGE_SIZES },
        ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) =>
          listRecords(context.prisma, sync, {
            after: laterCursor(changedAfter, decodeRecordCursor(after, 'after')),
            before: decodeRecordCursor(before, 'before'),
            limit,
            inverted,
            includeDeleted: args.includeDeleted ?? false,
            includeRaw: args.includeRaw ?? false,
          }),
      );
    },
  }),
}));

const RecordChangesFilter = builder.inputType('RecordChangesFilter', {
  fields: (t) => ({
    connectionId: t.id({ required: true }),
    resource: t.string({ required: true }),
  }),
});

/** Every change of one sync after `from`, in feed order, read in pages; deletions included. */
async function* changesAfter(
  context: GraphQLContext,
  sync: SyncKey,
  from: { cursor: RecordCursor | undefined },
  includeRaw: boolean,
): AsyncGenerator<RecordView> {
  for (;;) {
    const page = await listRecords(context.prisma, sync, {
      after: from.cursor,
      limit: PAGE_SIZES.maxSize,
      inverted: false,
      includeDeleted: true,
      includeRaw,
    });
    for (const record of page) {
      from.cursor = record;
      yield record;
    }
    if (page.length < PAGE_SIZES.maxSize) return;
  }
}

async function* liveChanges(
  context: GraphQLContext,
  sync: SyncKey,
  changedAfter: RecordCursor | undefined,
  includeRaw: boolean,
): AsyncGenerator<RecordView> {
  // Listen before reading where the feed ends, so a change committed in between is not lost.
  const subscription = context.platform.pubsub.subscribe(recordChangesTopic(sync.tenantId));
  try {
    const from = { cursor: changedAfter ?? (await recordFeedHead(context.prisma, sync)) };
    if (changedAfter) yield* changesAfter(context, sync, from, includeRaw);
    for await (const message of subscription) {
      const notice = message as RecordChangesNotice;
      if (notice.connectionId !== sync.connectionId || notice.resource !== sync.resource) continue;
      // The notice only says where to look: the feed itself is read from this subscriber's own
      // cursor, so a dropped or repeated notice neither loses nor repeats a change.
      const span = startPushSpan(message, 'Subscription.recordChanges');
      try {
        yield* changesAfter(context, sync, from, includeRaw);
      } finally {
        span?.end();
      }
    }
  } finally {
    await subscription.close();
  }
}

/** `after` is the uniform name of every resumable subscription; `changedAfter` stays as its alias. */
function resumeCursorArg(args: { after?: string | null; changedAfter?: string | null }) {
  if (args.after != null && args.changedAfter != null && args.after !== args.changedAfter) {
    throw new BadUserInputError('Give after or changedAfter (its deprecated alias), not both', undefined, {
      field: 'after',
    });
  }
  const field = args.after != null ? 'after' : 'changedAfter';
  return { field, cursor: decodeRecordCursor(args.after ?? args.changedAfter, field) };
}

builder.subscriptionFields((t) => ({
  recordChanges: t.field({
    type: RecordRef,
    description:
      "One sync's changed records, live, each once the records read model has it; deletions come with deletedAt set. With after (a Record.cursor), the changes since that cursor come first, then the live ones, with none missed or repeated (connections:read).",
    authScopes: { permission: 'connections:read' },
    args: {
      filter: t.arg({ type: RecordChangesFilter, required: true }),
      after: t.arg.string({
        required: false,
        description:
          "The cursor of the last change received (Record.cursor). BAD_USER_INPUT when it is not from this sync's feed.",
      }),
      changedAfter: t.arg.string({ required: false, deprecationReason: 'Use after.' }),
      includeRaw: t.arg.boolean({ required: false, defaultValue: false }),
    },
    // Checked before the stream starts: a sync the caller cannot name is a subscribe-time error.
    subscribe: async (_root, args, context) => {
      const sync = await syncArgs(context, args.filter);
      const { field, cursor } = resumeCursorArg(args);
      await assertRecordCursorOfSync(context.prisma, sync, cursor, field);
      return liveChanges(context, sync, cursor, args.includeRaw ?? false);
    },
    resolve: (record) => record,
  }),
}));
