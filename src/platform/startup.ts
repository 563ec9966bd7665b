import type { Logger } from './logger.js';

/** A dependency could not be reached or opened at startup: exits with a report naming the variable. */
export class StartupError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface RetryOptions {
  /** What is being connected to, for the log: "event store (PostgreSQL)". */
  what: string;
  /** The configuration variable an operator would fix. */
  variable: string;
  deadline: number;
  logger: Logger;
  /** Errors that retrying cannot fix (a locked data dir, a failed migration) are rethrown at once. */
  retryable?: (error: unknown) => boolean;
}

/**
 * Databases often come up after the hub (a compose file, a rolling restart): retry with capped
 * exponential backoff and jitter until the startup deadline, then give up with a clear report.
 */
export async function connectWithRetry<T>(options: RetryOptions, connect: () => Promise<T>): Promise<T> {
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (options.retryable && !options.retryable(error)) throw error;
      const remaining = options.deadline - Date.now();
      const reason = (error as Error).message;
      if (remaining <= 0) {
        throw new StartupError(
          options.variable,
          `${options.what} is unreachable after ${attempt} attempts: ${reason}`,
          {
            cause: error,
          },
        );
      }
      const wait = Math.min(remaining, delay * (0.5 + Math.random()));
      options.logger.warn(
        { what: options.what, attempt, retryInMs: Math.round(wait), reason },
        'dependency not reachable yet, retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
