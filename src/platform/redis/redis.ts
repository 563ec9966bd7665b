import { SpanKind } from '@opentelemetry/api';
import { Redis, type RedisOptions } from 'ioredis';
import { inChildSpan } from '../../observability/tracing/spans.js';
import { isTracing, isTracingRedisCommands } from '../../observability/tracing/state.js';
import { DependencyError } from '../../shared/errors.js';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';

export interface RedisClientOptions {
  /** Shown by CLIENT LIST (`CLIENT SETNAME`), so operators can tell our connections apart. */
  name: string;
  /**
   * Connection-level errors (refused, reset, DNS) as they happen; the runtime logs them. ioredis
   * keeps reconnecting on its own; commands issued meanwhile fail as DependencyError.
   */
  onError?: (error: Error) => void;
  /** How long one command may take, queued or sent (default: timeouts.ts DEFAULT_TIMEOUTS). */
  commandTimeoutMs?: number;
  /**
   * Commands issued during one turn of the event loop go out together in one write (ioredis's auto
   * pipelining, flushed on setImmediate): under load, one socket write for many requests' commands.
   */
  autoPipelining?: boolean;
}

const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: false,
  // Commands issued while (re)connecting wait in the offline queue instead of failing at once, so
  // a Redis restart is a short delay rather than a burst of errors...
  enableOfflineQueue: true,
  // ...but not for long: after this many failed reconnection attempts (~0.6 s with the backoff
  // below) queued commands fail, and commandTimeout bounds any command, queued or sent.
  maxRetriesPerRequest: 2,
  connectTimeout: 5_000,
  // TCP keepalive probes notice a server that vanished without closing the connection.
  keepAlive: 10_000,
  // Reconnect forever with capped backoff: the process must recover when Redis comes back.
  // autoResubscribe (on by default) restores SUBSCRIBEs after a reconnect.
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

// The connection error behind a failed command: ioredis reports it as an event, while the command
// itself only fails with "max retries per request", which says nothing about the cause.
const lastConnectionErrors = new WeakMap<Redis, Error>();

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_TIMEOUTS.redisCommandMs;
  return watch(
    new Redis(url, {
      ...CLIENT_OPTIONS,
      commandTimeout,
      connectionName: options.name,
      enableAutoPipelining: options.autoPipelining ?? false,
    }),
    options,
  );
}

/**
 * A subscriber's connection to the same server. SUBSCRIBE waits for Redis however long it takes
 * (no command timeout): a subscription must resume when Redis comes back, not end because Redis
 * was slow or partitioned. Its readiness is checked with a deadline of its own (pingRedis).
 */
export function duplicateRedisClient(client: Redis, options: RedisClientOptions): Redis {
  return watch(
    client.duplicate({
      connectionName: options.name,
      commandTimeout: undefined,
      // ioredis re-subscribes after a reconnect without handling the command's failure: closed in
      // that moment, the client rejects it as an unhandled "Connection is closed". The subscriber's
      // owner re-subscribes itself (pubsub-redis.ts).
      autoResubscribe: false,
      // A subscriber connection sends only (UN)SUBSCRIBE, one at a time.
      enableAutoPipelining: false,
    }),
    options,
  );
}

function watch(client: Redis, options: RedisClientOptions): Redis {
  // Without an 'error' listener ioredis prints every reconnection failure to stderr.
  client.on('error', (error: Error) => {
    lastConnectionErrors.set(client, error);
    options.onError?.(error);
  });
  client.on('ready', () => lastConnectionErrors.delete(client));
  return client;
}

/** Translates any failure of a Redis call into a DependencyError at the adapter boundary. */
export function callRedis<T>(client: Redis, operation: string, command: () => Promise<T>): Promise<T> {
  // ioredis's own instrumentation does not patch under ESM (sdk.ts): the span is ours.
  // PUBLISH is always a span when tracing (it carries a trace to the other instances); every other
  // command only when the `redis` instrumentation is asked for (instrumentations.ts).
  if (!isTracing() || (operation !== 'PUBLISH' && !isTracingRedisCommands()))
    return attempt(client, operation, command);
  return inChildSpan(
    `redis ${operation}`,
    { 'db.system.name': 'redis', 'db.operation.name': operation },
    () => attempt(client, operation, command),
    SpanKind.CLIENT,
  );
}

async function attempt<T>(client: Redis, operation: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const connectionError = lastConnectionErrors.get(client);
    const because = connectionError ? ` (connection: ${connectionError.message})` : '';
    throw new DependencyError(`Redis ${operation} failed: ${reason}${because}`, {
      cause: error,
      detail: {
        operation,
        connection: client.options.connectionName,
        status: client.status,
      },
    });
  }
}

/** Readiness: Redis answers PING within `timeoutMs`, or a DependencyError says why not. */
export async function pingRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await callRedis(client, 'PING', () => Promise.race([client.ping(), deadline]));
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT when connected (lets replies in flight arrive); otherwise stop reconnecting at once. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // The connection dropped during QUIT: fall through and make sure it stays down.
    }
  }
  client.disconnect();
}
