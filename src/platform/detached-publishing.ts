import type { Logger } from './logger.js';
import { type PubSub, PubSubClosedError } from './pubsub.js';

export interface DetachedPublishingOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /** A publish still unanswered after this long is given up (default 2000 ms). */
  timeoutMs?: number;
  /** Beyond this many unanswered publishes, new ones are dropped at once (default 10,000). */
  maxPending?: number;
}

/**
 * A PubSub whose publish never waits and never fails: it starts the publish and resolves at once.
 * For live updates published after a commit (projections): a pubsub that is down or partitioned
 * must not hold up the read models, and a message it loses is news a subscriber can re-read. A
 * publish that fails or does not finish within `timeoutMs` is dropped; the log says so once per
 * outage, and again with the count when publishing works again.
 */
export function detachedPublishing(pubsub: PubSub, options: DetachedPublishingOptions): PubSub {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxPending = options.maxPending ?? 10_000;
  const { logger } = options;
  let pending = 0;
  let failing = false;
  let dropped = 0;

  const fail = (topic: string, error: unknown) => {
    if (error instanceof PubSubClosedError) return;
    dropped++;
    if (failing) return;
    failing = true;
    logger.warn(
      { topic, err: error instanceof Error ? error.message : String(error) },
      'live publishing failed; messages are dropped until pubsub answers again',
    );
  };
  const succeed = () => {
    if (!failing) return;
    failing = false;
    logger.info({ dropped }, 'live publishing works again');
    dropped = 0;
  };

  return {
    publish(topic, payload) {
      if (pending >= maxPending) {
        fail(topic, new Error(`${pending} publishes are waiting for pubsub`));
        return Promise.resolve();
      }
      pending++;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      let publishing: Promise<void>;
      try {
        publishing = pubsub.publish(topic, payload);
      } catch (error) {
        publishing = Promise.reject(error);
      }
      Promise.race([publishing, deadline])
        .then(succeed, (error: unknown) => fail(topic, error))
        .finally(() => {
          pending--;
          clearTimeout(timer);
        });
      return Promise.resolve();
    },
    subscribe: (topic, subscribeOptions) => pubsub.subscribe(topic, subscribeOptions),
    // The underlying pubsub belongs to the platform, which closes it.
    close: async () => {},
  };
}
