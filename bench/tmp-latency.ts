import { signalsTopic } from '../src/readmodels/queries/signal-view.js';
import { scratchDatabase } from './support.js';
import { createRequestGenerator } from './webhook-deliveries.js';
import { startWebhookHub } from './webhooks.js';
const db = await scratchDatabase();
const hub = await startWebhookHub(db.url, { env: { REDIS_URL: 'redis://127.0.0.1:6379', SWITCHBOARD_REDIS_PREFIX: 'lat-probe:' }, runtimeOptions: process.env.NOSEAL ? { runAuditSealer: false } : {} });
const { monitorEventLoopDelay } = await import('node:perf_hooks'); const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();
const sub = hub.runtime.platform.pubsub.subscribe(signalsTopic(hub.tenantId));
await sub.ready;
const published = new Map<string, number>();
void (async () => { for await (const m of sub) published.set((m as { id: string }).id, performance.now()); })();
const next = createRequestGenerator(hub.target.generator!.options);
const rows: Array<{ ack: number; id: string; sent: number }> = [];
const rate = Number(process.env.RATE ?? 50);
const started = performance.now();
const inflight: Promise<void>[] = [];
for (let i = 0; i < rate * Number(process.env.SECS ?? 6); i++) {
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((s) => setTimeout(s, wait));
  const r = next();
  const sent = performance.now();
  inflight.push(fetch(hub.url + r.path, { method: 'POST', headers: r.headers, body: r.body }).then(async (res) => {
    const body = (await res.json()) as { signals: string[] };
    rows.push({ ack: performance.now() - sent, id: body.signals[0]!, sent });
  }));
}
await Promise.all(inflight);
await new Promise((s) => setTimeout(s, 3000));
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((p / 100) * (s.length - 1))]!.toFixed(1); };
const steady = rows.filter((r) => r.sent - started > 3000);
const acks = steady.map((r) => r.ack);
const pubs = steady.filter((r) => published.has(r.id)).map((r) => published.get(r.id)! - r.sent);
const bySecond = new Map<number, number[]>(); for (const r of rows) { const k = Math.floor((r.sent - started) / 1000); bySecond.set(k, [...(bySecond.get(k) ?? []), r.ack]); }
console.log([...bySecond].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${pct(v, 50)}/${pct(v, 99)}`).join(' '));
console.log(`rate ${rate}/s ack p50 ${pct(acks, 50)} p99 ${pct(acks, 99)} | publish p50 ${pct(pubs, 50)} p99 ${pct(pubs, 99)} (${pubs.length}/${acks.length})`);
console.log(`event loop delay p50 ${(h.percentile(50)/1e6).toFixed(1)} p99 ${(h.percentile(99)/1e6).toFixed(1)} max ${(h.max/1e6).toFixed(1)} ms`);
await sub.close(); await hub.close(); await db.drop();
