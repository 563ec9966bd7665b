import type { z } from 'zod';
import type { webhookSchema } from '../../connectors/sdk/schema/webhooks.js';

/** A manifest's `webhooks` declaration, defaults applied. */
export type WebhookDeclaration = z.output<typeof webhookSchema>;
export type DeclarationOf<S extends WebhookDeclaration['scheme']> = Extract<
  WebhookDeclaration,
  { scheme: S }
>;

/**
 * What a verifier sees of an HTTP request: lower-cased header names, the body exactly as received
 * (never re-serialized: providers sign bytes), the URL the provider called (absolute, as the
 * provider saw it, because some schemes sign it) and the method.
 */
export interface VerifyRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  url: string;
  method: string;
}

/** The webhook secret: text as configured, or raw key bytes. */
export type WebhookSecret = Buffer | string;

/**
 * Why a delivery was refused. Expected outcomes, so they are data (STYLE.md): the gateway maps
 * every one of them to 401 and records the reason in WebhookRejected.
 */
export type VerifyFailureReason =
  | 'secret_not_configured'
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'missing_delivery_id'
  /** Token schemes (Graph clientState, Google channel token): the shared token is the credential. */
  | 'missing_token'
  | 'bad_token'
  /** Only for schemes whose credential lives inside the body (Graph), so the body must be read. */
  | 'malformed_payload';

export type VerifyResult =
  | { ok: true; deliveryId: string | null; timestamp: Date | null }
  | { ok: false; reason: VerifyFailureReason };

export const refuse = (reason: VerifyFailureReason): VerifyResult => ({ ok: false, reason });
