import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Child process of bench/webhooks.ts: one graphql-ws subscriber to a tenant's live signals,
 * timestamping each on arrival against the time the gateway received its delivery (same machine,
 * same clock). Reads `{ wsUrl, token, tenantId }` on stdin, prints "ready", and on SIGTERM prints
 * the latencies it measured as JSON.
 */
let input = '';
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input) as { wsUrl: string; token: string; tenantId: string };
const latencies: number[] = [];
const client = createClient({
  url: job.wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${job.token}`, tenantId: job.tenantId },
  lazy: false,
});
client.subscribe<{ signals: { receivedAt: string } }>(
  { query: 'subscription { signals { id receivedAt } }' },
  {
    next: (message) => {
      const receivedAt = message.data?.signals.receivedAt;
      if (receivedAt) latencies.push(Date.now() - Date.parse(receivedAt));
    },
    error: (error) => process.stderr.write(`subscriber error: ${JSON.stringify(error)}\n`),
    complete: () => {},
  },
);
// graphql-ws has no "subscribed" acknowledgement; a moment after the socket opens is enough.
setTimeout(() => process.stdout.write('ready\n'), 500);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(latencies)}\n`);
  void client.dispose();
  process.exit(0);
});
