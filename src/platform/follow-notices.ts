/** A cache that change notices keep honest. */
export interface ForgetsOnNotice {
  /** Drops the entries of these ids. */
  forget(ids: readonly string[]): void;
  forgetAll(): void;
}

/** Change notices as a subscription delivers them, and how many were lost to a full buffer. */
export interface ChangeNotices extends AsyncIterable<unknown> {
  readonly dropped: number;
  /** Resolves once notices are delivered (a pubsub subscription's `ready`); rejects if it never will. */
  readonly ready?: Promise<void>;
}

/** Reads the ids a notice names; null when it names none (forget everything). */
export type NoticeIds = (notice: unknown) => readonly string[] | null;

export interface FollowNoticeOptions {
  /** Told of each failed subscription before the next attempt. */
  onError?: (error: unknown) => void;
  /** Pause before subscribing again, doubled per failure up to `maxRetryMs` (default 1 s, 30 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** The string ids a notice lists under `field`; null when it lists none. */
export function idsIn(field: string): NoticeIds {
  return (notice) => {
    const ids = (notice as Record<string, unknown> | null)?.[field];
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : null;
  };
}

/**
 * Drops the entries each notice of one subscription names, until it ends; everything when the
 * subscription dropped messages (a full buffer) or a notice names no ids.
 */
export async function applyChangeNotices(
  notices: ChangeNotices,
  cache: ForgetsOnNotice,
  idsOf: NoticeIds,
): Promise<void> {
  let dropped = notices.dropped;
  for await (const notice of notices) {
    if (notices.dropped !== dropped) {
      dropped = notices.dropped;
      cache.forgetAll();
    }
    const ids = idsOf(notice);
    if (ids === null) cache.forgetAll();
    else cache.forget(ids);
  }
}

/**
 * Follows change notices as long as the pubsub is open, subscribing again (after a pause) each time
 * the subscription fails, as it does when Redis is down: meanwhile cached entries live out their
 * TTL, and each new subscription starts by forgetting everything, since notices published while
 * there was none are lost. Returns when `subscribe` throws (the pubsub closed) or a subscription
 * ends without an error (closed with it).
 */
export async function followChangeNotices(
  subscribe: () => ChangeNotices,
  cache: ForgetsOnNotice,
  idsOf: NoticeIds,
  options: FollowNoticeOptions = {},
): Promise<void> {
  const firstRetryMs = options.retryMs ?? 1_000;
  let retryMs = firstRetryMs;
  for (;;) {
    let notices: ChangeNotices;
    try {
      notices = subscribe();
    } catch {
      return;
    }
    try {
      await notices.ready;
      cache.forgetAll();
      retryMs = firstRetryMs;
      await applyChangeNotices(notices, cache, idsOf);
      return;
    } catch (error) {
      options.onError?.(error);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    retryMs = Math.min(retryMs * 2, options.maxRetryMs ?? 30_000);
  }
}
