import pg from 'pg';
import type { ReadModelLogger } from '../../readmodels/logger.js';

/** Only the holder writes projections; every process serves reads. */
export interface LeaderLease {
  /** One attempt; true when this process holds the lease (again true while it keeps holding it). */
  tryAcquire(): Promise<boolean>;
  /** Called once when a held lease is lost (its connection died). */
  onLost(listener: () => void): void;
  release(): Promise<void>;
}

/** PGlite: the data-directory lock already makes this process the only one. */
export function soleLeaderLease(): LeaderLease {
  return { tryAcquire: async () => true, onLost: () => {}, release: async () => {} };
}

/** Arbitrary, fixed: the projection lease's advisory lock id (per database). */
export const PROJECTION_LEASE_KEY = 5_237_180_412_017n;
/** How often the holder checks its connection still answers, so a dead link is noticed. */
const HEARTBEAT_MS = 5_000;

/**
 * A session advisory lock (pg_try_advisory_lock) held on a dedicated connection. The server
 * releases it when that connection ends, so a process that dies or hangs up gives it up without
 * anyone's help; a follower's next attempt then takes it.
 */
export function postgresLeaderLease(
  url: string,
  logger: ReadModelLogger,
  key = PROJECTION_LEASE_KEY,
): LeaderLease {
  let client: pg.Client | null = null;
  let held = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const listeners: Array<() => void> = [];

  function lost(reason: unknown) {
    if (!held) return;
    held = false;
    clearInterval(heartbeat);
    logger.warn(
      { err: reason instanceof Error ? reason.message : String(reason) },
      'projection leader lease lost',
    );
    const dead = client;
    client = null;
    dead?.end().catch(() => {});
    for (const listener of listeners) listener();
  }

  return {
    async tryAcquire() {
      if (held) return true;
      const candidate = new pg.Client({
        connectionString: url,
        application_name: 'switchboard-projection-lease',
      });
      // Without a listener, a connection error would crash the process.
      candidate.on('error', (error) => lost(error));
      try {
        await candidate.connect();
        const { rows } = await candidate.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1) AS locked',
          [String(key)],
        );
        if (!rows[0]?.locked) {
          await candidate.end();
          return false;
        }
      } catch (error) {
        await candidate.end().catch(() => {});
        throw error;
      }
      client = candidate;
      held = true;
      candidate.on('end', () => lost(new Error('lease connection ended')));
      heartbeat = setInterval(() => {
        candidate.query('SELECT 1').catch((error: unknown) => lost(error));
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return true;
    },
    onLost(listener) {
      listeners.push(listener);
    },
    async release() {
      const current = client;
      held = false;
      client = null;
      clearInterval(heartbeat);
      // Ending the session releases the lock; no unlock round trip needed.
      await current?.end().catch(() => {});
    },
  };
}
