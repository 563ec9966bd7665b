import pg from 'pg';

const MAX_BACKOFF_MS = 5000;

/**
 * LISTEN on a connection of its own (pooled connections are handed to other queries). When that
 * connection drops, it reconnects with backoff and calls `onNotify` once on reconnecting, because
 * notifications sent while it was away are lost and a tailer must look at the log again.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private closed = false;
  private backoffMs = 100;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Connection string and options (timeouts, keepalive) of the store's pool. */
    private readonly connection: pg.ClientConfig,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
  ) {}

  async connect(): Promise<void> {
    const client = new pg.Client({ ...this.connection, application_name: 'switchboard-listener' });
    client.on('error', () => this.reconnectSoon(client));
    client.on('end', () => this.reconnectSoon(client));
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotify(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      // A connection that opened but could not LISTEN (timed out) must not linger.
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    this.backoffMs = 100;
  }

  /** The current connection failed or ended: drop it and reconnect. A stale client's events are ignored. */
  private reconnectSoon(client: pg.Client): void {
    if (this.closed || client !== this.client) return;
    this.client = null;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      if (this.closed) return;
      try {
        await this.connect();
        this.onNotify('');
      } catch {
        this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
        this.scheduleReconnect();
      }
    }, this.backoffMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
