import { z } from 'zod';
import { headerName, jsonPath, note, url } from './primitives.js';

/**
 * How deliveries are authenticated and routed. `scheme` names the verifier in src/ingress; the
 * fields beside it are the data that verifier reads, so a new provider with a plain HMAC needs no
 * code at all (`hmac_sha256`). Verification always runs on the raw bytes (STYLE.md rule 8).
 */

const SIGNED_PAYLOAD_PARTS = ['body', 'timestamp', 'method', 'url'];
const ROUTING_ID_KINDS = [
  'installation',
  'team',
  'site',
  'account',
  'workspace',
  'organization',
  'realm',
  'portal',
  'user',
  'subscription',
  'channel',
] as const;

const signatureSchema = z.strictObject({
  header: headerName,
  algorithm: z.enum(['sha256', 'sha1']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** Text before the digest in the header: `sha256=` (GitHub), `v0=` (Slack, Zoom). */
  prefix: z.string().default(''),
  /** What is signed, with `{body}`, `{timestamp}`, `{method}`, `{url}` filled in. */
  signedPayload: z
    .string()
    .default('{body}')
    .refine((template) => template.includes('{body}'), 'must include {body}')
    .refine(
      (template) =>
        [...template.matchAll(/\{(\w+)\}/g)].every((m) => SIGNED_PAYLOAD_PARTS.includes(m[1] ?? '')),
      `may only use ${SIGNED_PAYLOAD_PARTS.map((part) => `{${part}}`).join(', ')}`,
    ),
});

/**
 * Which secret signs. `perConnection`: a secret set with configureWebhook (the
 * /webhooks/:provider/:connectionId route). `appLevel`: one secret for the whole integration, used
 * on /webhooks/:provider where `routing` finds the connection.
 */
const secretSchema = z.strictObject({
  perConnection: z.boolean().default(true),
  appLevel: z.enum(['client_secret', 'signing_secret', 'verification_token']).optional(),
});

const timestampSchema = z.strictObject({
  header: headerName.optional(),
  bodyPath: jsonPath.optional(),
  unit: z.enum(['seconds', 'milliseconds']).default('seconds'),
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
});

const locator = z.strictObject({ header: headerName.optional(), bodyPath: jsonPath.optional() });

const deliveryIdLocator = locator.extend({
  /**
   * Whether the provider's signature covers the id. When it does not, a captured delivery replayed
   * under a fresh id is recognised by its (signed) body instead. Unsaid: an id read from a header
   * is taken as unsigned (no signed-payload template covers an arbitrary header), one in the body
   * as signed.
   */
  signed: z.boolean().optional(),
});

const common = {
  /** Where the provider's unique delivery id is; replays with a seen id are acknowledged, not re-signalled. */
  deliveryId: deliveryIdLocator.optional(),
  eventType: locator.optional(),
  /**
   * App-level deliveries: where the id that identifies the connection is, in the body (first path
   * found wins) or in a header (Google's channel id).
   */
  routing: z
    .strictObject({
      paths: z.array(jsonPath).default([]),
      header: headerName.optional(),
      idKind: z.enum(ROUTING_ID_KINDS),
    })
    .refine((routing) => routing.paths.length > 0 || routing.header !== undefined, 'needs paths or a header')
    .optional(),
  /**
   * Payload members that carry a secret (Graph's clientState, the verification token some providers
   * echo): removed from the body before anything is stored, so no reader of the log, a read model
   * or the API ever sees them. Each path names a member (`value[].clientState`), not array elements.
   */
  secretFields: z
    .array(jsonPath.refine((path) => !path.endsWith('[]'), 'must name a member, not array elements'))
    .default([]),
  docsUrl: url.optional(),
  notes: z.array(note).default([]),
};

export const webhookSchema = z.discriminatedUnion('scheme', [
  z.strictObject({
    scheme: z.literal('github_hmac_sha256'),
    signature: signatureSchema,
    secret: secretSchema.prefault({}),
    ...common,
  }),
  z.strictObject({
    scheme: z.literal('slack_v0'),
    signature: signatureSchema,
    secret: secretSchema.prefault({}),
    timestamp: timestampSchema,
    handshake: z.literal('slack_url_verification'),
    ...common,
  }),
  // https://www.standardwebhooks.com: webhook-id / webhook-timestamp / webhook-signature, fixed names.
  z.strictObject({
    scheme: z.literal('standard_webhooks'),
    secret: secretSchema.prefault({}),
    toleranceSeconds: z.number().int().min(1).max(3600).default(300),
    ...common,
  }),
  // Any provider whose signature is an HMAC over a template of the request.
  z.strictObject({
    scheme: z.literal('hmac_sha256'),
    signature: signatureSchema,
    secret: secretSchema.prefault({}),
    timestamp: timestampSchema.optional(),
    handshake: z.enum(['zoom_url_validation', 'dropbox_challenge', 'notion_verification_token']).optional(),
    ...common,
  }),
  // Jira: secret-bearing webhooks sign with X-Hub-Signature; OAuth apps' dynamic webhooks carry a
  // JWT signed with the client secret instead.
  z.strictObject({
    scheme: z.literal('atlassian'),
    signature: signatureSchema,
    secret: secretSchema.prefault({}),
    dynamicWebhookJwt: z.strictObject({ header: headerName, algorithm: z.literal('HS256') }).optional(),
    ...common,
  }),
  // No signature: a validationToken handshake at subscription time, then a clientState echoed in
  // every notification that must equal the one Switchboard chose.
  z.strictObject({
    scheme: z.literal('microsoft_graph'),
    validationTokenParam: z.string().default('validationToken'),
    clientStatePath: jsonPath.default('value[].clientState'),
    ...common,
  }),
  // Google push channels: no signature; the channel token set at watch time comes back in a header,
  // and the first message of a channel has resource state `sync`.
  z.strictObject({
    scheme: z.literal('google_channel_token'),
    tokenHeader: headerName.default('X-Goog-Channel-Token'),
    channelIdHeader: headerName.default('X-Goog-Channel-ID'),
    resourceStateHeader: headerName.default('X-Goog-Resource-State'),
    messageNumberHeader: headerName.default('X-Goog-Message-Number'),
    ...common,
  }),
]);

export type WebhookScheme = z.output<typeof webhookSchema>['scheme'];
