import type { SqlExecutor } from './client.js';
import { NOTIFY_CHANNEL } from './schema.js';

/**
 * Tells other processes of this store's commits (NOTIFY), after them rather than within them.
 *
 * Why not in the append's transaction: a notifying transaction holds one lock for the whole server
 * (every database) from its pre-commit to the end of its commit, and a synchronous commit ends
 * only after its WAL flush. Notifying inside the append meant that every notifying commit on the
 * server, this store's or another's, queued behind the one flushing, while it also held the append
 * lock; and the NOTIFY's work lay on every append's path. A statement of only pg_notify writes no
 * WAL, so its commit never waits for a flush.
 *
 * One NOTIFY at a time, of the newest head, and then a pause of a few milliseconds: commits made
 * meanwhile are told by the next one (a listener only needs to know that the log moved; it reads
 * from where it is). This process's own subscriptions are woken at once, not by NOTIFY. Sent once
 * the appends are durable and visible, as before; if this process dies before sending, the others
 * find the events on their safety poll (subscription.ts), as after a missed NOTIFY.
 */
/** At most one NOTIFY per this many milliseconds; the first after a quiet spell goes at once. */
const NOTIFY_INTERVAL_MS = 5;

export class CommitNotifier {
  #head: bigint | null = null;
  #sending: Promise<void> | null = null;

  constructor(
    private readonly db: SqlExecutor,
    private readonly intervalMs = NOTIFY_INTERVAL_MS,
  ) {}

  committed(head: bigint): void {
    if (this.#head === null || head > this.#head) this.#head = head;
    this.#sending ??= this.#send().finally(() => {
      this.#sending = null;
    });
  }

  async #send(): Promise<void> {
    while (this.#head !== null) {
      const head = this.#head;
      this.#head = null;
      // A failed NOTIFY only delays other processes until their safety poll.
      await this.db
        .query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, String(head)], { prepare: 'sb_notify' })
        .catch(() => {});
      // Commits of the next few milliseconds go in one NOTIFY: a lone writer's appends each paid
      // a second round trip for their own (and every listener a wake-up each).
      if (this.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  /** Waits for the NOTIFY under way (close). */
  async settled(): Promise<void> {
    await this.#sending;
  }
}
