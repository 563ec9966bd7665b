import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { ForbiddenError } from '../auth/errors.js';
import { parseStreamName, tenantStreamPrefixes } from '../events/streams.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventFilter } from '../eventstore/port.js';
import { tracedPushes } from '../observability/tracing/push-spans.js';
import { LIVE_FEED_EVENT_TYPES, tenantEventsTopic } from '../projections/read-models/live-feed.js';
import { assertEventCursorKept, tenantEventsAfter } from '../readmodels/queries/tenant-events.js';
import { decodeEventCursor, encodeEventCursor } from '../readmodels/resume-cursor.js';
import { BadUserInputError } from '../shared/errors.js';
import { positionCursor, resolvePage, takeUntil } from './args.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { assertOwnCursor, replayThenLive } from './resume.js';

/** An event as auditors see it. Secrets are never in events in plaintext, so data is shown whole. */
type AuditEventShape = Omit<RecordedEvent, 'recordedAt'> & { recordedAt: Date | string };

const EventMetadataType = builder.objectRef<RecordedEvent['metadata']>('EventMetadata').implement({
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    correlationId: t.exposeString('correlationId'),
    causationId: t.exposeString('causationId', { nullable: true }),
    actor: t.exposeString('actor'),
    schemaVersion: t.exposeInt('schemaVersion'),
  }),
});

export const AuditEvent = builder.objectRef<AuditEventShape>('AuditEvent').implement({
  description: 'A fact in the event log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    stream: t.exposeString('stream'),
    revision: t.int({
      description: 'Position within the stream; the first event is 0.',
      resolve: (e) => Number(e.revision),
    }),
    position: t.field({
      type: 'BigInt',
      description: 'Position in the global log.',
      resolve: (e) => e.position,
    }),
    time: t.field({ type: 'DateTime', resolve: (e) => e.recordedAt }),
    data: t.field({ type: 'JSON', resolve: (e) => e.data }),
    metadata: t.field({ type: EventMetadataType, resolve: (e) => e.metadata }),
    cursor: t.string({
      description:
        "This event's place in the tenant's log: pass it as `after` to Subscription.tenantEvents to receive what came after it.",
      resolve: (e) =>
        encodeEventCursor({ ...e, tenantId: parseStreamName(e.stream)?.tenantId ?? e.metadata.tenantId }),
    }),
  }),
});

builder.queryFields((t) => ({
  streamEvents: t.connection({
    type: AuditEvent,
    description: "One of the current tenant's streams, oldest first (audit:read).",
    authScopes: { permission: 'audit:read' },
    args: {
      stream: t.arg.string({ required: true }),
      fromRevision: t.arg.int({ required: false, description: 'Start at this revision (inclusive).' }),
    },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      // Decided on the name alone, so the answer says nothing about whether another tenant's stream exists.
      if (parseStreamName(args.stream)?.tenantId !== tenantId) {
        throw new ForbiddenError('The stream does not belong to the current tenant');
      }
      if (args.fromRevision !== null && args.fromRevision !== undefined && args.fromRevision < 0) {
        throw new BadUserInputError('fromRevision must be 0 or more');
      }
      return resolvePage(
        { args, toCursor: (event: RecordedEvent) => String(event.revision), defaultSize: 50, maxSize: 500 },
        async ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          const afterRevision = positionCursor(after, 'after');
          const beforeRevision = positionCursor(before, 'before');
          if (inverted) {
            const from = beforeRevision === undefined ? undefined : beforeRevision - 1n;
            if (from !== undefined && from < 0n) return [];
            const read = context.eventStore.readStream(args.stream, {
              direction: 'backwards',
              fromRevision: from,
              maxCount: limit,
            });
            return takeUntil(read, (event) => afterRevision !== undefined && event.revision <= afterRevision);
          }
          const from = afterRevision !== undefined ? afterRevision + 1n : BigInt(args.fromRevision ?? 0);
          const read = context.eventStore.readStream(args.stream, { fromRevision: from, maxCount: limit });
          return takeUntil(read, (event) => beforeRevision !== undefined && event.revision >= beforeRevision);
        },
      );
    },
  }),
  auditLog: t.connection({
    type: AuditEvent,
    description: 'Every event of the current tenant, newest first (audit:read).',
    authScopes: { permission: 'audit:read' },
    args: { types: t.arg.stringList({ required: false }) },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const filter: EventFilter = {
        streamPrefixes: tenantStreamPrefixes(tenantId),
        eventTypes: args.types ?? undefined,
      };
      return resolvePage(
        { args, toCursor: (event: RecordedEvent) => String(event.position), defaultSize: 50, maxSize: 500 },
        async ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          // Newest first: "after" a cursor means older than it.
          const older = positionCursor(after, 'after');
          const newer = positionCursor(before, 'before');
          if (inverted) {
            const read = context.eventStore.readAll({
              direction: 'forwards',
              after: newer,
              maxCount: limit,
              filter,
            });
            return takeUntil(read, (event) => older !== undefined && event.position >= older);
          }
          const read = context.eventStore.readAll({
            direction: 'backwards',
            after: older,
            maxCount: limit,
            filter,
          });
          return takeUntil(read, (event) => newer !== undefined && event.position <= newer);
        },
      );
    },
  }),
}));

