import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { tracedPushes } from '../observability/tracing/push-spans.js';
import { withPayloads } from '../readmodels/queries/signal-payloads.js';
import { type SignalView, signalsTopic } from '../readmodels/queries/signal-view.js';
import {
  assertKnownKind,
  decodeCursor,
  encodeCursor,
  findSignal,
  listSignals,
  matchesFilter,
  type SignalFilter,
} from '../readmodels/queries/signals.js';
import { assertSignalCursorKept, signalsAfter } from '../readmodels/queries/signals-resume.js';
import { decodeSignalCursor, encodeSignalCursor } from '../readmodels/resume-cursor.js';
import { signalKinds } from '../signals/kinds.js';
import { connectionIdArg, resolvePage, uuidArg } from './args.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { assertOwnCursor, replayThenLive } from './resume.js';

const SignalActor = builder.objectRef<SignalView>('SignalActor').implement({
  description: 'Who caused a signal, as the provider names them.',
  fields: (t) => ({
    id: t.id({ resolve: (signal) => signal.actorId ?? '' }),
    name: t.string({ resolve: (signal) => signal.actorName ?? '' }),
    bot: t.boolean({
      description: 'Automation (a GitHub App, a Slack bot): consumers can skip their own echoes.',
      resolve: (signal) => signal.actorBot ?? false,
    }),
  }),
});

const SignalSubject = builder.objectRef<SignalView>('SignalSubject').implement({
  description: 'What a signal is about: an issue, a pull request, a channel ...',
  fields: (t) => ({
    type: t.string({ resolve: (signal) => signal.subjectType ?? '' }),
    id: t.id({ resolve: (signal) => signal.subjectId ?? '' }),
    title: t.string({ resolve: (signal) => signal.subjectTitle ?? '' }),
    url: t.string({ nullable: true, resolve: (signal) => signal.subjectUrl }),
  }),
});

export const Signal = builder.objectRef<SignalView>('Signal').implement({
  description: 'A provider event, verified and normalized into a provider-neutral shape.',
  fields: (t) => ({
    id: t.exposeID('id'),
    cursor: t.string({
      description:
        "This signal's place in the tenant's log: pass it as `after` to Subscription.signals to receive what came after it.",
      resolve: (signal) => encodeSignalCursor(signal),
    }),
    kind: t.exposeString('kind', { description: 'snake_case, one of signalKinds.' }),
    provider: t.exposeID('provider'),
    connectionId: t.exposeID('connectionId'),
    occurredAt: t.field({ type: 'DateTime', resolve: (signal) => signal.occurredAt }),
    receivedAt: t.field({ type: 'DateTime', resolve: (signal) => signal.receivedAt }),
    actor: t.field({
      type: SignalActor,
      nullable: true,
      resolve: (signal) => (signal.actorId === null ? null : signal),
    }),
    subject: t.field({
      type: SignalSubject,
      nullable: true,
      resolve: (signal) => (signal.subjectId === null ? null : signal),
    }),
    summary: t.exposeString('summary'),
    deliveryId: t.exposeString('deliveryId', {
      nullable: true,
      description: "The provider's delivery id (X-GitHub-Delivery, Slack event_id ...).",
    }),
    eventType: t.exposeString('eventType', { nullable: true, description: "The provider's event type." }),
    payload: t.field({
      type: 'JSON',
      nullable: true,
      description: "The provider's payload, whole; null unless asked for with includePayload.",
      resolve: (signal) => signal.payload ?? null,
    }),
  }),
});

const SignalKindInfo = builder.objectRef<{ kind: string; description: string }>('SignalKindInfo').implement({
  fields: (t) => ({ kind: t.exposeString('kind'), description: t.exposeString('description') }),
});

const SignalFilterInput = builder.inputType('SignalFilter', {
  fields: (t) => ({
    provider: t.id({ required: false }),
    connectionId: t.id({ required: false }),
    kind: t.string({ required: false, description: 'One of signalKinds.' }),
    occurredAfter: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
    occurredBefore: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
  }),
});

