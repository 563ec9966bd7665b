import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SocketsPerOwner, socketOwner, tooManySubscriptions } from '../../src/http/ws-limits.js';
import { type SignalView, signalsTopic } from '../../src/readmodels/queries/signal-view.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { connectWs } from '../support/ws-client.js';

const operatorParams = (tenantId: string) => ({ authorization: asOperator().authorization, tenantId });

const signal = (tenantId: string, summary = 'something happened'): SignalView => ({
  tenantId,
  id: randomUUID(),
  connectionId: 'conn_ws',
  provider: 'github',
  kind: 'issue_created',
  occurredAt: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
  actorId: null,
  actorName: null,
  actorBot: null,
  subjectType: null,
  subjectId: null,
  subjectTitle: null,
  subjectUrl: null,
  summary,
  deliveryId: null,
  eventType: 'issues',
  revision: 0n,
  position: 1n,
});

/** Subscribes to the tenant's signals; resolves each time one arrives, rejects on an error message. */
function subscribeSignals(client: Client) {
  const received: unknown[] = [];
  let failed: (errors: unknown) => void = () => {};
  const errors = new Promise<unknown>((resolve) => {
    failed = resolve;
  });
  const dispose = client.subscribe(
    { query: 'subscription { signals { id summary } }' },
    { next: (value) => received.push(value), error: (error) => failed(error), complete: () => {} },
  );
  return { received, errors, dispose };
}

/** Publishes a signal to the tenant every 100 ms until `done` (subscriptions have no "subscribed" ack). */
async function publishUntil(hub: TestHub, tenantId: string, done: () => boolean) {
  for (let attempt = 0; !done(); attempt++) {
    if (attempt > 300) throw new Error('no delivery within 30 s');
    await hub.runtime.platform.pubsub.publish(signalsTopic(tenantId), signal(tenantId));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('websocket limits, alone', () => {
  it('refuses the operation past the maximum, and only that one', () => {
    expect(tooManySubscriptions(100, 100)).toBeNull();
    expect(tooManySubscriptions(101, 100)?.[0]?.extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
  });

  it('counts sockets per owner until each closes', () => {
    const sockets = new SocketsPerOwner(2);
    const fake = () => {
      const listeners: Array<() => void> = [];
      return {
        socket: {
          OPEN: 1,
          readyState: 1,
          once: (_: string, listener: () => void) => listeners.push(listener),
        },
        close: () => {
          for (const listener of listeners) listener();
        },
      };
    };
    const [a, b, c] = [fake(), fake(), fake()];
    expect(sockets.admit('tenant:x', a.socket as never)).toBe(true);
    expect(sockets.admit('tenant:x', b.socket as never)).toBe(true);
    expect(sockets.admit('tenant:x', c.socket as never)).toBe(false);
    expect(sockets.admit('tenant:y', c.socket as never)).toBe(true);
    a.close();
    expect(sockets.count('tenant:x')).toBe(1);
    expect(sockets.admit('tenant:x', a.socket as never)).toBe(true);
  });

  it('counts a socket against the tenant it names, else the caller', () => {
    const operator = { kind: 'operator', id: 'abcd1234', permissions: new Set<never>() } as const;
    expect(socketOwner(operator, 'acme')).toBe('tenant:acme');
    expect(socketOwner(operator, undefined)).toBe('operator:abcd1234');
    expect(socketOwner(operator, 'not a tenant id')).toBe('operator:abcd1234');
  });
});

describeWithPostgres('graphql-ws limits with a real client (PostgreSQL)', () => {
  let hub: TestHub;
  const clients: Client[] = [];
  const connect = (params: Record<string, unknown>) => {
    const connection = connectWs(hub.wsUrl, params);
    clients.push(connection.client);
    return connection;
  };

  beforeAll(async () => {
    hub = await startTestHub({
      env: {
        SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT: '3',
        SWITCHBOARD_WS_MAX_BUFFERED_BYTES: String(64 * 1024),
      },
    });
    for (const id of ['ws-a', 'ws-b', 'ws-c', 'ws-slow']) await registerTenant(hub, id);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await hub?.close();
  });

  it('refuses the 101st open operation on a socket with TOO_MANY_SUBSCRIPTIONS, then takes one again', async () => {
    const { client, acknowledged } = connect(operatorParams('ws-a'));
    await acknowledged;
    const open = Array.from({ length: 100 }, () => subscribeSignals(client));
    await publishUntil(hub, 'ws-a', () => open.every((s) => s.received.length > 0));
    const extra = subscribeSignals(client);
    expect(JSON.stringify(await extra.errors)).toContain('TOO_MANY_SUBSCRIPTIONS');
    expect(open.every((s) => s.received.length > 0)).toBe(true);

    open[0]!.dispose();
    const replacement = subscribeSignals(client);
    await publishUntil(hub, 'ws-a', () => replacement.received.length > 0);
  });

  it('closes a tenant socket past the limit with 1013 at connection_init; other tenants and freed places are unaffected', async () => {
    const held = [
      connect(operatorParams('ws-b')),
      connect(operatorParams('ws-b')),
      connect(operatorParams('ws-b')),
    ];
    await Promise.all(held.map((connection) => connection.acknowledged));
    const refused = connect(operatorParams('ws-b'));
    expect(await refused.closed).toBe(1013);
    await connect(operatorParams('ws-c')).acknowledged;

    await held[0]!.client.dispose();
    await held[0]!.closed;
    // The hub frees the place when its side of the socket has closed too.
    let admitted = false;
    for (let attempt = 0; attempt < 50 && !admitted; attempt++) {
      admitted = await connect(operatorParams('ws-b')).acknowledged.then(
        () => true,
        () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
      );
    }
    expect(admitted).toBe(true);
  });

  it('closes a socket without connection_init after 3 s with 4408', async () => {
    const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
    const opened = Date.now();
    const code = await new Promise<number>((resolve) =>
      socket.once('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(4408);
    expect(Date.now() - opened).toBeLessThan(10_000);
  });

  it('closes a slow consumer with 4008 once 64 KiB wait unsent, and memory stays bounded', async () => {
    const { client, acknowledged } = connect(operatorParams('ws-slow'));
    const socket = await acknowledged;
    const subscriptions = Array.from({ length: 20 }, () => subscribeSignals(client));
    await publishUntil(hub, 'ws-slow', () => subscriptions.every((s) => s.received.length > 0));
    // The hub's side of this socket: the newest it accepted.
    const serverSocket = [...hub.app.websocketServer.clients].at(-1);
    expect(serverSocket).toBeDefined();
    const closedCode = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    // The client stops reading: the kernel buffers fill, then frames queue in the hub.
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const rssBefore = process.memoryUsage().rss;
    const bulky = 'x'.repeat(16 * 1024);
    // 20 subscribers x 2,000 signals x 16 KiB would be 640 MiB of frames if they were all kept.
    let maxBuffered = 0;
    for (let i = 0; i < 2000; i++) {
      await hub.runtime.platform.pubsub.publish(signalsTopic('ws-slow'), signal('ws-slow', bulky));
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      maxBuffered = Math.max(maxBuffered, serverSocket!.bufferedAmount);
    }
    await until(() => serverSocket!.readyState !== WebSocket.OPEN, 'the hub to close the slow socket');
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(maxBuffered).toBeLessThan(64 * 1024 + 20 * 20 * 1024);
    expect(rssGrowth).toBeLessThan(200 * 1024 * 1024);

    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closedCode).toBe(4008);
  });
});
