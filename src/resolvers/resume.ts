import { ForbiddenError } from '../auth/errors.js';
import type { PubSub } from '../platform/pubsub.js';

/** Refuses a resume cursor of another tenant, decided on the cursor alone (no read reveals anything). */
export function assertOwnCursor<C extends { tenantId: string }>(
  cursor: C | undefined,
  tenantId: string,
  field: string,
): C | undefined {
  if (cursor && cursor.tenantId !== tenantId) {
    throw new ForbiddenError(`The cursor in ${field} belongs to another tenant`, { field });
  }
  return cursor;
}

export interface ResumableFeed<T> {
  /** The pubsub topic live items arrive on. */
  topic: string;
  /** An item's log position: the order both the backlog and live delivery follow. */
  positionOf(item: T): bigint;
  /** What the hub keeps after a position, in log order (a read model or the event store). */
  backlog(after: bigint): AsyncIterable<T>;
  /** Whether a live item is one this subscriber asked for (the backlog applies the same filter). */
  accepts(item: T): boolean;
}

/**
 * Replays what came after `after`, then continues live, with no gap and no duplicate across the
 * switch. The topic is subscribed (and acknowledged) before the backlog is read, so an item that
 * commits after the read is published after the subscription started; one that the read already
 * returned comes live too and is skipped by position. When the subscription had to drop messages
 * (it fell behind its buffer during a long replay), the backlog is read again from the last item
 * delivered, so nothing dropped is lost either.
 */
export async function* replayThenLive<T>(
  pubsub: PubSub,
  feed: ResumableFeed<T>,
  after: bigint,
): AsyncGenerator<T> {
  const live = pubsub.subscribe(feed.topic);
  try {
    await live.ready;
    let last = after;
    let dropped = live.dropped;
    const catchUp = async function* () {
      for await (const item of feed.backlog(last)) {
        last = feed.positionOf(item);
        yield item;
      }
    };
    yield* catchUp();
    for await (const message of live) {
      if (live.dropped !== dropped) {
        dropped = live.dropped;
        yield* catchUp();
      }
      const item = message as T;
      const position = feed.positionOf(item);
      if (position <= last || !feed.accepts(item)) continue;
      last = position;
      yield item;
    }
  } finally {
    await live.close();
  }
}
