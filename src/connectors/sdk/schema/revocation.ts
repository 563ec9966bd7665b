import { z } from 'zod';
import { clientAuthMethod, note, url } from './primitives.js';

/**
 * What the provider really offers to revoke a grant. The broker reports CONFIRMED, FAILED or
 * UNSUPPORTED (kind `none`) from this; each kind names one small code path in the OAuth module.
 */
const common = { docsUrl: url.optional(), notes: z.array(note).default([]) };

export const revocationSchema = z.discriminatedUnion('kind', [
  // RFC 7009: POST token (+ token_type_hint) to the revocation endpoint.
  z.strictObject({
    kind: z.literal('rfc7009'),
    url,
    clientAuth: clientAuthMethod.default('client_secret_basic'),
    /** Some endpoints take JSON instead of a form (Notion, Intuit). */
    bodyEncoding: z.enum(['form', 'json']).default('form'),
    /** Which token to send: revoking a refresh token usually revokes its grant. */
    token: z.enum(['refresh_token', 'access_token']).default('refresh_token'),
    ...common,
  }),
  // GitHub: DELETE /applications/{clientId}/grant with Basic client auth and {"access_token"} body;
  // deletes every token of the grant, which is what disconnecting means.
  z.strictObject({ kind: z.literal('github_grant'), url, ...common }),
  // Slack: auth.revoke authenticated by the token being revoked; answers {"ok": true, "revoked": true}.
  z.strictObject({ kind: z.literal('slack_auth_revoke'), url, ...common }),
  // A call authenticated by the access token itself, no client credentials (Dropbox, Linear).
  z.strictObject({
    kind: z.literal('bearer_request'),
    url,
    method: z.enum(['POST', 'DELETE']).default('POST'),
    ...common,
  }),
  // No per-grant revocation exists: the broker destroys its credentials and reports UNSUPPORTED.
  z.strictObject({ kind: z.literal('none'), reason: note, ...common }),
]);

export type Revocation = z.output<typeof revocationSchema>;
export type RevocationKind = Revocation['kind'];
