/**
 * A client that follows a tenant's signals across disconnects, hub restarts and failovers without
 * missing or repeating one: the example of the README's "Resuming a subscription", run by
 * test/e2e/resume-client.test.ts.
 *
 *   TOKEN=... TENANT=acme [URL=ws://127.0.0.1:4000/graphql] [AFTER=<cursor>] npx tsx scripts/follow-signals.ts
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface FollowedSignal {
  id: string;
  kind: string;
  summary: string;
  cursor: string;
}

export interface FollowSignalsOptions {
  /** A function is asked again on every reconnect (for instance, to pick a live instance). */
  url: string | (() => string);
  token: string;
  tenantId: string;
  /** Where a previous run stopped (its last signal's cursor); none for "from now on". */
  after?: string;
  onSignal(signal: FollowedSignal): void;
  /** The subscription ended for good: CURSOR_EXPIRED, FORBIDDEN, a refused token ... */
  onError?(error: unknown): void;
}

const QUERY = `subscription Follow($after: String) {
  signals(after: $after) { id kind summary cursor }
}`;

export function followSignals(options: FollowSignalsOptions) {
  // graphql-ws sends this payload again, serialized anew, each time it reconnects and resubscribes:
  // keeping the last cursor in its variables is what turns a reconnect into a gap-free resume.
  const variables: { after?: string } = options.after ? { after: options.after } : {};
  const client = createClient({
    url: options.url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.token}`, tenantId: options.tenantId },
    retryAttempts: Number.POSITIVE_INFINITY,
    // Any close but a refused credential (4401/4403, which retrying cannot fix) is worth a retry:
    // a restarting hub, a load balancer moving the client to another instance, a network drop.
    shouldRetry: (event) => {
      const code = (event as { code?: number } | null)?.code;
      return code !== 4401 && code !== 4403;
    },
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5_000))),
  });
  const dispose = client.subscribe<{ signals: FollowedSignal }>(
    { query: QUERY, variables },
    {
      next: (result) => {
        const signal = result.data?.signals;
        if (!signal) return options.onError?.(result.errors);
        variables.after = signal.cursor;
        options.onSignal(signal);
      },
      error: (error) => options.onError?.(error),
      complete: () => {},
    },
  );
  return {
    /** The cursor to start from next time (store it with whatever the signals changed). */
    get lastCursor(): string | undefined {
      return variables.after;
    },
    async close(): Promise<void> {
      dispose();
      await client.dispose();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { TOKEN, TENANT, URL = 'ws://127.0.0.1:4000/graphql', AFTER } = process.env;
  if (!TOKEN || !TENANT) throw new Error('set TOKEN and TENANT');
  followSignals({
    url: URL,
    token: TOKEN,
    tenantId: TENANT,
    after: AFTER,
    onSignal: (signal) => console.log(JSON.stringify(signal)),
    onError: (error) => {
      console.error(JSON.stringify(error));
      process.exit(1);
    },
  });
}
