import type { RecordedEvent } from '../eventstore/envelope.js';
import type { Prisma } from '../generated/prisma/client.js';

/** The Prisma transaction a projection writes through; on PGlite it is the only usable client. */
export type ProjectionTx = Prisma.TransactionClient;

export interface ProjectionTable {
  /** SQL table name (the model's @@map). */
  name: string;
  /**
   * Columns whose values depend on when the projection ran rather than on the events (wall-clock
   * timestamps); `verify` leaves them out of its digests. A projection should need none.
   */
  volatileColumns?: readonly string[];
}

/**
 * A read model fed by the event log. The runner hands `apply` batches of decoded (validated,
 * upcast) events of the handled types, in position order, inside the transaction that also advances
 * the projection's checkpoint: either both commit or neither does.
 */
/**
 * What the runner does with an event the projection still cannot apply after its retries: `park`
 * it (record a projection dead letter and go on: one tenant's bad event must not hold up the
 * others), or `stop` this projection alone until an operator retries or skips it.
 */
export type PoisonRule = 'park' | 'stop';

export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Default `park`. */
  readonly onPoison?: PoisonRule;
  /** Tables this projection alone writes: rebuild empties them, verify compares them. */
  readonly tables: readonly ProjectionTable[];
  apply(events: readonly RecordedEvent[], tx: ProjectionTx): Promise<void>;
  /**
   * Runs after the batch (and its checkpoint) committed: the place to tell live subscribers.
   * Best effort: a failure is logged and the projection goes on, because the read model is the
   * truth and a subscriber that missed a message can read it again.
   */
  afterCommit?(events: readonly RecordedEvent[]): Promise<void>;
}
