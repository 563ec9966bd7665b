import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The references of the webhook benchmark, each run in a process of its own by
 * bench/webhooks-peers.ts: what a GitHub webhook receiver costs with nothing of the hub's.
 *
 * - `verify`: checks X-Hub-Signature-256 against the connection's secret and answers 200; no storage.
 * - `durable`: the same, then keeps the delivery in PostgreSQL before answering: deliveries that
 *   arrive together are written by one multi-row INSERT in one transaction (group commit), and each
 *   is acknowledged once that commit returned. A redelivery (same X-GitHub-Delivery) is absorbed by
 *   a unique index. This is the least a receiver that loses nothing acknowledged must do.
 *
 * Input on stdin (JSON): { mode, databaseUrl?, secrets: { [connectionId]: secret } }. Prints
 * "listening <url>" once it accepts requests.
 */
interface Options {
  mode: 'verify' | 'durable';
  databaseUrl?: string;
  secrets: Record<string, string>;
}

interface Pending {
  connectionId: string;
  deliveryId: string;
  event: string;
  body: string;
  done: (error?: Error) => void;
}

const options = JSON.parse(await readStdin()) as Options;
const secrets = new Map(Object.entries(options.secrets));
const store = options.mode === 'durable' ? await openStore(options.databaseUrl!) : null;

const app = Fastify();
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post<{ Params: { connectionId: string } }>('/webhooks/github/:connectionId', async (request, reply) => {
  const secret = secrets.get(request.params.connectionId);
  const body = request.body as Buffer;
  const signature = String(request.headers['x-hub-signature-256'] ?? '');
  if (!secret || !signatureMatches(secret, body, signature))
    return reply.code(401).send({ error: 'signature' });
  if (store) {
    await store.keep({
      connectionId: request.params.connectionId,
      deliveryId: String(request.headers['x-github-delivery'] ?? ''),
      event: String(request.headers['x-github-event'] ?? ''),
      body: body.toString('utf8'),
    });
  }
  return { status: 'accepted' };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await store?.close();
  process.exit(0);
});

function signatureMatches(secret: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function openStore(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS deliveries (
    position bigserial PRIMARY KEY,
    connection_id text NOT NULL,
    delivery_id text NOT NULL,
    event text NOT NULL,
    body jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, delivery_id))`);
  let queue: Pending[] = [];
  let flushing = false;
  const flush = async () => {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue;
    queue = [];
    const values: string[] = [];
    const placeholders = batch.map((item, i) => {
      values.push(item.connectionId, item.deliveryId, item.event, item.body);
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    try {
      await pool.query(
        `INSERT INTO deliveries (connection_id, delivery_id, event, body) VALUES ${placeholders.join(', ')}
         ON CONFLICT (connection_id, delivery_id) DO NOTHING`,
        values,
      );
      for (const item of batch) item.done();
    } catch (error) {
      for (const item of batch) item.done(error as Error);
    } finally {
      flushing = false;
      // What arrived during this commit goes in the next one.
      void flush();
    }
  };
  return {
    keep: (delivery: Omit<Pending, 'done'>) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ ...delivery, done: (error) => (error ? reject(error) : resolve()) });
        void flush();
      }),
    close: () => pool.end(),
  };
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
