import type { FastifyInstance } from 'fastify';
import { type AuditServices, LEAF_FORMAT } from '../audit/index.js';

/**
 * `GET /.well-known/switchboard-audit-keys`: every public key that has signed audit seals, as a
 * JWK Set (RFC 7517; `kid` is the key's RFC 7638 thumbprint, which each seal names). Public: an
 * auditor pins these keys outside the hub, so later seals can be checked against what they
 * recorded rather than against whatever the hub says at the time.
 */
export function registerAuditKeysRoute(app: FastifyInstance, audit: Pick<AuditServices, 'seals'>): void {
  app.get('/.well-known/switchboard-audit-keys', async (_request, reply) => {
    const keys = await audit.seals.keys();
    // A new key appears only when a deployment changes it; a few minutes of caching is harmless.
    reply.header('cache-control', 'public, max-age=300');
    return {
      keys: [...keys.values()].map((key) => ({
        ...key.publicKey,
        kid: key.keyId,
        alg: 'EdDSA',
        use: 'sig',
        adoptedAt: key.adoptedAt,
      })),
      leafFormat: LEAF_FORMAT,
      signedStatement: 'switchboard-audit-seal-v1',
    };
  });
}
