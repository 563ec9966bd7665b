import { z } from 'zod';
import { headerName, jsonPath, note, url } from './primitives.js';

/** A name a URL template can use as `{name}` (see shared/placeholders.ts). */
const valueName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a {placeholder} name');

/**
 * A call made with the new access token right after the code exchange, for what neither the
 * callback nor the token response says: which account (site, tenant, company) the grant reaches
 * and the values its API URLs need. Atlassian 3LO tokens are bound to no site: GET
 * https://api.atlassian.com/oauth/token/accessible-resources answers `[{id, url, name, scopes,
 * avatarUrl}]`, and `id` is the cloudId every `/ex/jira/{cloudId}` call needs
 * (https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api/). Xero's
 * GET https://api.xero.com/connections (`[{tenantId, tenantName, …}]`) is the same need.
 * An install whose discovery fails or lists no account ends as ConnectionFailed.
 */
export const accountDiscoverySchema = z
  .strictObject({
    method: z.literal('GET').default('GET'),
    /** Absolute: the API base URL may itself need what this call discovers (`{cloudId}`). */
    url,
    headers: z.record(headerName, z.string()).default({}),
    /**
     * Where the answer lists accounts: `[]` when it is an array of them (Atlassian, Xero),
     * `accounts[]` inside an object. Left out: the answer is the one account.
     */
    accountsPath: jsonPath.optional(),
    /**
     * Within an account, the provider scopes it was authorized for. When given, the account
     * holding the most of the scopes the token was granted is chosen (the first listed on a tie),
     * so a Confluence site listed beside the Jira site the user picked is passed over.
     */
    scopesPath: jsonPath.optional(),
    /**
     * Values kept on the connection, by name → path within the chosen account; they fill
     * `{placeholders}` of the API base URL and paths (`cloudId`, `siteUrl`). Never secrets: they
     * are written to events and read models in the clear.
     */
    fields: z.record(valueName, jsonPath).refine((fields) => Object.keys(fields).length > 0, {
      message: 'must name at least one value',
    }),
    /** The field that is the provider account id; an account without it counts as none. */
    idField: valueName,
    /** The field shown as the account's name. */
    nameField: valueName.optional(),
    docsUrl: url.optional(),
    notes: z.array(note).default([]),
  })
  .superRefine((discovery, ctx) => {
    for (const key of ['idField', 'nameField'] as const) {
      const name = discovery[key];
      if (name !== undefined && !Object.hasOwn(discovery.fields, name)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${name}" is not one of fields` });
      }
    }
  });

export type AccountDiscovery = z.output<typeof accountDiscoverySchema>;
