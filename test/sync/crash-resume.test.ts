import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { eventCatalog } from '../../src/events/catalog.js';
import type { RecordsBatchEvent } from '../../src/events/sync.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';

/** Issue 16: kill -9 in the middle of a 50,000-record sync, 20 times; no gap, no duplicate. */
const RECORDS = 50_000;
const KILLS = 20;
const LEASE_TTL_SECONDS = 2;
const root = path.resolve(import.meta.dirname, '../..');
const workerLog: string[] = [];

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sync-worker-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // What the workers logged, for the report when the test fails.
  const remember = (chunk: Buffer) => {
    workerLog.push(`[${child.pid}] ${chunk.toString().trimEnd()}`);
    if (workerLog.length > 200) workerLog.splice(0, workerLog.length - 200);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describeWithPostgres('a sync survives kill -9 (PostgreSQL, separate processes)', () => {
  let fake: GithubApiFake;
  let world: SyncWorld;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    fake = await startGithubApiFake();
    fake.addRepository('octo-org/big');
    fake.seedIssues('octo-org/big', RECORDS);
    // A provider that takes a moment per page, so the 20 kills land in the middle of the listing.
    fake.setLatency(50);
    // This process only schedules and reads: the runs happen in the workers it starts and kills.
    world = await startSyncWorld({
      base: 'github',
      baseUrl: fake.origin,
      token: fake.token,
      env: { SWITCHBOARD_SYNC_WORKERS: '0', SWITCHBOARD_SYNC_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS) },
    });
  }, 120_000);
  afterAll(async () => {
    // A killed child has a signalCode and no exitCode: only the ones still running are killed here.
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) await killHard(child);
    await world?.close();
    await fake?.close();
  });

  it(`resumes within the lease TTL + 5 s after each of ${KILLS} kills and ends with every record exactly once`, async () => {
    const prisma = world.hub.runtime.readModels.prisma;
    const env = {
      EVENTSTORE_URL: world.hub.databaseUrl,
      SWITCHBOARD_PROVIDERS_FILE: world.providersFile,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
      SWITCHBOARD_SYNC_WORKERS: '1',
      SWITCHBOARD_SYNC_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS),
      LOG_LEVEL: 'warn',
    };
    const caller = systemCaller('test', randomUUID());
    await world.engine.configureSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'issues',
      config: { repositories: ['octo-org/big'] },
      frequency: '1d',
    });
    const spawnWorker = async () => {
      const child = await startWorker(env);
      children.add(child);
      return child;
    };
    const run = async () =>
      prisma.syncRun.findFirstOrThrow({
        where: { tenantId: world.tenantId },
        orderBy: { scheduledAt: 'asc' },
      });
    const recordEvents = () =>
      world.hub.runtime.eventStore.headPosition({
        eventTypes: ['RecordsBatchRecorded'],
        streamPrefixes: [`sync-${world.tenantId}.`],
      });

    const report = async () => {
      const runs = await prisma.syncRun.findMany({ where: { tenantId: world.tenantId } });
      const cursors = await prisma.syncCursor.findMany({ where: { tenantId: world.tenantId } });
      const json = (value: unknown) =>
        JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? String(item) : item));
      return [
        `runs: ${json(runs)}`,
        `cursors: ${json(cursors)}`,
        'worker log:',
        ...workerLog.slice(-40),
      ].join('\n');
    };
    const workers = [await spawnWorker(), await spawnWorker()];
    const resumeDelays: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Let the owner record a few pages, then kill it without warning; the other one is standing by.
      const before = await recordEvents();
      const deadline = Date.now() + 60_000;
      while ((await recordEvents()) <= before && (await run()).status !== 'SUCCEEDED') {
        if (Date.now() > deadline) throw new Error(`no progress before kill ${kill + 1}\n${await report()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const current = await run();
      if (current.status === 'SUCCEEDED') break;
      const owner = workers.find((child) => current.worker?.endsWith(`:${child.pid}`));
      if (!owner) throw new Error(`no worker process owns the run (worker ${current.worker})`);
      const killedAt = Date.now();
      await killHard(owner);
      workers.splice(workers.indexOf(owner), 1);
      for (;;) {
        const now = await run();
        if (now.status === 'SUCCEEDED' || now.attempt > current.attempt) break;
        if (Date.now() - killedAt > 60_000)
          throw new Error(`not resumed after kill ${kill + 1}\n${await report()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      resumeDelays.push(Date.now() - killedAt);
      workers.push(await spawnWorker());
    }
    const deadline = Date.now() + 300_000;
    while ((await run()).status !== 'SUCCEEDED') {
      if (Date.now() > deadline) throw new Error(`the sync did not finish\n${await report()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 60_000,
    });

    const finished = await run();
    expect(finished.attempt).toBeGreaterThan(KILLS);
    // Every record once in the read model, with the fake's titles.
    const rows = await prisma.syncRecord.findMany({
      where: { tenantId: world.tenantId, resource: 'issues' },
      select: { recordId: true, data: true, deletedAt: true },
    });
    const expected = new Map(fake.items('octo-org/big').map((issue) => [String(issue.id), issue.title]));
    expect(rows.length).toBe(expected.size);
    for (const row of rows) expect((row.data as { title: string }).title).toBe(expected.get(row.recordId));
    // And once in the log: no page was recorded twice, none was skipped.
    const created: string[] = [];
    for await (const event of world.hub.runtime.eventStore.readAll({
      filter: { eventTypes: ['RecordsBatchRecorded'], streamPrefixes: [`sync-${world.tenantId}.`] },
    })) {
      const batch = eventCatalog.decode(event) as RecordsBatchEvent;
      created.push(
        ...batch.data.records.filter((record) => record.op === 'created').map((record) => record.id),
      );
    }
    expect(created.length).toBe(RECORDS);
    expect(new Set(created).size).toBe(RECORDS);
    expect(resumeDelays.length).toBe(KILLS);
    expect(Math.max(...resumeDelays)).toBeLessThan((LEASE_TTL_SECONDS + 5) * 1000);
    console.info(`kill -9 x${resumeDelays.length}: resumed after ${resumeDelays.join(', ')} ms`);
  }, 900_000);
});
