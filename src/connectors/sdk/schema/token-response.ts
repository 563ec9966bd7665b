import { z } from 'zod';
import { jsonPath, note } from './primitives.js';

/**
 * How a provider's token endpoint deviates from RFC 6749 §5.1. Every path is a dotted JSON path
 * into the (decoded) response, so a quirk is data the OAuth broker reads, never a branch in it.
 */
export const tokenResponseSchema = z.strictObject({
  /**
   * `json`: always JSON. `form_or_json`: may answer application/x-www-form-urlencoded unless the
   * request says `Accept: application/json` (GitHub), so the broker sends that header and decodes
   * either.
   */
  format: z.enum(['json', 'form_or_json']).default('json'),
  /**
   * Some providers answer 200 with a failure inside (Slack: `{"ok": false, "error": "invalid_code"}`;
   * GitHub: `{"error": "bad_verification_code"}`). When set, a 200 is a failure if `okPath` (when
   * given) is not `true` or `errorPath` holds a value; the code is at `errorPath`.
   */
  errorInBody: z.strictObject({ okPath: jsonPath.optional(), errorPath: jsonPath }).optional(),
  accessTokenPath: jsonPath.default('access_token'),
  refreshTokenPath: jsonPath.default('refresh_token'),
  expiresInPath: jsonPath.default('expires_in'),
  /** Seconds until the refresh token itself expires, when the provider says (QuickBooks, GitHub Apps). */
  refreshTokenExpiresInPath: jsonPath.optional(),
  scopePath: jsonPath.default('scope'),
  /** Separator of the granted-scope string, when it differs from the request separator (GitHub: ","). */
  grantedScopeSeparator: z.string().min(1).optional(),
  /**
   * A second, user-scoped token nested in the same response (Slack puts the user token under
   * `authed_user` next to the bot token at the top level). Stored beside the primary token.
   */
  nestedUserToken: z
    .strictObject({
      accessTokenPath: jsonPath,
      refreshTokenPath: jsonPath.optional(),
      expiresInPath: jsonPath.optional(),
      scopePath: jsonPath.optional(),
      userIdPath: jsonPath.optional(),
    })
    .optional(),
  /**
   * False when access tokens never expire and no `expires_in` comes back (Notion): the refresher
   * must not treat a missing expiry as "already expired". When true and a response carries no
   * expiry, the lifetime is unknown: refresh on a 401 rather than on a timer.
   */
  accessTokenExpires: z.boolean().default(true),
  /**
   * `rotating`: every refresh returns a new refresh token and invalidates the old one (Atlassian),
   * so the new one must be stored before anything else. `may_rotate`: a new one may come back; keep
   * the old one when none does. `static`: the refresh token never changes.
   */
  refreshTokenRotation: z.enum(['rotating', 'may_rotate', 'static']).default('may_rotate'),
  /**
   * Extra facts worth keeping from the response, by name → path (account ids, workspace names).
   * They are kept on the connection in the clear as URL values: never name a secret here.
   */
  accountFields: z.record(z.string().min(1), jsonPath).default({}),
  notes: z.array(note).default([]),
});

export type TokenResponseRules = z.output<typeof tokenResponseSchema>;
