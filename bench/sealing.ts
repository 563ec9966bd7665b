import { pathToFileURL } from 'node:url';
import { githubExample } from '../scripts/github-example.js';
import { normalizeGithubDelivery } from '../src/connectors/github/webhook.js';
import { openSignalBody, openSignalContent, sealSignal } from '../src/events/sealed-signal.js';
import { memoryVault } from '../test/support/memory-vault.js';
import { fmt } from './support.js';

export interface SealingFigures {
  payloadBytes: number;
  /** The reference: serializing the signal as the v1 event carried it (work the log does anyway). */
  stringifyUs: number;
  /** Sealing content + body (serialize, AES-256-GCM, base64) and serializing the v2 event data. */
  sealUs: number;
  /** What the projection does per signal: open the small content part. */
  openContentUs: number;
  /** What a payload query does per signal: open the body part. */
  openBodyUs: number;
  /** Event data size, sealed (v2) over clear (v1). */
  sizeRatio: number;
}

const ITERATIONS = Number(process.env.BENCH_SEALING_ITERATIONS ?? 5_000);

async function microseconds(run: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await run();
  const started = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) await run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / ITERATIONS;
}

/**
 * Node CPU per signal of keeping a webhook's content sealed in the log (issue 18, finding 3), with
 * a real 21 KB GitHub pull_request payload, against serializing the same signal in the clear.
 */
export async function benchSealing(log: (line: string) => void = () => {}): Promise<SealingFigures> {
  const vault = memoryVault();
  const payload = githubExample('pull_request', 'opened');
  const [signal] = normalizeGithubDelivery({
    provider: 'github',
    eventName: 'pull_request',
    deliveryId: 'bench',
    payload,
    connectionId: 'conn_bench',
    receivedAt: new Date(),
  });
  const delivery = {
    id: 'bench',
    eventType: 'pull_request',
    receivedAt: new Date().toISOString(),
    bodySha256: 'a'.repeat(64),
  };
  log(`  sealing: ${ITERATIONS.toLocaleString('en-US')} signals of ${JSON.stringify(payload).length} bytes`);
  const clear = JSON.stringify({ signal, delivery });
  const stringifyUs = await microseconds(() => JSON.stringify({ signal, delivery }));
  const sealUs = await microseconds(async () =>
    JSON.stringify({ ...(await sealSignal(vault, 'acme', signal!, undefined)), delivery }),
  );
  const sealed = { ...(await sealSignal(vault, 'acme', signal!, undefined)), delivery };
  const openContentUs = await microseconds(() => openSignalContent(vault, 'acme', sealed));
  const openBodyUs = await microseconds(() => openSignalBody(vault, 'acme', sealed));
  return {
    payloadBytes: JSON.stringify(payload).length,
    stringifyUs,
    sealUs,
    openContentUs,
    openBodyUs,
    sizeRatio: JSON.stringify(sealed).length / clear.length,
  };
}

export function sealingTable(figures: SealingFigures): string {
  return [
    `| per signal (${fmt(figures.payloadBytes)}-byte GitHub payload), Node CPU | µs | × reference |`,
    '|---|---:|---:|',
    `| reference: serialize the signal in the clear (v1 event data) | ${figures.stringifyUs.toFixed(1)} | 1.0 |`,
    `| seal content + body and serialize (v2 event data) | ${figures.sealUs.toFixed(1)} | ${(figures.sealUs / figures.stringifyUs).toFixed(1)} |`,
    `| open content (projection, per signal) | ${figures.openContentUs.toFixed(1)} | ${(figures.openContentUs / figures.stringifyUs).toFixed(2)} |`,
    `| open body (payload query, per signal) | ${figures.openBodyUs.toFixed(1)} | ${(figures.openBodyUs / figures.stringifyUs).toFixed(1)} |`,
    `| event data size, sealed / clear | ${figures.sizeRatio.toFixed(2)} × | |`,
  ].join('\n');
}

// `npx tsx bench/sealing.ts` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${sealingTable(await benchSealing((line) => process.stderr.write(`${line}\n`)))}\n`);
}
