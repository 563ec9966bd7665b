import { z } from 'zod';
import { defineEvent, type RecordedEventOf } from './define.js';
import { GLOBAL_SCOPE, streamName } from './streams.js';

/**
 * The hub's seals over its own log, in the reserved scope: one chain of seals
 * (`audit-_global.seals`) and the public keys that signed them (`audit-_global.keys`). They belong to
 * no tenant, and no tenant's stream prefix selects them.
 */
export const AUDIT_SEALS_STREAM = streamName('audit', GLOBAL_SCOPE, 'seals');
export const AUDIT_KEYS_STREAM = streamName('audit', GLOBAL_SCOPE, 'keys');

/** A global position in decimal: JSON has no bigint. */
const decimal = z.string().regex(/^\d+$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Every event with a position in [fromPosition, toPosition] (inclusive; ranges tile the log, each
 * starting right after the previous seal's end) is a leaf of an RFC 6962 Merkle tree in position
 * order, hashed as `leafFormat` says (src/audit/event-leaf.ts). The seal commits to the range, the
 * count, the root and the previous seal's root, and `signature` is the Ed25519 signature of that
 * statement (src/audit/seal-statement.ts) by the key `keyId` names (its RFC 7638 thumbprint).
 */
export const AuditSealed = defineEvent('AuditSealed', {
  schema: z.object({
    fromPosition: decimal,
    toPosition: decimal,
    count: z.number().int().min(1),
    root: sha256Hex,
    /** The previous seal's root; null for the first seal of the chain. */
    previousRoot: sha256Hex.nullable(),
    leafFormat: z.string(),
    keyId: z.string(),
    /** base64url. */
    signature: z.string(),
    sealedAt: z.iso.datetime(),
  }),
});
export type AuditSealedEvent = RecordedEventOf<typeof AuditSealed>;
export type AuditSeal = AuditSealedEvent['data'];

/**
 * A signing key's public half, appended before the first seal it signs, so that verifying an old
 * seal never depends on a key the deployment still configures. `publicKey` is a JWK (OKP, Ed25519).
 */
export const AuditSigningKeyAdopted = defineEvent('AuditSigningKeyAdopted', {
  schema: z.object({
    keyId: z.string(),
    publicKey: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
    adoptedAt: z.iso.datetime(),
  }),
});
export type AuditSigningKeyAdoptedEvent = RecordedEventOf<typeof AuditSigningKeyAdopted>;

export const AUDIT_EVENTS = [AuditSealed, AuditSigningKeyAdopted] as const;
