import type { ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import type { VerifyRequest, WebhookDeclaration } from '../../src/ingress/verify/types.js';

/** A request as the gateway hands it to a verifier: header names lower-cased, body as bytes. */
export function deliveryRequest(
  options: {
    headers?: Record<string, string | undefined>;
    body?: string | Buffer;
    url?: string;
    method?: string;
  } = {},
): VerifyRequest {
  const headers = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const body = options.body ?? '';
  return {
    headers,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    url: options.url ?? 'https://switchboard.example/webhooks/provider/conn_1',
    method: options.method ?? 'POST',
  };
}

export function webhooksOf(manifest: ProviderManifest): WebhookDeclaration {
  if (!manifest.webhooks) throw new Error(`${manifest.id} declares no webhooks`);
  return manifest.webhooks;
}

/** Unix seconds, the unit of most signed timestamps. */
export const seconds = (date: Date): string => String(Math.floor(date.getTime() / 1000));
