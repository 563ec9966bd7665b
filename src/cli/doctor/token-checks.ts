import type { PrismaClient } from '../../generated/prisma/client.js';
import { age, atMost, type CheckResult, ok, warn } from './report.js';

/** Tokens expiring within this with nothing due to refresh them are reported. */
export const EXPIRING_SOON_MS = 24 * 3600_000;

/**
 * Credentials the refresher cannot keep alive, from the read model (no token is decrypted): those
 * that need the user to reconnect, those whose refreshes keep failing, and those that expire soon
 * with no refresh due (no refresh token, or a refresh that failed for good).
 */
export async function tokenChecks(prisma: PrismaClient, now: Date): Promise<CheckResult[]> {
  const soon = new Date(now.getTime() + EXPIRING_SOON_MS);
  const [reauth, failing, expiring] = await Promise.all([
    prisma.credential.findMany({
      where: { status: 'REAUTH_REQUIRED' },
      select: { tenantId: true, connectionId: true, provider: true },
      orderBy: { connectionId: 'asc' },
    }),
    prisma.credential.findMany({
      where: { status: 'ACTIVE', refreshFailures: { gt: 0 } },
      select: {
        tenantId: true,
        connectionId: true,
        provider: true,
        refreshFailures: true,
        refreshDueAt: true,
      },
      orderBy: { connectionId: 'asc' },
    }),
    prisma.credential.findMany({
      where: {
        status: 'ACTIVE',
        expiresAt: { lte: soon },
        OR: [{ refreshDueAt: null }, { refreshDueAt: { gt: soon } }],
      },
      select: { tenantId: true, connectionId: true, provider: true, expiresAt: true },
      orderBy: { expiresAt: 'asc' },
    }),
  ]);
  const name = (row: { tenantId: string; connectionId: string; provider: string }) =>
    `${row.provider} connection ${row.connectionId} of tenant ${row.tenantId}`;
  const results: CheckResult[] = [];
  results.push(
    reauth.length === 0
      ? ok('tokens.reauthRequired', 'no connection waits for its user to reconnect')
      : warn(
          'tokens.reauthRequired',
          `${reauth.length} connection(s) need their user to reconnect (refresh impossible or refused)`,
          'start the connection again (startConnection) for each; the runbook of the provider says why tokens die',
          atMost(reauth.map(name)),
        ),
  );
  results.push(
    failing.length === 0
      ? ok('tokens.refreshFailures', 'no refresh is failing')
      : warn(
          'tokens.refreshFailures',
          `${failing.length} connection(s) whose last refresh failed (retried with backoff)`,
          'look for "refresh" in the hub logs with the connection id; a provider outage heals by itself',
          atMost(
            failing.map(
              (row) =>
                `${name(row)}: ${row.refreshFailures} failure(s)${row.refreshDueAt ? `, next try ${row.refreshDueAt.toISOString()}` : ', no retry scheduled'}`,
            ),
          ),
        ),
  );
  const expired = expiring.filter((row) => row.expiresAt && row.expiresAt <= now);
  results.push(
    expiring.length === 0
      ? ok('tokens.expiringSoon', `no token expires within ${age(EXPIRING_SOON_MS)} without a refresh due`)
      : warn(
          'tokens.expiringSoon',
          `${expiring.length} token(s) expire within ${age(EXPIRING_SOON_MS)} with no refresh due (${expired.length} already expired)`,
          'these connections have no refresh token or their refresh failed for good: their users must reconnect (startConnection)',
          atMost(expiring.map((row) => `${name(row)}: expires ${row.expiresAt?.toISOString()}`)),
        ),
  );
  return results;
}
