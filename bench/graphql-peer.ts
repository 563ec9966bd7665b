import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * A peer of the hub for bench/graphql.ts, in a process of its own: `yoga` (graphql-yoga on
 * node:http, `{ __typename }`, logging off) or `fastify` (one GET route answering JSON). Prints
 * "listening on <url>" once it accepts connections; stops on SIGTERM.
 */
const kind = process.argv[2];
let url: string;
if (kind === 'yoga') {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String }' }),
    logging: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
} else if (kind === 'fastify') {
  const app = Fastify();
  app.get('/hello', async () => ({ hello: 'world' }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  process.stderr.write('usage: graphql-peer.ts yoga|fastify\n');
  process.exit(2);
}
process.stdout.write(`listening on ${url}\n`);
