import type { SqlClient } from './client.js';

/** Below this many events the plans hardly matter; past it, statistics are refreshed as the log doubles. */
const FIRST_ANALYZE_AT = 1_000n;

/**
 * The append function's plans are generic (see append-function.ts) and were made when the tables
 * were empty; without fresh statistics, and the plan invalidation ANALYZE brings, they stay what
 * they were (measured on PGlite: 100 appends took 0.7 s instead of 30 ms once the log held 50,000
 * events). PGlite runs no autovacuum at all, and PostgreSQL's comes only after its naptime (a
 * minute) and its own threshold: on a new PostgreSQL log, appends swung between 81 and 5,382 a
 * second until it did (bench/audit.ts). So the store ANALYZEs the log's tables itself when the
 * log has doubled since the last time, from 1,000 events, on both.
 */
export class TableStatistics {
  #next = FIRST_ANALYZE_AT;
  #running: Promise<void> | null = null;

  constructor(private readonly db: SqlClient) {}

  /** Once at open: a log written by an earlier process gets statistics before its first append. */
  async refresh(head: bigint): Promise<void> {
    // Moved first: a failing ANALYZE (it only costs plan quality) is not retried on every commit.
    this.#next = head * 2n > FIRST_ANALYZE_AT ? head * 2n : FIRST_ANALYZE_AT;
    await this.db.query('ANALYZE sb_events, sb_streams');
  }

  /** After a commit: refreshes in the background when the log has grown enough. */
  committed(head: bigint): void {
    if (head < this.#next || this.#running) return;
    this.#running = this.refresh(head)
      // A failed ANALYZE only leaves slower plans until the log doubles again.
      .catch(() => {})
      .finally(() => {
        this.#running = null;
      });
  }

  /** Waits for a refresh under way (close). */
  async settled(): Promise<void> {
    await this.#running;
  }
}
