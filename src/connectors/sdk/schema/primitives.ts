import { z } from 'zod';

/**
 * Building blocks shared by every part of the manifest schema. URLs accept http as well as https
 * because a custom provider may be a loopback test server; the built-in catalog test insists on
 * https. A URL may carry `{placeholders}` (`{cloudId}`, `{realmId}`, `{clientId}`) that the SDK
 * fills from the connection or the integration at call time.
 */
export const url = z.url({ protocol: /^https?$/, message: 'Invalid URL' });

/** Ids and categories are kebab-case so they are safe in URLs, stream names and GraphQL enums. */
export const kebabId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (lowercase letters, digits and single dashes)');

export const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name');

/**
 * A dotted path into a JSON document: `authed_user.access_token`, `team.id`, `value[].clientState`
 * (`[]` means "every element of this array"; a leading `[]` is a document that is an array).
 */
export const jsonPath = z
  .string()
  .regex(
    /^(?:\[\]|[A-Za-z0-9_@$-]+(?:\[\])?)(?:\.[A-Za-z0-9_@$-]+(?:\[\])?)*$/,
    'must be a dotted JSON path',
  );

/** A non-empty sentence meant for operators reading the catalog (quirks, caveats). */
export const note = z.string().min(1);

export const clientAuthMethod = z.enum(['client_secret_basic', 'client_secret_post', 'none']);
export type ClientAuthMethod = z.output<typeof clientAuthMethod>;
