import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MANIFESTS } from '../../src/connectors/catalog.js';
import { webhookSchema } from '../../src/connectors/sdk/schema/webhooks.js';
import type { VerifyRequest, VerifyResult, WebhookDeclaration } from '../../src/ingress/verify/types.js';
import { verifyDelivery } from '../../src/ingress/verify-delivery.js';
import { deliveryRequest } from './request.js';

const now = new Date('2026-02-02T10:00:00Z');
const secret = 'a-configured-secret';

/** Every scheme the manifest schema accepts, read from the schema itself, not from a list kept here. */
const DECLARED_SCHEMES = webhookSchema.options.map((option) => option.shape.scheme.value);

/** A built-in manifest's declaration of the scheme where one exists, else the schema's defaults. */
function declarationOf(scheme: WebhookDeclaration['scheme']): WebhookDeclaration {
  const builtIn = BUILT_IN_MANIFESTS.find((manifest) => manifest.webhooks?.scheme === scheme)?.webhooks;
  return builtIn ?? webhookSchema.parse({ scheme });
}

type SchemeVerifier = (
  request: VerifyRequest,
  secret: string,
  declaration: WebhookDeclaration,
  now: Date,
) => VerifyResult;

describe('verifyDelivery', () => {
  it('knows the schemes the manifest schema declares', () => {
    expect(DECLARED_SCHEMES.length).toBeGreaterThan(0);
    expect(new Set(DECLARED_SCHEMES).size).toBe(DECLARED_SCHEMES.length);
  });

  // One verification scheme per file in src/ingress/verify/, named after the scheme.
  it.each(DECLARED_SCHEMES)(
    'has a verifier for the declared scheme %s, and dispatches to it',
    async (scheme) => {
      const file = scheme.replaceAll('_', '-');
      const path = fileURLToPath(new URL(`../../src/ingress/verify/${file}.ts`, import.meta.url));
      expect(existsSync(path), `src/ingress/verify/${file}.ts exists`).toBe(true);
      const module: { verify?: unknown } = await import(/* @vite-ignore */ path);
      expect(module.verify, `src/ingress/verify/${file}.ts exports verify`).toBeTypeOf('function');
      const ownVerifier = module.verify as SchemeVerifier;

      const declaration = declarationOf(scheme);
      const request = deliveryRequest({ body: '{"unsigned":true}' });
      const verdict = verifyDelivery(declaration, request, secret, now);
      expect(verdict).toEqual(ownVerifier(request, secret, declaration, now));
      expect(verdict.ok).toBe(false);
    },
  );
});

describe('verifyDelivery over the built-in catalog', () => {
  const withWebhooks = BUILT_IN_MANIFESTS.filter((manifest) => manifest.webhooks !== undefined);

  it.each(withWebhooks.map((manifest) => [manifest.id, manifest] as const))(
    '%s refuses an unauthenticated request, whatever it carries',
    (_id, manifest) => {
      const webhooks = manifest.webhooks!;
      const bodies = ['', '{}', '{"value":[{}]}', '[{"eventId":1}]', 'not json'];
      for (const body of bodies) {
        const verdict = verifyDelivery(webhooks, deliveryRequest({ body }), secret, now);
        expect(verdict.ok).toBe(false);
      }
    },
  );
});