/** The live feed as today: what is published from now on. */
async function* liveTenantEvents(
  context: GraphQLContext,
  tenantId: string,
  types: ReadonlySet<string> | null,
) {
  const subscription = context.platform.pubsub.subscribe(tenantEventsTopic(tenantId));
  try {
    for await (const payload of subscription) {
      const event = payload as AuditEventShape;
      if (!types || types.has(event.type)) yield event;
    }
  } finally {
    await subscription.close();
  }
}

/** How long a replayed event may wait for the read models, as the live feed waits before publishing. */
const REPLAY_WAIT_MS = 30_000;

/**
 * The events live delivery would have published after `after`: the live feed's types (and the
 * subscriber's), the tenant's streams, log order; each once the read models have applied it.
 */
async function* replayedTenantEvents(
  context: GraphQLContext,
  tenantId: string,
  types: readonly string[],
  after: bigint,
): AsyncGenerator<AuditEventShape> {
  // One wait covers the backlog as it stands; only events appended while it is replayed wait again.
  const waitFor = (position: bigint) =>
    context.projections.waitFor(position, { timeoutMs: REPLAY_WAIT_MS, skipStopped: true });
  let applied = await context.eventStore.headPosition();
  await waitFor(applied);
  for await (const event of tenantEventsAfter(context.eventStore, tenantId, types, after)) {
    if (event.position > applied) {
      applied = await context.eventStore.headPosition();
      await waitFor(applied);
    }
    yield event;
  }
}

builder.subscriptionFields((t) => ({
  tenantEvents: t.field({
    type: AuditEvent,
    description:
      "The current tenant's events, live, each delivered after the read models have applied it (audit:read). Signals, synced records and provider calls are not repeated here: Subscription.signals and Subscription.recordChanges carry the first two, and provider calls (ProviderCallRecorded, at proxy rates) are read through auditLog and streamEvents, which keep every event. With `after` (an AuditEvent.cursor), the events live delivery carries that came after it are replayed first, in log order, then the live ones follow with none missed or repeated.",
    authScopes: { permission: 'audit:read' },
    args: {
      types: t.arg.stringList({ required: false }),
      after: t.arg.string({
        required: false,
        description:
          "The cursor of the last event received (AuditEvent.cursor). CURSOR_EXPIRED when the hub no longer keeps that event; FORBIDDEN for another tenant's cursor.",
      }),
    },
    // Checked before the stream starts: a bad cursor is a subscribe-time error, not a broken stream.
    subscribe: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const types = args.types && args.types.length > 0 ? new Set(args.types) : null;
      const after = assertOwnCursor(decodeEventCursor(args.after, 'after'), tenantId, 'after');
      if (!after)
        return tracedPushes(liveTenantEvents(context, tenantId, types), 'Subscription.tenantEvents');
      await assertEventCursorKept(context.eventStore, after, 'after');
      const replayed = LIVE_FEED_EVENT_TYPES.filter((type) => !types || types.has(type));
      return tracedPushes(
        replayThenLive<AuditEventShape>(
          context.platform.pubsub,
          {
            topic: tenantEventsTopic(tenantId),
            positionOf: (event) => BigInt(event.position),
            backlog: (position) => replayedTenantEvents(context, tenantId, replayed, position),
            accepts: (event) => !types || types.has(event.type),
          },
          after.position,
        ),
        'Subscription.tenantEvents',
      );
    },
    resolve: (event) => event,
  }),
}));
