import net from 'node:net';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ProvidersDocument } from '../../src/generated/graphql.js';
import { OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const IDLE_MS = 10_000;

describeWithPostgres('idle connections (PostgreSQL)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('closes connections that send nothing within 10 s; an upgraded websocket stays open', async () => {
    const { port } = new URL(hub.url);
    const silent = Array.from({ length: 500 }, () => net.connect(Number(port), '127.0.0.1'));
    const closedAt = silent.map(
      (socket) =>
        new Promise<number>((resolve) => {
          socket.on('error', () => {});
          socket.resume();
          socket.once('close', () => resolve(Date.now()));
        }),
    );
    const ws = createClient({
      url: hub.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      lazy: false,
      retryAttempts: 0,
      // No pings from the client either: only the server's own keepalive could keep it busy.
      keepAlive: 0,
    });
    const opened = Date.now();
    try {
      const closed = await Promise.all(closedAt);
      // Node checks for expired connections every second: closed soon after the limit, never before.
      for (const at of closed) expect(at - opened).toBeGreaterThanOrEqual(IDLE_MS - 100);
      expect(Math.max(...closed) - opened).toBeLessThan(IDLE_MS + 3_000);

      const answer = await ws.iterate({ query: print(ProvidersDocument) }).next();
      expect(answer.value?.errors).toBeUndefined();
      expect(answer.value?.data?.providers?.length).toBeGreaterThan(0);
    } finally {
      for (const socket of silent) socket.destroy();
      await ws.dispose();
    }
  }, 30_000);
});
