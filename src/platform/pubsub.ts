/**
 * Topic fan-out for live updates: projections publish after they commit, GraphQL subscriptions
 * listen. It is deliberately independent of graphql-yoga's PubSub so the transport can change
 * without touching resolvers; an adapter to Yoga's event target can sit on top.
 *
 * Delivery is best effort and at most once: a subscriber receives what is published after it is
 * `ready`, in order per publisher, while it keeps up. Nothing is stored; a consumer that must not
 * miss anything reads the event store or a read model and uses pubsub only as a wake-up.
 *
 * Payloads are JSON (see json-codec.ts: bigints survive). A subscriber receives a deep-frozen copy,
 * never the publisher's object, with either adapter.
 */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(topic: string, options?: SubscribeOptions): TopicSubscription;
  /** Ends every subscription's iteration and releases connections. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Overrides the adapter's buffer size for this subscription. */
  bufferSize?: number;
}

/**
 * One consumer's view of a topic. A slow consumer must never hold up the publisher or other
 * subscribers, so each subscription buffers at most `bufferSize` messages; when a new message
 * arrives at a full buffer the OLDEST is dropped and `dropped` counts it. Dropping the oldest
 * (rather than the newest, or disconnecting) keeps a lagging live view converging on the current
 * state; a consumer that sees `dropped` grow knows it has gaps and can re-read its read model.
 *
 * Single consumer: iterating it twice shares one stream of messages.
 */
export interface TopicSubscription extends AsyncIterable<unknown> {
  readonly topic: string;
  /** Resolves once messages published from now on will be delivered (Redis: SUBSCRIBE acknowledged). */
  readonly ready: Promise<void>;
  /** Messages discarded because this subscriber fell more than its buffer size behind. */
  readonly dropped: number;
  /** Ends the iteration (buffered messages are discarded); pending `next()` calls finish as done. */
  close(): Promise<void>;
}

export const DEFAULT_SUBSCRIPTION_BUFFER_SIZE = 1000;

export class PubSubClosedError extends Error {
  constructor() {
    super('pubsub is closed');
    this.name = 'PubSubClosedError';
  }
}
