import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/doctor/report.js';
import { runDoctor } from '../../src/cli/doctor/run-doctor.js';
import { loadConfig } from '../../src/config/config.js';
import { projectionStream } from '../../src/events/projection.js';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { createLogger } from '../../src/platform/logger.js';
import { post, settled, webhookConnection } from '../e2e/webhooks-support.js';
import { githubHeaders } from '../ingress/sign.js';
import {
  asOperator,
  OPERATOR_TOKEN,
  startTestHub,
  TEST_AUDIT_SIGNING_KEY,
  TEST_MASTER_KEY,
  type TestHub,
} from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const quiet = createLogger({ level: 'silent' });

function doctor(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/doctor.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

type Check = { check: string; status: string; summary: string; fix?: string; details?: string[] };

/** Every event in the log, seals included: doctor must add none. */
async function logLength(hub: TestHub): Promise<number> {
  let count = 0;
  for await (const _ of hub.runtime.eventStore.readAll()) count++;
  return count;
}

describeWithPostgres('npm run doctor (PostgreSQL)', () => {
  let hub: TestHub;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
      SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
      SWITCHBOARD_PUBLIC_URL: 'https://hub.example.test',
      SWITCHBOARD_WEBHOOK_SECRETS: 'zoom=zoom-app-secret-0123456789',
    };
    hub = await startTestHub({ env });
    env.EVENTSTORE_URL = hub.databaseUrl;
    await hub.request(RegisterTenantDocument, { input: { id: 'doc-a', name: 'A' } }, asOperator());
    await settled(hub);
  });
  afterAll(async () => hub?.close());

  it('finds a healthy hub all ok, exits 0, and appends nothing to the log', async () => {
    const before = await logLength(hub);
    const run = await doctor(['--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
    expect(report.ok).toBe(true);
    expect(report.checks.filter((check) => check.status !== 'ok')).toEqual([]);
    expect(report.checks.map((check) => check.check)).toEqual(
      expect.arrayContaining([
        'config.masterKey',
        'connectivity.eventStore',
        'connectivity.readModels',
        'projections.tenants',
        'deadLetters.webhooks',
        'tokens.expiringSoon',
        'integrations.webhookSecrets',
        'audit.seals',
      ]),
    );
    expect(await logLength(hub)).toBe(before);

    const text = await doctor([], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^ok\s+connectivity\.eventStore\s+PostgreSQL \(EVENTSTORE_URL\) answered in \d+ ms$/m,
    );
    expect(text.stdout).toMatch(/\d+ ok, 0 warning\(s\), 0 failure\(s\)/);
  }, 60_000);

  it('names a stopped projection with the event and the retry command, and counts a dead letter', async () => {
    // projection-dead-letters stops (its rule) at a decision it cannot read.
    const { position } = await hub.runtime.eventStore.append(
      projectionStream('not-a-projection'),
      [
        {
          id: randomUUID(),
          type: 'ProjectionStopped',
          data: {},
          metadata: {
            tenantId: '_global',
            correlationId: randomUUID(),
            causationId: null,
            actor: 'system:test',
            schemaVersion: 1,
          },
        },
      ],
      'any',
    );
    // A signed delivery that is not JSON becomes a webhook dead letter.
    const github = await webhookConnection(hub, 'doc-a', 'github');
    const body = 'this is not JSON';
    const delivery = await post(
      `${hub.url}/webhooks/github/${github.connectionId}`,
      githubHeaders(github.secret, 'issues', body, 'doctor-broken-1'),
      body,
    );
    expect(delivery.status).toBe(400);
    await expect
      .poll(
        async () =>
          (await hub.runtime.projections.status()).projections.find(
            (p) => p.name === 'projection-dead-letters',
          )?.state,
        {
          timeout: 20_000,
        },
      )
      .toBe('failed');
    await expect
      .poll(() => hub.runtime.readModels.prisma.webhookDeadLetter.count(), { timeout: 10_000 })
      .toBe(1);

    const results = await runDoctor(loadConfig(env), quiet);
    const byName = new Map(results.map((result) => [result.check, result]));
    expect(byName.get('projections.projection-dead-letters')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`STOPPED at ProjectionStopped`),
      fix: expect.stringContaining('npm run projections -- retry projection-dead-letters'),
    });
    expect(byName.get('projections.projection-dead-letters')?.summary).toContain(`position ${position}`);
    expect(byName.get('deadLetters.webhooks')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^1 webhook dead letter\(s\), oldest \d+ s old$/),
    });
    expect(byName.get('projections.tenants')?.status).toBe('ok');
    expect(exitCodeOf(results)).toBe(1);
  }, 60_000);

  it('fails on an unreachable Redis or database, naming the variable to fix', async () => {
    const redis = await runDoctor(loadConfig({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }), quiet, {
      timeoutMs: 1_000,
    });
    expect(redis.find((result) => result.status === 'fail')).toMatchObject({
      check: 'connectivity.redis',
      summary: expect.stringContaining('Redis is unreachable'),
      fix: expect.stringContaining('REDIS_URL'),
    });
    const database = await runDoctor(
      loadConfig({ ...env, EVENTSTORE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }),
      quiet,
      { timeoutMs: 1_000 },
    );
    expect(database.filter((result) => result.status === 'fail')).toEqual([
      expect.objectContaining({
        check: 'connectivity.eventStore',
        fix: expect.stringContaining('EVENTSTORE_URL'),
      }),
    ]);
    expect(exitCodeOf(database)).toBe(1);
  }, 30_000);

  it('reports bad configuration the way the hub does, with its exit code', async () => {
    const run = await doctor([], { ...env, PORT: 'eighty', SWITCHBOARD_MASTER_KEY: 'short' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('the configuration has 2 problems');
    expect(run.stderr).toMatch(/PORT: must be a number/);
    expect(run.stderr).toMatch(/SWITCHBOARD_MASTER_KEY: must be 32 bytes/);
    const json = await doctor(['--json'], { ...env, PORT: 'eighty' });
    expect(json.code).toBe(78);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      configuration: [{ variable: 'PORT', message: 'must be a number' }],
    });
  }, 60_000);
});

describe('npm run doctor on the embedded profile', () => {
  it('warns about the profile and the missing data directory, and creates nothing', async () => {
    const dataDir = path.join(os.tmpdir(), `sb-doctor-${randomUUID()}`);
    const results = await runDoctor(loadConfig({ DATA_DIR: dataDir }), quiet);
    expect(results.filter((result) => result.status !== 'ok').map((r) => [r.check, r.status])).toEqual([
      ['config.profile', 'warn'],
      ['config.masterKey', 'warn'],
      ['config.callers', 'warn'],
      ['connectivity', 'warn'],
    ]);
    expect(exitCodeOf(results)).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });
});
