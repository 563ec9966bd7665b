import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { AuditSealer, AuditSigningKey } from '../../src/audit/index.js';
import { parseAuditSigningKey } from '../../src/config/audit-signing-key.js';
import { loadConfig } from '../../src/config/config.js';
import type { Event } from '../../src/eventstore/envelope.js';
import { createLogger } from '../../src/platform/logger.js';
import { auditCli, root, sealedThrough } from '../audit/export-support.js';
import { TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';

const EVENTS = 200_000;
const BATCH = 5_000;
/**
 * V8 lets garbage pile up to hundreds of MB when allocation is fast and memory plentiful, so the
 * child's old space is capped below the size of its own output: an export that kept the log (or
 * its output) in memory dies of it instead of passing. The RSS bound is that cap over what the CLI
 * takes before reading a single event (~230 MB: tsx, Prisma, the runtime's modules).
 */
const HEAP_CAP_MB = 192;
const RSS_BOUND_MB = 400;

/** The child's peak resident size so far (VmHWM), read by the kernel's account, not the child's. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

/**
 * `npm run audit -- ...` as an operator runs it beside the hub, on a log of 200,000 events of one
 * tenant sealed every 10,000 (the default). The export streams: its line count is right and the
 * process's peak memory stays bounded.
 */
describeWithPostgres('npm run audit: verify and a 200,000-event export (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let runtime: Runtime;
  let sealer: AuditSealer;
  let env: Record<string, string>;
  let lastPosition: bigint;

  beforeAll(async () => {
    database = await createScratchDatabase();
    env = {
      EVENTSTORE_URL: database.url,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    };
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const logger = createLogger({ level: 'silent' });
    // No projections (they have nothing to do with these events): the sealer alone follows the log.
    runtime = await createRuntime(config, logger, { runProjections: false });
    sealer = new AuditSealer({
      eventStore: runtime.eventStore,
      leafIndex: runtime.audit.leafIndex,
      key: new AuditSigningKey(parseAuditSigningKey(TEST_AUDIT_SIGNING_KEY)),
      leases: runtime.platform.leases,
      logger,
      everyMs: 60_000,
      everyEvents: config.audit.sealEveryEvents,
    });
    sealer.start();
    const metadata = {
      tenantId: 'bulk',
      correlationId: 'load',
      causationId: null,
      actor: 'system:test',
      schemaVersion: 1,
    };
    for (let start = 0; start < EVENTS; start += BATCH) {
      const events: Event[] = Array.from({ length: BATCH }, (_, i) => ({
        id: randomUUID(),
        type: 'BulkFact',
        data: { n: start + i },
        metadata,
      }));
      // A few streams of the tenant, and another tenant's event now and then, which the export leaves out.
      ({ position: lastPosition } = await runtime.eventStore.append(
        `signals-bulk.s${start % 4}`,
        events,
        'any',
      ));
      await runtime.eventStore.append(
        'signals-other.s',
        [
          {
            id: randomUUID(),
            type: 'BulkFact',
            data: { n: -1 },
            metadata: { ...metadata, tenantId: 'other' },
          },
        ],
        'any',
      );
    }
    await sealedThrough({ ...runtime.audit, sealer }, lastPosition, 60_000);
  }, 120_000);
  afterAll(async () => {
    await sealer?.close();
    await runtime?.close();
    await database?.drop();
  });

  it(`exports ${EVENTS.toLocaleString('en-US')} events with proofs, streamed in bounded memory`, async () => {
    const node = [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx'];
    const child = spawn(process.execPath, [...node, 'src/cli/audit.ts', 'export', '--tenant', 'bulk'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let bytes = 0;
    let tail = '';
    let stderr = '';
    // Counted as it arrives, never kept: the test must not be what holds the export in memory.
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      tail = (tail + chunk.toString('utf8')).slice(-2_000);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let sampled = 0;
    const sampler = setInterval(() => {
      void peakRssMb(child.pid!).then((mb) => {
        sampled = Math.max(sampled, mb);
      });
    }, 100);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(sampler);

    expect(stderr).toMatch(
      /exported 200,000 events of bulk \(200,000 sealed, 0 not sealed yet\) with \d+ seals/,
    );
    expect(code).toBe(0);
    const end = JSON.parse(tail.trimEnd().split('\n').at(-1)!);
    expect(end).toEqual({
      kind: 'end',
      events: EVENTS,
      sealedEvents: EVENTS,
      unsealedEvents: 0,
      seals: expect.any(Number),
      lastPosition: String(lastPosition),
    });
    // One seal per 10,000 events of the log (the other tenant's and the seals' own included).
    expect(end.seals).toBeGreaterThanOrEqual(EVENTS / 10_000);
    expect(lines).toBe(1 + end.seals + EVENTS + 1);
    expect(bytes).toBeGreaterThan(HEAP_CAP_MB * 1024 * 1024);
    // The CLI's own account (getrusage) covers the whole run; the samples are a check from outside.
    const reported = Number(/peak RSS (\d+) MB/.exec(stderr)?.[1]);
    expect(reported).toBeGreaterThan(0);
    expect(reported).toBeLessThan(RSS_BOUND_MB);
    expect(sampled).toBeLessThan(RSS_BOUND_MB);
  }, 90_000);

  it('verifies a range, then names the event whose row was edited in the database', async () => {
    const ok = await auditCli(['verify', '--from', '1', '--to', '20000'], env);
    expect(ok.stdout).toContain('audit seals: OK');
    expect(ok.stdout).toMatch(/seals checked: +[23]\n/);
    expect(ok.code).toBe(0);

    let target = 0n;
    for await (const event of runtime.eventStore.readAll({
      after: 15_000n,
      filter: { streamPrefixes: ['signals-bulk.'] },
      maxCount: 1,
    }))
      target = event.position;
    const seal = (await runtime.audit.seals.covering(target))!;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`UPDATE sb_events SET data = '{"n":-42}' WHERE position = $1`, [String(target)]);
    } finally {
      await client.end();
    }
    const caught = await auditCli(['verify', '--from', String(target), '--to', String(target)], env);
    expect(caught.stdout).toContain('audit seals: 1 PROBLEM(S) FOUND');
    expect(caught.stdout).toContain(
      `EVENT_CHANGED at position ${target} (seal ${seal.revision}, range ${seal.seal.fromPosition}..${seal.seal.toPosition})`,
    );
    expect(caught.code).toBe(1);
  }, 60_000);

  it('refuses bad usage (64), a bad configuration (78) and a tenant the log does not hold (1)', async () => {
    const none = await auditCli([], env);
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('Usage: npm run audit -- <command>');
    const noTenant = await auditCli(['export'], env);
    expect(noTenant).toMatchObject({ code: 64, stderr: expect.stringContaining('export needs --tenant ID') });
    const badRange = await auditCli(['verify', '--from', 'ten'], env);
    expect(badRange).toMatchObject({
      code: 64,
      stderr: expect.stringContaining('--from must be a global position'),
    });
    const badConfig = await auditCli(['verify'], { ...env, SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: 'many' });
    expect(badConfig).toMatchObject({
      code: 78,
      stderr: expect.stringContaining('SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS'),
    });
    const unknown = await auditCli(['export', '--tenant', 'nobody'], env);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('holds no event of tenant nobody'),
    });
  }, 60_000);
});
