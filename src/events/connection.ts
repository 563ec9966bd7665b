import { z } from 'zod';
import { SealedSchema } from '../vault/sealed.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/**
 * Connection stream family: `connection-<tenantId>.<connectionId>`, one stream per connection of a
 * tenant to a provider. Secrets (tokens, API keys, webhook secrets) only ever appear as `Sealed`
 * vault ciphertext bound to tenant + connection; everything else here is safe to show an auditor.
 */
export const connectionStream = (tenantId: string, connectionId: string): string =>
  streamName('connection', tenantId, connectionId);

/** How a connection authenticates at the provider; `webhook` connections only receive deliveries. */
export const CONNECTION_AUTH_MODES = ['oauth2', 'oauth2_cc', 'api_key', 'basic', 'webhook'] as const;
const authMode = z.enum(CONNECTION_AUTH_MODES);
export type ConnectionAuthMode = z.output<typeof authMode>;

/** Whose OAuth app a connection uses: the tenant's own, or the operator's global one. */
const integrationScope = z.enum(['tenant', 'global']);
export type IntegrationScope = z.output<typeof integrationScope>;

const instant = z.iso.datetime();
const scopes = z.array(z.string());

/** An OAuth authorization was started: the connection exists as PENDING until the callback. */
export const ConnectionStarted = defineEvent('ConnectionStarted', {
  schema: z.object({
    connectionId: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    authMode: authMode,
    integration: integrationScope,
    requestedScopes: scopes,
    /**
     * sha256 (hex) of the single-use state: lets a late or replayed callback be traced to its
     * connection and recorded, without the log holding a usable state.
     */
    stateHash: z.string(),
    /** Where the user goes after the callback (the caller's page); null shows a result page. */
    redirectUri: z.string().nullable(),
    startedAt: instant,
    expiresAt: instant,
  }),
});

export const CONNECTION_FAILURES = [
  'access_denied',
  'state_expired',
  'exchange_failed',
  'verification_failed',
  /** The callback's `iss` (RFC 9207) is not the provider's issuer, or is missing where it must come. */
  'issuer_mismatch',
  /** The manifest's account discovery failed or listed no account (a Jira grant for no site). */
  'account_discovery_failed',
] as const;
export type ConnectionFailure = (typeof CONNECTION_FAILURES)[number];

/** A PENDING connection attempt ended without a connection. */
export const ConnectionFailed = defineEvent('ConnectionFailed', {
  schema: z.object({
    connectionId: z.string(),
    provider: z.string(),
    reason: z.enum(CONNECTION_FAILURES),
    /** Safe for clients: written by us, never copied from the provider. */
    message: z.string(),
    failedAt: instant,
  }),
});

/** A callback was refused without ending the attempt (its state was already used). */
export const ConnectionCallbackRejected = defineEvent('ConnectionCallbackRejected', {
  schema: z.object({
    connectionId: z.string(),
    reason: z.enum(['state_reused']),
    rejectedAt: instant,
  }),
});

const account = z.object({ id: z.string().nullable(), name: z.string().nullable() });

/** Credentials (a token set, an API key, a username and password), sealed. */
export const TokenIssued = defineEvent('TokenIssued', {
  schema: z.object({
    connectionId: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    authMode: authMode,
    /** JSON of a StoredCredentials value (src/connections/credentials/credentials-codec.ts), sealed. */
    secret: SealedSchema,
    tokenType: z.string().nullable(),
    /** Null: does not expire (API keys, Notion, GitHub OAuth Apps) or unknown. */
    expiresAt: instant.nullable(),
    refreshTokenExpiresAt: instant.nullable(),
    scopes,
    issuedAt: instant,
  }),
});

/**
 * v2 added `values`; v1 installs knew none beyond the account id, so they upcast with none (the
 * account id still fills `{accountId}`).
 */
