import type { Sealed } from './sealed.js';
import type { TokenVault } from './vault.js';

/** The part of the vault that seals customer content for the log (see TokenVault.sealContent). */
export type ContentVault = Pick<TokenVault, 'sealContent' | 'openContent'>;

/**
 * A JSON value sealed under its tenant's data key. Everything a tenant's users wrote or a provider
 * sent about them (payloads, titles, names, bodies) goes into the log this way, with only routing
 * metadata beside it in the clear, so deleteTenant leaves nothing of it readable.
 */
export async function sealJson(
  vault: ContentVault,
  tenantId: string,
  binding: readonly string[],
  value: unknown,
): Promise<Sealed> {
  return vault.sealContent(tenantId, binding, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** The value sealJson sealed; throws TenantKeyDestroyedError once the tenant is deleted. */
export async function openJson<T>(
  vault: ContentVault,
  tenantId: string,
  binding: readonly string[],
  sealed: Sealed,
): Promise<T> {
  const bytes = await vault.openContent(tenantId, binding, sealed);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } finally {
    bytes.fill(0);
  }
}
