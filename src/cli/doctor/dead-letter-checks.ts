import type { PrismaClient } from '../../generated/prisma/client.js';
import { age, type CheckResult, ok, warn } from './report.js';

/** Webhook deliveries and sync runs parked for an operator: how many, and how long the oldest has waited. */
export async function deadLetterChecks(prisma: PrismaClient, now: Date): Promise<CheckResult[]> {
  const [webhooks, syncs] = await Promise.all([
    prisma.webhookDeadLetter.aggregate({ _count: { _all: true }, _min: { receivedAt: true } }),
    prisma.syncDeadLetter.aggregate({
      where: { approvedAt: null },
      _count: { _all: true },
      _min: { createdAt: true },
    }),
  ]);
  const oldest = (at: Date | null) => (at ? `, oldest ${age(now.getTime() - at.getTime())} old` : '');
  return [
    webhooks._count._all === 0
      ? ok('deadLetters.webhooks', 'none')
      : warn(
          'deadLetters.webhooks',
          `${webhooks._count._all} webhook dead letter(s)${oldest(webhooks._min.receivedAt)}`,
          'read them with the webhookDeadLetters query (reason and detail say why each one was parked)',
        ),
    syncs._count._all === 0
      ? ok('deadLetters.syncs', 'none waiting')
      : warn(
          'deadLetters.syncs',
          `${syncs._count._all} sync dead letter(s) waiting for approval${oldest(syncs._min.createdAt)}`,
          'read them with the syncDeadLetters query, fix the cause, then approveSyncReplay',
        ),
  ];
}