const filterOf = (
  input: { [K in keyof SignalFilter]?: SignalFilter[K] | string | number } | null | undefined,
) =>
  input
    ? {
        ...input,
        provider: input.provider == null ? null : String(input.provider),
        connectionId: input.connectionId == null ? null : connectionIdArg(input.connectionId, 'connectionId'),
      }
    : null;

builder.queryFields((t) => ({
  signals: t.connection({
    type: Signal,
    description: "The current tenant's signals, newest first (signals:read).",
    authScopes: { permission: 'signals:read' },
    args: {
      filter: t.arg({ type: SignalFilterInput, required: false }),
      includePayload: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const filter = filterOf(args.filter) as SignalFilter | null;
      return resolvePage(
        { args, toCursor: encodeCursor, defaultSize: 50, maxSize: 100 },
        async ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) => {
          const signals = await listSignals(context.prisma, tenantId, filter, {
            after: decodeCursor(after, 'after'),
            before: decodeCursor(before, 'before'),
            limit,
            inverted,
          });
          return args.includePayload ? withPayloads(context, signals) : signals;
        },
      );
    },
  }),
  signal: t.field({
    type: Signal,
    nullable: true,
    description: 'One signal of the current tenant, payload included (signals:read).',
    authScopes: { permission: 'signals:read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const signal = await findSignal(context.prisma, await context.tenantId(), uuidArg(args.id, 'id'));
      return signal && (await withPayloads(context, [signal]))[0]!;
    },
  }),
  signalKinds: t.field({
    type: [SignalKindInfo],
    description: 'Every signal kind, with what it means (signals:read).',
    authScopes: { permission: 'signals:read' },
    resolve: () => signalKinds(),
  }),
}));

/** The live feed as today: what is published from now on. */
async function* liveSignals(context: GraphQLContext, tenantId: string, filter: SignalFilter | null) {
  const subscription = context.platform.pubsub.subscribe(signalsTopic(tenantId));
  try {
    for await (const message of subscription) {
      const signal = message as SignalView;
      if (matchesFilter(signal, filter)) yield signal;
    }
  } finally {
    await subscription.close();
  }
}

async function* withPayloadsIf(
  context: GraphQLContext,
  signals: AsyncIterable<SignalView>,
  include: boolean,
) {
  for await (const signal of signals) yield include ? (await withPayloads(context, [signal]))[0]! : signal;
}

builder.subscriptionFields((t) => ({
  signals: t.field({
    type: Signal,
    description:
      "The current tenant's signals, live, each delivered once the signals read model has it (signals:read). With `after` (a Signal.cursor), the signals that came after it are replayed first, in log order, then the live ones follow with none missed or repeated.",
    authScopes: { permission: 'signals:read' },
    args: {
      filter: t.arg({ type: SignalFilterInput, required: false }),
      includePayload: t.arg.boolean({ required: false, defaultValue: false }),
      after: t.arg.string({
        required: false,
        description:
          "The cursor of the last signal received (Signal.cursor). CURSOR_EXPIRED when the hub no longer keeps that signal; FORBIDDEN for another tenant's cursor.",
      }),
    },
    // Checked before the stream starts: a bad cursor is a subscribe-time error, not a broken stream.
    subscribe: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const filter = filterOf(args.filter) as SignalFilter | null;
      assertKnownKind(filter?.kind);
      const after = assertOwnCursor(decodeSignalCursor(args.after, 'after'), tenantId, 'after');
      if (after) await assertSignalCursorKept(context.prisma, after, 'after');
      const signals = after
        ? replayThenLive<SignalView>(
            context.platform.pubsub,
            {
              topic: signalsTopic(tenantId),
              positionOf: (signal) => BigInt(signal.position),
              backlog: (position) => signalsAfter(context.prisma, tenantId, filter, position),
              accepts: (signal) => matchesFilter(signal, filter),
            },
            after.position,
          )
        : liveSignals(context, tenantId, filter);
      return withPayloadsIf(
        context,
        tracedPushes(signals, 'Subscription.signals'),
        args.includePayload ?? false,
      );
    },
    resolve: (signal) => signal,
  }),
}));