export const ConnectionInstalled = defineEvent('ConnectionInstalled', {
  version: 2,
  schema: z.object({
    connectionId: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    authMode: authMode,
    /** Null for modes without an OAuth app (api_key, basic). */
    integration: integrationScope.nullable(),
    account,
    /**
     * What the connection's API URLs need (`{cloudId}`, `{realmId}`, a site URL): the manifest's
     * callbackParams, token response accountFields and account discovery fields. Never secrets.
     */
    values: z.record(z.string(), z.string()),
    scopes,
    installedAt: instant,
  }),
  upcasters: {
    1: (data) => ({ ...(data as object), values: {} }),
  },
});

/** A refresh replaced the token set (the old refresh token is kept inside when none came back). */
export const TokenRotated = defineEvent('TokenRotated', {
  schema: z.object({
    connectionId: z.string(),
    secret: SealedSchema,
    /** Revision of the TokenIssued/TokenRotated event this refresh started from. */
    previousTokenRevision: z.string(),
    tokenType: z.string().nullable(),
    expiresAt: instant.nullable(),
    refreshTokenExpiresAt: instant.nullable(),
    scopes,
    refreshTokenRotated: z.boolean(),
    trigger: z.enum(['proactive', 'expired', 'unauthorized', 'manual']),
    rotatedAt: instant,
  }),
});

export const TokenRefreshFailed = defineEvent('TokenRefreshFailed', {
  schema: z.object({
    connectionId: z.string(),
    /** The OAuth layer's classification (invalid_grant, transient, ...). */
    failure: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    attempts: z.number().int().min(1),
    failedAt: instant,
  }),
});

/** The grant is gone (invalid_grant): only the user reconnecting can fix it. */
export const ConnectionReauthRequired = defineEvent('ConnectionReauthRequired', {
  schema: z.object({
    connectionId: z.string(),
    reason: z.string(),
    at: instant,
  }),
});

const revocationOutcome = z.object({
  status: z.enum(['CONFIRMED', 'FAILED', 'UNSUPPORTED']),
  detail: z.string(),
});

/** Disconnected: provider revocation attempted (outcome recorded) and our credentials destroyed. */
export const ConnectionRevoked = defineEvent('ConnectionRevoked', {
  schema: z.object({
    connectionId: z.string(),
    providerRevocation: revocationOutcome,
    reason: z.enum(['requested', 'tenant_deleted']),
    revokedAt: instant,
  }),
});

/** A connection that only receives webhooks (no API credentials). */
export const WebhookConnectionCreated = defineEvent('WebhookConnectionCreated', {
  schema: z.object({
    connectionId: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    displayName: z.string().nullable(),
    createdAt: instant,
  }),
});

/** The per-connection webhook signing secret was set or rotated (any connection). */
export const WebhookSecretConfigured = defineEvent('WebhookSecretConfigured', {
  schema: z.object({
    connectionId: z.string(),
    tenantId: z.string(),
    provider: z.string(),
    secret: SealedSchema,
    configuredAt: instant,
  }),
});

export const CONNECTION_EVENTS = [
  ConnectionStarted,
  ConnectionFailed,
  ConnectionCallbackRejected,
  TokenIssued,
  ConnectionInstalled,
  TokenRotated,
  TokenRefreshFailed,
  ConnectionReauthRequired,
  ConnectionRevoked,
  WebhookConnectionCreated,
  WebhookSecretConfigured,
] as const;

export type ConnectionEvent =
  | RecordedEventOf<typeof ConnectionStarted>
  | RecordedEventOf<typeof ConnectionFailed>
  | RecordedEventOf<typeof ConnectionCallbackRejected>
  | RecordedEventOf<typeof TokenIssued>
  | RecordedEventOf<typeof ConnectionInstalled>
  | RecordedEventOf<typeof TokenRotated>
  | RecordedEventOf<typeof TokenRefreshFailed>
  | RecordedEventOf<typeof ConnectionReauthRequired>
  | RecordedEventOf<typeof ConnectionRevoked>
  | RecordedEventOf<typeof WebhookConnectionCreated>
  | RecordedEventOf<typeof WebhookSecretConfigured>;
