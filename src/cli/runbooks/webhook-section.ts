import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { bullets, code } from './markdown.js';

type Webhooks = NonNullable<ProviderManifest['webhooks']>;
type Signed = Extract<Webhooks, { signature: unknown }>;
type WithSecret = Extract<Webhooks, { secret: unknown }>;

const APP_SECRET: Record<NonNullable<WithSecret['secret']['appLevel']>, string> = {
  client_secret: "the OAuth app's client secret (the provider signs with it)",
  signing_secret: "the app's signing secret (from the provider's app settings)",
  verification_token: "the app's verification token (from the provider's app settings)",
};

function signatureFacts(webhooks: Signed): string[] {
  const { signature } = webhooks;
  const timestamp = 'timestamp' in webhooks ? webhooks.timestamp : undefined;
  return [
    `Signature header: ${code(signature.header)}, HMAC-${signature.algorithm.toUpperCase()} ${signature.encoding}${signature.prefix ? ` after the prefix ${code(signature.prefix)}` : ''}.`,
    `Signed bytes: ${code(signature.signedPayload)} (the raw body as received${signature.signedPayload.includes('{url}') ? '; `{url}` is the URL the provider called, so a proxy that rewrites the host or path breaks every signature' : ''}).`,
    ...(timestamp
      ? [
          `Timestamp: ${timestamp.header ? `header ${code(timestamp.header)}` : `body ${code(timestamp.bodyPath ?? '')}`} in ${timestamp.unit}, accepted within ${timestamp.toleranceSeconds} s: ${code('stale_timestamp')} or ${code('future_timestamp')} failures mean a clock off (check NTP on the hub) or replayed traffic.`,
        ]
      : []),
    ...('dynamicWebhookJwt' in webhooks && webhooks.dynamicWebhookJwt
      ? [
          `Dynamic webhooks registered by an OAuth app carry no signature header but an ${webhooks.dynamicWebhookJwt.algorithm} JWT in ${code(webhooks.dynamicWebhookJwt.header)}, signed with the app's client secret: for those the connection's webhook secret must be that client secret.`,
        ]
      : []),
  ];
}

function schemeFacts(webhooks: Webhooks): string[] {
  switch (webhooks.scheme) {
    case 'github_hmac_sha256':
    case 'slack_v0':
    case 'hmac_sha256':
    case 'atlassian':
      return signatureFacts(webhooks);
    case 'standard_webhooks':
      return [
        `Standard Webhooks: ${code('webhook-id')}, ${code('webhook-timestamp')} and ${code('webhook-signature')} headers, timestamps accepted within ${webhooks.toleranceSeconds} s.`,
      ];
    case 'microsoft_graph':
      return [
        `No signature: each notification's ${code(webhooks.clientStatePath)} must equal the connection's webhook secret (${code('bad_token')} / ${code('missing_token')} otherwise). A new subscription is validated by echoing ${code(webhooks.validationTokenParam)}.`,
        `Whoever creates the Graph subscription passes the connection's webhook secret as ${code('clientState')}.`,
      ];
    case 'google_channel_token':
      return [
        `No signature: ${code(webhooks.tokenHeader)} must equal the connection's webhook secret (${code('bad_token')} / ${code('missing_token')} otherwise); the connection is found by ${code(webhooks.channelIdHeader)}.`,
        `Whoever creates the watch channel passes the connection's webhook secret as its ${code('token')}; channels expire and are renewed by watching again, with the same token.`,
      ];
  }
}

function secretFacts(manifest: ProviderManifest, webhooks: Webhooks): string[] {
  const rotate = `${code('configureWebhook(input: { connectionId: "..." })')} (connections:write) sets or rotates it: a new secret is generated unless you pass ${code('secret')}, stored sealed and shown once`;
  if (!('secret' in webhooks)) {
    return [
      `Where the secret lives: the connection's webhook secret (every delivery is routed to its connection first). ${rotate}; then re-create the provider's subscription or channel with the new value, since the old one keeps sending the old token.`,
    ];
  }
  const facts: string[] = [];
  if (webhooks.secret.perConnection)
    facts.push(
      `Per connection (${code(`POST /webhooks/${manifest.id}/<connectionId>`)}): the connection's webhook secret. ${rotate}; set the same value at the provider. Deliveries signed with the old secret fail until the provider has the new one.`,
    );
  if (webhooks.secret.appLevel)
    facts.push(
      `App-level (${code(`POST /webhooks/${manifest.id}`)}, routed by ${webhooks.routing ? `${webhooks.routing.idKind} id` : 'the payload'}): ${APP_SECRET[webhooks.secret.appLevel]}, configured as ${code(`${manifest.id}=<secret>`)} in ${code('SWITCHBOARD_WEBHOOK_SECRETS')}. No mutation changes it: rotate it at the provider, update the variable on every instance and restart them; ${code('secret_not_configured')} failures mean the entry is missing.`,
    );
  return facts;
}

export function webhookSignature(manifest: ProviderManifest): string {
  const webhooks = manifest.webhooks;
  if (!webhooks)
    return `${manifest.displayName} declares no webhooks: Switchboard receives nothing from it (changes come from syncs or not at all), so no verification can fail.`;
  return [
    `Scheme ${code(webhooks.scheme)}. A delivery that fails verification is answered 401 and recorded as ${code('WebhookRejected')} with its reason (never the payload); the ${code('reason')} label of the metric says which check failed.`,
    '',
    bullets(schemeFacts(webhooks)),
    '',
    bullets(secretFacts(manifest, webhooks)),
    ...(webhooks.deliveryId
      ? [
          '',
          `Delivery id: ${code(webhooks.deliveryId.header ?? webhooks.deliveryId.bodyPath ?? '')} (a redelivery with a seen id is answered ${code('duplicate')}, not rejected).`,
        ]
      : []),
    ...(webhooks.notes.length ? ['', bullets(webhooks.notes)] : []),
    ...(webhooks.docsUrl ? ['', `Provider documentation: ${webhooks.docsUrl}`] : []),
  ].join('\n');
}
