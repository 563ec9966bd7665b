import type { TopicSubscription } from './pubsub.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

type Waiter = {
  resolve: (result: IteratorResult<unknown>) => void;
  reject: (error: unknown) => void;
};

export interface BufferedSubscriptionOptions {
  topic: string;
  bufferSize: number;
  ready: Promise<void>;
  /** Called once when the consumer closes, so the adapter can forget it (and unsubscribe). */
  onClose: (subscription: BufferedSubscription) => Promise<void>;
}

/**
 * The bounded, drop-oldest buffer behind every TopicSubscription (see pubsub.ts for why). The
 * adapter pushes with `deliver`, which never waits: that is what keeps a slow consumer from
 * holding up the publisher or its neighbours.
 */
export class BufferedSubscription implements TopicSubscription, AsyncIterableIterator<unknown> {
  readonly topic: string;
  readonly ready: Promise<void>;
  readonly #bufferSize: number;
  readonly #onClose: BufferedSubscriptionOptions['onClose'];
  #buffer: unknown[] = [];
  // Only non-empty while the buffer is empty: a message goes straight to a waiting consumer.
  #waiters: Waiter[] = [];
  #dropped = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: BufferedSubscriptionOptions) {
    if (!Number.isSafeInteger(options.bufferSize) || options.bufferSize < 1) {
      throw new RangeError(`bufferSize must be a positive whole number, got ${options.bufferSize}`);
    }
    this.topic = options.topic;
    this.#bufferSize = options.bufferSize;
    this.#onClose = options.onClose;
    this.ready = options.ready;
    // A failed subscribe also ends the iteration with the error; nobody has to await `ready`.
    this.ready.catch(() => {});
  }

  get dropped(): number {
    return this.#dropped;
  }

  deliver(message: unknown): void {
    if (this.#ended) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ done: false, value: message });
      return;
    }
    this.#buffer.push(message);
    if (this.#buffer.length > this.#bufferSize) {
      this.#buffer.shift();
      this.#dropped++;
    }
  }

  /**
   * Ends the iteration from the adapter's side (pubsub closed, subscribe failed): what is buffered
   * is still delivered, then `error` is thrown once if given.
   */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined) this.#failure = { error };
    for (const waiter of this.#waiters.splice(0)) {
      const failure = this.#takeFailure();
      if (failure) waiter.reject(failure.error);
      else waiter.resolve(DONE);
    }
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#buffer.length > 0) return Promise.resolve({ done: false, value: this.#buffer.shift() });
    if (this.#ended) {
      const failure = this.#takeFailure();
      return failure ? Promise.reject(failure.error) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  // `break` in a for-await loop lands here.
  async return(): Promise<IteratorResult<unknown>> {
    await this.close();
    return DONE;
  }

  close(): Promise<void> {
    this.#buffer = [];
    this.end();
    this.#closing ??= this.#onClose(this);
    return this.#closing;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #takeFailure(): { error: unknown } | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    return failure;
  }
}
