import {
  rememberMessageContext,
  splitTraceHeader,
  withTraceHeader,
} from '../../observability/tracing/message-trace.js';
import { BufferedSubscription } from '../buffered-subscription.js';
import { decodeJson, encodeJson } from '../json-codec.js';
import {
  DEFAULT_SUBSCRIPTION_BUFFER_SIZE,
  type PubSub,
  PubSubClosedError,
  type SubscribeOptions,
  type TopicSubscription,
} from '../pubsub.js';

export interface MemoryPubSubOptions {
  /** Default per-subscription buffer (default 1000). */
  bufferSize?: number;
}

/** Single-process pubsub for the embedded profile and tests. */
export class MemoryPubSub implements PubSub {
  readonly #bufferSize: number;
  readonly #topics = new Map<string, Set<BufferedSubscription>>();
  #closed = false;

  constructor(options: MemoryPubSubOptions = {}) {
    this.#bufferSize = options.bufferSize ?? DEFAULT_SUBSCRIPTION_BUFFER_SIZE;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.#closed) throw new PubSubClosedError();
    // Through JSON even in memory, so a payload that would not survive Redis fails here too and
    // subscribers get the same frozen copy they would get from Redis.
    // The trace header too, so a subscriber's push continues the publisher's trace as with Redis.
    const { json, spanContext } = splitTraceHeader(withTraceHeader(encodeJson(payload)));
    const message = decodeJson(json);
    rememberMessageContext(message, spanContext);
    for (const subscription of this.#topics.get(topic) ?? []) subscription.deliver(message);
  }

  subscribe(topic: string, options: SubscribeOptions = {}): TopicSubscription {
    if (this.#closed) throw new PubSubClosedError();
    let subscriptions = this.#topics.get(topic);
    if (!subscriptions) {
      subscriptions = new Set();
      this.#topics.set(topic, subscriptions);
    }
    const subscription = new BufferedSubscription({
      topic,
      bufferSize: options.bufferSize ?? this.#bufferSize,
      ready: Promise.resolve(),
      onClose: async (closed) => this.#forget(topic, closed),
    });
    subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const subscriptions of this.#topics.values()) {
      for (const subscription of subscriptions) subscription.end();
    }
    this.#topics.clear();
  }

  #forget(topic: string, subscription: BufferedSubscription): void {
    const subscriptions = this.#topics.get(topic);
    if (!subscriptions?.delete(subscription)) return;
    if (subscriptions.size === 0) this.#topics.delete(topic);
  }
}
