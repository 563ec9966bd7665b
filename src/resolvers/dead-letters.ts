import {
  type DeadLetterDelivery,
  deadLetterDelivery,
  findDeadLetter,
  listDeadLetters,
  type WebhookDeadLetter,
} from '../readmodels/queries/dead-letters.js';
import { connectionIdArg, resolveTimePage, uuidArg } from './args.js';
import { builder } from './builder.js';

const DeadLetterDeliveryRef = builder.objectRef<DeadLetterDelivery>('WebhookDeadLetterDelivery').implement({
  description: 'The delivery as it arrived: its headers (credentials left out) and its raw body.',
  fields: (t) => ({
    headers: t.field({ type: 'JSON', resolve: (delivery) => delivery.headers }),
    body: t.exposeString('body', {
      nullable: true,
      description: 'The body as text; null when it is not UTF-8.',
    }),
    bodyBase64: t.exposeString('bodyBase64', {
      nullable: true,
      description:
        "The raw body; null when it was too large to keep (over the event store's 1 MiB append limit).",
    }),
  }),
});

export const WebhookDeadLetterRef = builder.objectRef<WebhookDeadLetter>('WebhookDeadLetter').implement({
  description:
    'A signed delivery that could not become a signal (not JSON, no event type ...), kept for inspection.',
  fields: (t) => ({
    id: t.exposeID('id'),
    provider: t.exposeID('provider'),
    connectionId: t.exposeID('connectionId'),
    reason: t.exposeString('reason', { description: 'malformed_payload, missing_event_type ...' }),
    detail: t.exposeString('detail'),
    deliveryId: t.exposeString('deliveryId', { nullable: true }),
    eventType: t.exposeString('eventType', { nullable: true }),
    receivedAt: t.field({ type: 'DateTime', resolve: (letter) => letter.receivedAt }),
    bodyBytes: t.exposeInt('bodyBytes'),
    bodySha256: t.exposeString('bodySha256'),
    delivery: t.field({
      type: DeadLetterDeliveryRef,
      nullable: true,
      description: 'Headers and body, read from the log when asked for; null once the tenant is deleted.',
      resolve: (letter, _args, context) => deadLetterDelivery(context, letter),
    }),
  }),
});

builder.queryFields((t) => ({
  webhookDeadLetters: t.connection({
    type: WebhookDeadLetterRef,
    description: "The current tenant's webhook dead letters, newest first (signals:read).",
    authScopes: { permission: 'signals:read' },
    args: { connectionId: t.arg.id({ required: false }) },
    resolve: async (_root, args, context) => {
      const tenantId = await context.tenantId();
      const connectionId =
        args.connectionId == null ? null : connectionIdArg(args.connectionId, 'connectionId');
      return resolveTimePage(
        args,
        (letter: WebhookDeadLetter) => [letter.receivedAt, letter.id],
        (page) => listDeadLetters(context.prisma, tenantId, { connectionId }, page),
        { defaultSize: 50, maxSize: 100 },
      );
    },
  }),
  webhookDeadLetter: t.field({
    type: WebhookDeadLetterRef,
    nullable: true,
    description: 'One webhook dead letter of the current tenant (signals:read).',
    authScopes: { permission: 'signals:read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) =>
      findDeadLetter(context.prisma, await context.tenantId(), uuidArg(args.id, 'id')),
  }),
}));
