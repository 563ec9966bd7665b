import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { Sealed } from './sealed.js';
import type { TokenVault } from './vault.js';

/** The part of the vault that seals customer content for the log (see TokenVault.sealContent). */
export type ContentVault = Pick<TokenVault, 'sealContent' | 'openContent'>;

export interface SealOptions {
  /**
   * Brotli (quality 1) before sealing: for payloads of kilobytes. Ciphertext does not compress, so
   * without it the database stores each payload whole where it used to compress JSON text about
   * tenfold; with it a 21 KB GitHub payload becomes about 2.7 KB of event data, for about 45 µs of
   * CPU. Its length says roughly how repetitive the payload was, which only a reader of the
   * database sees, and no secret is compressed beside attacker text (secret members are cut first).
   */
  compress?: boolean;
}

/**
 * Quality 1, told the input's size: brotli then sizes its window and tables to the payload instead
 * of its 4 MiB default, the same bytes out about a quarter faster (44 → 36 µs for a 12 KiB GitHub
 * payload; issue 11).
 */
const brotliFast = (size: number) => ({
  params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: size },
});

/**
 * A JSON value sealed under its tenant's data key. Everything a tenant's users wrote or a provider
 * sent about them (payloads, titles, names, bodies) goes into the log this way, with only routing
 * metadata beside it in the clear, so deleteTenant leaves nothing of it readable. The reader must
 * pass the same `compress` as the writer (each record kind fixes it).
 */
export async function sealJson(
  vault: ContentVault,
  tenantId: string,
  binding: readonly string[],
  value: unknown,
  options: SealOptions = {},
): Promise<Sealed> {
  return sealJsonText(vault, tenantId, binding, Buffer.from(JSON.stringify(value), 'utf8'), options);
}

/**
 * sealJson for a value whose JSON text the caller already holds (a webhook body as it arrived), so
 * a payload of kilobytes is not serialized again; openJson reads it back the same way.
 */
export async function sealJsonText(
  vault: ContentVault,
  tenantId: string,
  binding: readonly string[],
  json: Buffer,
  options: SealOptions = {},
): Promise<Sealed> {
  return vault.sealContent(
    tenantId,
    binding,
    options.compress ? brotliCompressSync(json, brotliFast(json.length)) : json,
  );
}

/** The value sealJson sealed; throws TenantKeyDestroyedError once the tenant is deleted. */
export async function openJson<T>(
  vault: ContentVault,
  tenantId: string,
  binding: readonly string[],
  sealed: Sealed,
  options: SealOptions = {},
): Promise<T> {
  const bytes = await vault.openContent(tenantId, binding, sealed);
  const json = options.compress ? brotliDecompressSync(bytes) : bytes;
  try {
    return JSON.parse(json.toString('utf8')) as T;
  } finally {
    bytes.fill(0);
    json.fill(0);
  }
}
