import { systemCaller } from '../../src/connections/index.js';
import type { TestHub } from '../support/hub.js';

export interface WebhookConnection {
  connectionId: string;
  url: string;
  secret: string;
}

/** A webhook-only connection of `tenantId`, as createWebhookConnection makes it. */
export async function webhookConnection(
  hub: TestHub,
  tenantId: string,
  provider: string,
  secret?: string,
  displayName = `${provider} for ${tenantId}`,
): Promise<WebhookConnection> {
  return hub.runtime.connections.createWebhookConnection(systemCaller('test', 'c-1'), tenantId, {
    provider,
    displayName,
    secret: secret ?? null,
  });
}

export interface Posted {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs a delivery to a webhook URL of the hub, bytes as given. */
export async function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
): Promise<Posted> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: response.status, contentType: response.headers.get('content-type'), body: parsed, text };
}

/** Waits until every projection has applied everything in the log (the gateway answers on append). */
export async function settled(hub: TestHub): Promise<void> {
  await hub.runtime.projections.waitFor(await hub.runtime.eventStore.headPosition(), { timeoutMs: 10_000 });
}
