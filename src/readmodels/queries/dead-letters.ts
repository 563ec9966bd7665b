import { TextDecoder } from 'node:util';
import { eventCatalog } from '../../events/catalog.js';
import { openDeadLetter } from '../../events/sealed-dead-letter.js';
import { deadLettersStream, type WebhookEvent } from '../../events/webhook.js';
import { StreamDeletedError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/port.js';
import type { Prisma, PrismaClient, WebhookDeadLetter } from '../../generated/prisma/client.js';
import { isUuid } from '../../shared/uuid.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import type { TimeCursor } from '../time-cursor.js';

export type { WebhookDeadLetter };

export interface DeadLetterPage {
  after?: TimeCursor;
  before?: TimeCursor;
  limit: number;
  /** Read oldest first from `before` (Relay `last`); the caller reverses. */
  inverted: boolean;
}

/** The delivery as it arrived, from the log: headers (credentials left out) and the raw body. */
export interface DeadLetterDelivery {
  headers: Record<string, string>;
  /** Null when the body was too large to keep in the log (bodyBytes and bodySha256 still name it). */
  bodyBase64: string | null;
  /** The body as text when it is valid UTF-8 (JSON that failed to parse, usually); else null. */
  body: string | null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A tenant's dead letters, newest first by (receivedAt, id): one index range scan per page. */
export function listDeadLetters(
  prisma: PrismaClient,
  tenantId: string,
  filter: { connectionId?: string | null },
  page: DeadLetterPage,
): Promise<WebhookDeadLetter[]> {
  const where: Prisma.WebhookDeadLetterWhereInput = {
    tenantId,
    ...(filter.connectionId != null ? { connectionId: filter.connectionId } : {}),
    AND: [page.after && beyond(page.after, 'lt'), page.before && beyond(page.before, 'gt')].filter(
      (clause): clause is Prisma.WebhookDeadLetterWhereInput => clause !== undefined,
    ),
  };
  const direction = page.inverted ? 'asc' : 'desc';
  return prisma.webhookDeadLetter.findMany({
    where,
    orderBy: [{ receivedAt: direction }, { id: direction }],
    take: page.limit,
  });
}

export function findDeadLetter(
  prisma: PrismaClient,
  tenantId: string,
  id: string,
): Promise<WebhookDeadLetter | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return prisma.webhookDeadLetter.findUnique({ where: { tenantId_id: { tenantId, id: id.toLowerCase() } } });
}

/** One read of one event, opened; null once the tenant is deleted (streams tombstoned, keys destroyed). */
export async function deadLetterDelivery(
  sources: { eventStore: Pick<EventStore, 'readStream'>; vault: ContentVault },
  letter: Pick<WebhookDeadLetter, 'tenantId' | 'connectionId' | 'id' | 'revision'>,
): Promise<DeadLetterDelivery | null> {
  try {
    const events = sources.eventStore.readStream(deadLettersStream(letter.tenantId, letter.connectionId), {
      fromRevision: letter.revision,
      maxCount: 1,
    });
    for await (const event of events) {
      const decoded = eventCatalog.decode(event) as WebhookEvent;
      if (decoded.type !== 'WebhookDeadLettered' || decoded.id !== letter.id) return null;
      const content = await openDeadLetter(sources.vault, letter.tenantId, {
        connectionId: decoded.data.connectionId,
        eventId: decoded.id,
        content: decoded.data.content,
        contentEncoding: decoded.data.contentEncoding,
      });
      if (!content) return null;
      if (content.bodyBase64 === undefined) return { headers: content.headers, bodyBase64: null, body: null };
      const bytes = Buffer.from(content.bodyBase64, 'base64');
      return { headers: content.headers, bodyBase64: content.bodyBase64, body: utf8OrNull(bytes) };
    }
  } catch (error) {
    if (!(error instanceof StreamDeletedError)) throw error;
  }
  return null;
}

function utf8OrNull(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

const beyond = (cursor: TimeCursor, op: 'lt' | 'gt'): Prisma.WebhookDeadLetterWhereInput => ({
  OR: [{ receivedAt: { [op]: cursor.at } }, { receivedAt: cursor.at, id: { [op]: cursor.id } }],
});
