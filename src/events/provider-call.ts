import { z } from 'zod';
import { defineEvent, type RecordedEventOf } from './define.js';
import { streamName } from './streams.js';

/** One stream per connection: `calls-<tenantId>.<connectionId>`, appended with 'any'. */
export const callsStream = (tenantId: string, connectionId: string): string =>
  streamName('calls', tenantId, connectionId);

/**
 * HMAC-SHA256 of a body under a key derived from one of the tenant's data keys (`keyId`): whoever
 * holds the body and the tenant's key can check it is the one that went through, and nobody can
 * test guesses against it without the key. Deleting the tenant destroys the key, so the MACs of its
 * calls can no longer be checked by anyone.
 */
export const bodyMacSchema = z.object({
  keyId: z.string().min(1).max(128),
  hmac: z.string().regex(/^[0-9a-f]{64}$/),
});

export type BodyMacRecord = z.infer<typeof bodyMacSchema>;

/** What went one way: its size and MAC, never the bytes. `mac` is null when there was no body. */
export const callBodySchema = z.object({
  bytes: z.number().int().nonnegative(),
  mac: bodyMacSchema.nullable(),
});

/**
 * Who asked: the principal's kind and its non-secret id (an operator token's fingerprint, a JWT's
 * subject, a system component's name). Never a token.
 */
export const callActorSchema = z.object({
  kind: z.enum(['operator', 'jwt', 'system']),
  id: z.string().min(1).max(256),
});

/** The provider's rate-limit headers after the call (x-ratelimit-remaining, -reset), when it sends them. */
export const rateLimitSnapshotSchema = z.object({
  remaining: z.number().int().nonnegative().nullable(),
  resetAt: z.iso.datetime().nullable(),
});

/**
 * A call the hub made to a provider for a caller: through `/proxy` (`kind: proxy`) or as a declared
 * action (`kind: action`, `actionId` set). Routing facts and measurements only: the path is a
 * template (proxy/audit/path-template.ts), the query string appears as its parameter names, and
 * bodies as sizes and MACs; no token, no body, no query value is ever part of it.
 */
export const ProviderCallRecorded = defineEvent('ProviderCallRecorded', {
  schema: z.object({
    connectionId: z.string().min(1),
    provider: z.string().min(1),
    kind: z.enum(['proxy', 'action']),
    actionId: z.string().min(1).nullable(),
    method: z.string().regex(/^[A-Z]{1,16}$/),
    /** `/repos/{id}/issues`: ids, numbers, UUIDs and hex reduced to placeholders. */
    pathTemplate: z.string().min(1).max(1024),
    /** The query string's parameter names, sorted, without their values. */
    queryKeys: z.array(z.string().min(1).max(128)).max(64),
    /** The provider's status; null when it never answered (timeout, circuit open, refused). */
    status: z.number().int().min(100).max(599).nullable(),
    /** The hub's own error code when the call failed on its side (PROVIDER_TIMEOUT ...). */
    errorCode: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
      .nullable(),
    /** Provider requests sent: 0 when refused before any, more than 1 after retries or a refresh. */
    attempts: z.number().int().nonnegative(),
    startedAt: z.iso.datetime(),
    durationMs: z.object({
      /** From the hub taking the call to its last byte. */
      total: z.number().nonnegative(),
      /** Of that, waiting on the provider (every attempt). */
      provider: z.number().nonnegative(),
    }),
    request: callBodySchema,
    response: callBodySchema,
    rateLimit: rateLimitSnapshotSchema.nullable(),
    actor: callActorSchema,
  }),
});

export const PROVIDER_CALL_EVENTS = [ProviderCallRecorded] as const;

export type ProviderCallEvent = RecordedEventOf<typeof ProviderCallRecorded>;
