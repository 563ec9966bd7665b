import type { PrismaClient } from '../../generated/prisma/client.js';
import { CursorExpiredError, type SignalResumeCursor } from '../resume-cursor.js';
import type { SignalView } from './signal-view.js';
import { type SignalFilter, signalWhere } from './signals.js';

const PAGE_SIZE = 500;

/**
 * Refuses a cursor whose signal the read model no longer has (deleted, pruned): what came after it
 * may be gone too, so a replay from there could not promise to be gap-free. Checked by the row's
 * primary key, within the caller's tenant.
 */
export async function assertSignalCursorKept(
  prisma: PrismaClient,
  cursor: SignalResumeCursor,
  field: string,
): Promise<void> {
  const row = await prisma.signal.findUnique({
    where: { tenantId_id: { tenantId: cursor.tenantId, id: cursor.id } },
    select: { position: true },
  });
  if (row?.position !== cursor.position) throw new CursorExpiredError(field);
}

/**
 * A tenant's signals after a log position, oldest first, in pages: the order live delivery follows
 * (the signals projection publishes each committed batch in log order). One range scan per page of
 * the (tenant_id, position) index; the filter is applied in the same query.
 */
export async function* signalsAfter(
  prisma: PrismaClient,
  tenantId: string,
  filter: SignalFilter | null | undefined,
  after: bigint,
): AsyncGenerator<SignalView> {
  const where = signalWhere(tenantId, filter);
  let from = after;
  for (;;) {
    const page = await prisma.signal.findMany({
      where: { ...where, position: { gt: from } },
      orderBy: { position: 'asc' },
      take: PAGE_SIZE,
    });
    yield* page;
    if (page.length < PAGE_SIZE) return;
    from = page[page.length - 1]!.position;
  }
}
