import { z } from 'zod';
import { accountDiscoverySchema } from './account-discovery.js';
import { clientAuthMethod, headerName, note, url } from './primitives.js';
import { revocationSchema } from './revocation.js';
import { tokenResponseSchema } from './token-response.js';

export const authModes = ['oauth2', 'oauth2_cc', 'api_key', 'basic', 'app_jwt'] as const;
export const authModeSchema = z.enum(authModes);
export type AuthMode = z.output<typeof authModeSchema>;

/** Where an API key goes on each request (api_key mode). */
const apiKeyPlacement = z.strictObject({
  in: z.enum(['header', 'query']).default('header'),
  name: z.string().min(1).default('Authorization'),
  /** Text before the key, e.g. `Bearer ` (Notion, HubSpot private apps); empty for raw keys. */
  prefix: z.string().default(''),
});

/**
 * A cheap authenticated call that proves api_key / basic credentials work before a connection is
 * stored (`connectWithCredentials(verify: true)`). The path is relative to `api.baseUrl`.
 */
export const testRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  path: z.string().startsWith('/', 'must start with "/"'),
  expectedStatus: z.number().int().min(200).max(299).default(200),
  headers: z.record(headerName, z.string()).default({}),
});

/**
 * An authenticated call that proves an account id the provider did not vouch for (a callbackParam,
 * such as QuickBooks' realmId, which the user's browser can change) belongs to the grant: made with
 * the new access token, it must answer `expectedStatus` (Intuit's company info for the realm).
 * The path is relative to `api.baseUrl`; `{placeholders}` in either are the account's fields
 * (callbackParams and accountFields), URL-encoded, so a crafted id cannot change the request.
 */
export const accountVerificationSchema = z.strictObject({
  method: z.literal('GET').default('GET'),
  path: z.string().startsWith('/', 'must start with "/"'),
  expectedStatus: z.number().int().min(200).max(299).default(200),
  headers: z.record(headerName, z.string()).default({}),
  docsUrl: url.optional(),
});

/**
 * A second way to connect the same provider (a personal token next to OAuth, a GitHub App next to
 * an OAuth App). The provider's `authModes` are the primary mode plus these.
 */
export const alternativeAuthSchema = z.strictObject({
  mode: authModeSchema,
  apiKey: apiKeyPlacement.optional(),
  testRequest: testRequestSchema.optional(),
  docsUrl: url.optional(),
  notes: z.array(note).default([]),
});

export const authSchema = z.strictObject({
  mode: authModeSchema,
  authorizationUrl: url.optional(),
  tokenUrl: url.optional(),
  /** Shorthand for `revocation: {kind: 'rfc7009', url}`; custom providers usually only need this. */
  revocationUrl: url.optional(),
  /** PKCE S256 on by default; turn it off only where the provider rejects or ignores it. */
  pkce: z.boolean().default(true),
  scopeSeparator: z.string().min(1).default(' '),
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
  clientAuth: clientAuthMethod.default('client_secret_basic'),
  /** OIDC issuer where the provider publishes discovery; endpoints above still win when both are set. */
  oidcIssuer: url.optional(),
  /** Discovery document when it is not at `{issuer}/.well-known/openid-configuration` (Intuit). */
  oidcDiscoveryUrl: url.optional(),
  /**
   * The authorization server's issuer identifier (RFC 8414), exactly as it spells it; `oidcIssuer`
   * when not given. Every provider shares /oauth/callback, so a callback's `iss` (RFC 9207) must
   * equal it; a callback with `iss` from a provider that declares no issuer is refused.
   */
  issuer: url.optional(),
  /**
   * RFC 9207's `authorization_response_iss_parameter_supported`: the provider puts `iss` in every
   * authorization response, so one without it is refused.
   */
  issParameterSupported: z.boolean().default(false),
  /** Fixed extra query parameters on the authorization URL (Google's access_type=offline). */
  authorizationParams: z.record(z.string().min(1), z.string()).default({}),
  /** Body encoding of token requests; RFC 6749 says form, a few providers want JSON (Notion). */
  tokenRequestEncoding: z.enum(['form', 'json']).default('form'),
  /** Extra headers on token requests (GitHub's `Accept: application/json`). */
  tokenRequestHeaders: z.record(headerName, z.string()).default({}),
  tokenResponse: tokenResponseSchema.prefault({}),
  /** Query parameters of the OAuth callback to keep on the connection (QuickBooks' realmId). */
  callbackParams: z.array(z.string().min(1)).default([]),
  /** How an account id taken from the callback is confirmed before webhooks are routed by it. */
  accountVerification: accountVerificationSchema.optional(),
  /** A call with the new access token that finds the account and its URL values (Atlassian's cloudId). */
  accountDiscovery: accountDiscoverySchema.optional(),
  revocation: revocationSchema.optional(),
  apiKey: apiKeyPlacement.optional(),
  testRequest: testRequestSchema.optional(),
  alternatives: z.array(alternativeAuthSchema).default([]),
  docsUrl: url.optional(),
  notes: z.array(note).default([]),
});

export type AuthInput = z.input<typeof authSchema>;
