import type { Redis } from 'ioredis';
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
import {
  callRedis,
  closeRedisClient,
  duplicateRedisClient,
  pingRedis,
  type RedisClientOptions,
} from './redis.js';

export interface RedisPubSubOptions {
  /**
   * Prepended to every channel. Redis channels are global to the server (not per database), so
   * this is what keeps test runs and deployments sharing a Redis apart.
   */
  prefix: string;
  /** Default per-subscription buffer (default 1000). */
  bufferSize?: number;
  /** Name and error hook for the subscriber connection. */
  subscriber: RedisClientOptions;
}

type TopicState = {
  subscriptions: Set<BufferedSubscription>;
  subscribed: Promise<void>;
};

/**
 * Publishes on the shared command connection and receives on ONE subscriber connection per
 * instance, multiplexing every topic: each topic is SUBSCRIBEd once however many local
 * subscribers it has, and UNSUBSCRIBEd when the last of them closes. Each message is decoded once
 * and handed to every local subscriber's buffer without waiting.
 */
export class RedisPubSub implements PubSub {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channelPrefix: string;
  readonly #bufferSize: number;
  // Keyed by channel (prefixed topic).
  readonly #topics = new Map<string, TopicState>();
  #closed = false;

  /** `publisher` is shared and stays open on close; the subscriber connection is this instance's. */
  constructor(publisher: Redis, options: RedisPubSubOptions) {
    this.#publisher = publisher;
    this.#channelPrefix = options.prefix;
    this.#bufferSize = options.bufferSize ?? DEFAULT_SUBSCRIPTION_BUFFER_SIZE;
    this.#subscriber = duplicateRedisClient(publisher, options.subscriber);
    this.#subscriber.on('message', (channel: string, text: string) => this.#dispatch(channel, text));
    this.#subscriber.on('ready', () => this.#resubscribe());
  }

  /**
   * After a reconnect, SUBSCRIBE again to every topic someone listens to (what ioredis's
   * autoResubscribe would do, with its failure handled: the next reconnect tries again).
   */
  #resubscribe(): void {
    const channels = [...this.#topics.keys()];
    if (this.#closed || channels.length === 0) return;
    callRedis(this.#subscriber, 'SUBSCRIBE', () => this.#subscriber.subscribe(...channels)).catch(() => {});
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (this.#closed) throw new PubSubClosedError();
    const text = encodeJson(payload);
    // The header is taken inside callRedis, so a subscriber's push is a child of the PUBLISH span.
    await callRedis(this.#publisher, 'PUBLISH', () =>
      this.#publisher.publish(this.#channelPrefix + topic, withTraceHeader(text)),
    );
  }

  subscribe(topic: string, options: SubscribeOptions = {}): TopicSubscription {
    if (this.#closed) throw new PubSubClosedError();
    const channel = this.#channelPrefix + topic;
    const state = this.#topics.get(channel) ?? this.#subscribeChannel(channel);
    const subscription = new BufferedSubscription({
      topic,
      bufferSize: options.bufferSize ?? this.#bufferSize,
      ready: state.subscribed,
      onClose: (closed) => this.#unsubscribe(channel, closed),
    });
    state.subscriptions.add(subscription);
    return subscription;
  }

  /** Readiness of the subscriber connection (the command connection is checked by the platform). */
  ping(): Promise<void> {
    return pingRedis(this.#subscriber);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const state of this.#topics.values()) {
      for (const subscription of state.subscriptions) subscription.end();
    }
    this.#topics.clear();
    await closeRedisClient(this.#subscriber);
  }

  #subscribeChannel(channel: string): TopicState {
    const state: TopicState = {
      subscriptions: new Set(),
      subscribed: callRedis(this.#subscriber, 'SUBSCRIBE', () => this.#subscriber.subscribe(channel)).then(
        () => undefined,
      ),
    };
    this.#topics.set(channel, state);
    state.subscribed.catch((error: unknown) => {
      // Subscribers of a topic that could not be subscribed see the DependencyError from next().
      if (this.#topics.get(channel) === state) this.#topics.delete(channel);
      for (const subscription of state.subscriptions) subscription.end(error);
    });
    return state;
  }

  async #unsubscribe(channel: string, subscription: BufferedSubscription): Promise<void> {
    const state = this.#topics.get(channel);
    if (!state?.subscriptions.delete(subscription) || state.subscriptions.size > 0) return;
    this.#topics.delete(channel);
    if (this.#closed) return;
    // Commands on one connection run in order, so a later SUBSCRIBE to this channel (a new state)
    // is processed after this UNSUBSCRIBE and wins.
    try {
      await callRedis(this.#subscriber, 'UNSUBSCRIBE', () => this.#subscriber.unsubscribe(channel));
    } catch {
      // Closing must not fail for the consumer; a stale channel subscription only costs messages
      // that #dispatch ignores, and ends with the connection.
    }
  }

  #dispatch(channel: string, text: string): void {
    const state = this.#topics.get(channel);
    if (!state) return;
    let message: unknown;
    const { json, spanContext } = splitTraceHeader(text);
    try {
      message = decodeJson(json);
      rememberMessageContext(message, spanContext);
    } catch {
      // Not written by our publish (someone else on our prefix): there is nobody to report it to.
      return;
    }
    for (const subscription of state.subscriptions) subscription.deliver(message);
  }
}
