import { TenantKeyDestroyedError } from '../vault/errors.js';
import type { Sealed } from '../vault/sealed.js';
import { type ContentVault, openJson, sealJson } from '../vault/sealed-content.js';
import type { DeadLetterContent } from './webhook.js';

/** Bound to its event: a sealed dead letter opens for no other record. */
const binding = (connectionId: string, eventId: string) => [connectionId, 'dead-letter', eventId];

/**
 * Detail, headers and body of a dead letter, sealed with the tenant's data key for the log;
 * `compressed` (brotli first, see SealOptions) is what the event's `contentEncoding: 'br'` states.
 */
export function sealDeadLetter(
  vault: ContentVault,
  tenantId: string,
  letter: { connectionId: string; eventId: string },
  content: DeadLetterContent,
  options: { compressed?: boolean } = {},
): Promise<Sealed> {
  return sealJson(vault, tenantId, binding(letter.connectionId, letter.eventId), content, {
    compress: options.compressed === true,
  });
}

/** What sealDeadLetter sealed (or the v1 plain part); null once the tenant's keys are destroyed. */
export async function openDeadLetter(
  vault: ContentVault,
  tenantId: string,
  letter: {
    connectionId: string;
    eventId: string;
    content: Sealed | { plain: DeadLetterContent };
    contentEncoding?: 'br' | undefined;
  },
): Promise<DeadLetterContent | null> {
  if ('plain' in letter.content) return letter.content.plain;
  try {
    return await openJson<DeadLetterContent>(
      vault,
      tenantId,
      binding(letter.connectionId, letter.eventId),
      letter.content,
      { compress: letter.contentEncoding === 'br' },
    );
  } catch (error) {
    if (error instanceof TenantKeyDestroyedError) return null;
    throw error;
  }
}
