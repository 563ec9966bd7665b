import { TenantKeyDestroyedError } from '../vault/errors.js';
import type { Sealed } from '../vault/sealed.js';
import { type ContentVault, openJson, sealJson } from '../vault/sealed-content.js';
import type { RecordContent } from './sync.js';

/** The sealed records of one RecordsBatchRecorded event open only inside that event. */
const binding = (connectionId: string, eventId: string) => [connectionId, 'sync-records', eventId];

/**
 * What a page's changed records say (canonical data and the provider's JSON), sealed and compressed
 * with the tenant's data key: provider data about a tenant's users is gone with the tenant's keys.
 */
export async function sealRecords(
  vault: ContentVault,
  tenantId: string,
  target: { connectionId: string; eventId: string },
  contents: readonly RecordContent[],
): Promise<Sealed | null> {
  if (contents.length === 0) return null;
  return sealJson(vault, tenantId, binding(target.connectionId, target.eventId), contents, {
    compress: true,
  });
}

/** The records' content; null once the tenant's keys are destroyed (then so are its rows). */
export async function openRecords(
  vault: ContentVault,
  tenantId: string,
  target: { connectionId: string; eventId: string },
  sealed: Sealed | null,
): Promise<RecordContent[] | null> {
  if (sealed === null) return [];
  try {
    return await openJson<RecordContent[]>(
      vault,
      tenantId,
      binding(target.connectionId, target.eventId),
      sealed,
      {
        compress: true,
      },
    );
  } catch (error) {
    if (error instanceof TenantKeyDestroyedError) return null;
    throw error;
  }
}
