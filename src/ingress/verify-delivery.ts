import * as atlassian from './verify/atlassian.js';
import * as githubHmacSha256 from './verify/github-hmac-sha256.js';
import * as googleChannelToken from './verify/google-channel-token.js';
import * as hmacSha256 from './verify/hmac-sha256.js';
import * as microsoftGraph from './verify/microsoft-graph.js';
import * as slackV0 from './verify/slack-v0.js';
import * as standardWebhooks from './verify/standard-webhooks.js';
import type { VerifyRequest, VerifyResult, WebhookDeclaration, WebhookSecret } from './verify/types.js';

export type {
  VerifyFailureReason,
  VerifyRequest,
  VerifyResult,
  WebhookDeclaration,
  WebhookSecret,
} from './verify/types.js';

/**
 * Verifies a delivery by the scheme its manifest declares, on the raw bytes, before anything parses
 * the body (STYLE.md rule 8). `now` is the gateway's clock, passed in so verification stays pure.
 * A new scheme in the manifest schema fails to compile here until it has a verifier.
 */
export function verifyDelivery(
  webhooks: WebhookDeclaration,
  request: VerifyRequest,
  secret: WebhookSecret,
  now: Date,
): VerifyResult {
  switch (webhooks.scheme) {
    case 'github_hmac_sha256':
      return githubHmacSha256.verify(request, secret, webhooks, now);
    case 'slack_v0':
      return slackV0.verify(request, secret, webhooks, now);
    case 'standard_webhooks':
      return standardWebhooks.verify(request, secret, webhooks, now);
    case 'hmac_sha256':
      return hmacSha256.verify(request, secret, webhooks, now);
    case 'atlassian':
      return atlassian.verify(request, secret, webhooks, now);
    case 'microsoft_graph':
      return microsoftGraph.verify(request, secret, webhooks, now);
    case 'google_channel_token':
      return googleChannelToken.verify(request, secret, webhooks, now);
    default:
      return unknownScheme(webhooks);
  }
}

function unknownScheme(webhooks: never): never {
  throw new Error(
    `No verifier for webhook scheme ${JSON.stringify((webhooks as { scheme: unknown }).scheme)}`,
  );
}
