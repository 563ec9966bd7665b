import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineEvent, type RecordedEventOf } from './define.js';
import { GLOBAL_SCOPE, streamName } from './streams.js';

/**
 * Provider account stream family: `account-_global.<sha-256 hex of provider NUL account id>`. An
 * account (a QuickBooks realm, a Slack team) is ground several tenants may claim, so its stream is
 * in the reserved global scope no tenant's prefix selects (never tombstoned or exported with a
 * tenant), and hashed because account ids are the provider's: any characters, any length.
 */
export const providerAccountStream = (provider: string, accountId: string): string =>
  streamName(
    'account',
    GLOBAL_SCOPE,
    createHash('sha256').update(`${provider}\u0000${accountId}`).digest('hex'),
  );

const instant = z.iso.datetime();
const holder = z.object({ tenantId: z.string(), connectionId: z.string() });

/** Who claimed the account: every event of the stream names the provider, account and connection. */
const claim = {
  provider: z.string().min(1),
  accountId: z.string().min(1),
  tenantId: z.string(),
  connectionId: z.string(),
};

/**
 * What vouched for the account: a value of the token response (Slack's team.id, an ID token), an
 * authenticated call the manifest declares (Intuit's company info for the realm), the manifest's
 * account discovery with the new token (Atlassian's accessible-resources), or an operator.
 */
export const ACCOUNT_PROOFS = [
  'token_response',
  'account_verification',
  'account_discovery',
  'operator',
] as const;

/** App-level webhooks for the account now go to this connection (and to no other). */
export const ProviderAccountBound = defineEvent('ProviderAccountBound', {
  schema: z.object({
    ...claim,
    proof: z.enum(ACCOUNT_PROOFS),
    /** The same tenant's connection the binding passed from (a reconnection); null if none. */
    previousConnectionId: z.string().nullable(),
    boundAt: instant,
  }),
});

/** A proven claim refused: the account is bound to a live connection of another tenant. */
export const ProviderAccountBindingRefused = defineEvent('ProviderAccountBindingRefused', {
  schema: z.object({
    ...claim,
    reason: z.enum(['bound_to_another_tenant']),
    heldBy: holder,
    refusedAt: instant,
  }),
});

/** A claim nothing vouched for (a browser-supplied id the provider did not confirm): not bound. */
export const ProviderAccountClaimUnverified = defineEvent('ProviderAccountClaimUnverified', {
  schema: z.object({
    ...claim,
    reason: z.enum(['no_verification', 'verification_failed']),
    /** Written by us (a status code, "timed out"), never copied from the provider. */
    detail: z.string(),
    at: instant,
  }),
});

/** The binding ended: its connection was revoked, or found gone when another connection claimed. */
export const ProviderAccountBindingReleased = defineEvent('ProviderAccountBindingReleased', {
  schema: z.object({
    ...claim,
    reason: z.enum(['connection_revoked', 'connection_gone']),
    releasedAt: instant,
  }),
});

/** An operator moved the binding to this connection (from `previous`, null when it was unbound). */
export const ProviderAccountBindingMoved = defineEvent('ProviderAccountBindingMoved', {
  schema: z.object({
    ...claim,
    previous: holder.nullable(),
    movedAt: instant,
  }),
});

export const PROVIDER_ACCOUNT_EVENTS = [
  ProviderAccountBound,
  ProviderAccountBindingRefused,
  ProviderAccountClaimUnverified,
  ProviderAccountBindingReleased,
  ProviderAccountBindingMoved,
] as const;

export type ProviderAccountEvent =
  | RecordedEventOf<typeof ProviderAccountBound>
  | RecordedEventOf<typeof ProviderAccountBindingRefused>
  | RecordedEventOf<typeof ProviderAccountClaimUnverified>
  | RecordedEventOf<typeof ProviderAccountBindingReleased>
  | RecordedEventOf<typeof ProviderAccountBindingMoved>;
