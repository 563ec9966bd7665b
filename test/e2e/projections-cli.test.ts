import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { type ProjectionDecisionEvent, projectionStream } from '../../src/events/projection.js';
import { TenantRegistered, tenantStream } from '../../src/events/tenant.js';
import type { EventMetadata } from '../../src/eventstore/envelope.js';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import {
  asOperator,
  startTestHub,
  TEST_AUDIT_SIGNING_KEY,
  TEST_MASTER_KEY,
  type TestHub,
} from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function cli(
  script: 'projections' | 'replay',
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const metadata = (tenantId: string): EventMetadata => ({
  tenantId,
  correlationId: randomUUID(),
  causationId: null,
  actor: 'system:test',
  schemaVersion: 1,
});

/**
 * The hub runs in this process and leads the projections; the CLI is another process against the
 * same PostgreSQL database, as an operator would run it beside a running hub.
 */
describeWithPostgres('npm run projections against a running hub (PostgreSQL)', () => {
  let hub: TestHub;
  let env: Record<string, string>;
  const projections = (...args: string[]) => cli('projections', args, env);
  const decisions = async (projection: string) => {
    const read: ProjectionDecisionEvent[] = [];
    for await (const event of hub.runtime.eventStore.readStream(projectionStream(projection)))
      read.push(eventCatalog.decode(event) as ProjectionDecisionEvent);
    return read;
  };
  const stateOf = async (name: string) =>
    (await hub.runtime.projections.status()).projections.find((p) => p.name === name)?.state;

  beforeAll(async () => {
    hub = await startTestHub();
    env = {
      EVENTSTORE_URL: hub.databaseUrl,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    };
  });
  afterAll(async () => hub?.close());

  it('explains its usage and refuses bad input with a non-zero exit', async () => {
    const none = await projections();
    const unknownCommand = await projections('frobnicate');
    const badPosition = await projections('skip', 'tenants', 'abc');
    const unknownName = await projections('retry', 'nope');
    expect(none.code).toBe(64);
    expect(none.output).toContain('Usage: npm run projections -- <command>');
    expect(unknownCommand).toMatchObject({ code: 64, output: expect.stringContaining('unknown command') });
    expect(badPosition).toMatchObject({ code: 64, output: expect.stringContaining('POSITION must be') });
    expect(unknownName).toMatchObject({
      code: 64,
      output: expect.stringContaining('No projection named nope'),
    });
  }, 120_000);

  it('status shows a parked event; retry is picked up by the hub; a stopped projection is skipped past; replay --verify agrees', async () => {
    await hub.request(RegisterTenantDocument, { input: { id: 'cli-a', name: 'A' } }, asOperator());
    // A TenantRegistered its schema refuses: the tenants projection (and the live feed) park it.
    const broken = randomUUID();
    const { position: poison } = await hub.runtime.eventStore.append(
      tenantStream('cli-broken'),
      [
        {
          id: broken,
          type: TenantRegistered.type,
          data: { tenantId: 'cli-broken' },
          metadata: metadata('cli-broken'),
        },
      ],
      'no_stream',
    );
    const later = await hub.request(
      RegisterTenantDocument,
      { input: { id: 'cli-b', name: 'B' } },
      asOperator(),
    );
    expect(later.errors, JSON.stringify(later.errors)).toBeUndefined();
    await expect.poll(async () => (await decisions('tenants')).length, { timeout: 20_000 }).toBe(1);

    const status = await projections('status');
    expect(status.code).toBe(0);
    expect(status.output).toMatch(/^tenants\s+\d+\s+\d+\s+0\s+caught up \(1 parked\)$/m);
    expect(status.output).toContain(`tenants parked 1 event(s)`);
    expect(status.output).toContain(
      `position ${poison}  TenantRegistered ${broken} in tenant-cli-broken.profile`,
    );
    expect(status.output).toMatch(/does not match its schema/);

    // The cause is not fixed: the hub re-applies it where the request stands, and parks it again.
    const retry = await projections('retry', 'tenants');
    expect(retry.code).toBe(0);
    const requestedAt = /requested at position (\d+)/.exec(retry.output)?.[1];
    expect(requestedAt).toBeDefined();
    await expect
      .poll(async () => (await decisions('tenants')).map((d) => d.type), { timeout: 20_000 })
      .toEqual(['ProjectionEventParked', 'ProjectionRetryRequested', 'ProjectionEventParked']);
    expect((await decisions('tenants')).at(-1)?.data).toMatchObject({
      retryPosition: requestedAt,
      attempts: 5,
    });
    const nothing = await projections('retry', 'webhook-endpoints');
    expect(nothing).toMatchObject({ code: 1, output: expect.stringContaining('has no parked events') });

    // projection-dead-letters stops (its rule) at a decision it cannot read.
    const { position: bad } = await hub.runtime.eventStore.append(
      projectionStream('not-a-projection'),
      [{ id: randomUUID(), type: 'ProjectionStopped', data: {}, metadata: metadata('_global') }],
      'any',
    );
    await expect.poll(() => stateOf('projection-dead-letters'), { timeout: 20_000 }).toBe('failed');
    const stopped = await projections('status');
    expect(stopped.output).toMatch(
      new RegExp(`^projection-dead-letters\\s.*STOPPED at position ${bad}`, 'm'),
    );
    expect(stopped.output).toContain(`npm run projections -- skip projection-dead-letters ${bad}`);
    const wrong = await projections('skip', 'projection-dead-letters', String(bad + 1n));
    expect(wrong).toMatchObject({ code: 1, output: expect.stringContaining(`stopped at position ${bad}`) });
    expect((await projections('skip', 'tenants', String(poison))).code).toBe(1);
    const skipped = await projections('skip', 'projection-dead-letters', String(bad));
    expect(skipped.code).toBe(0);
    await expect.poll(() => stateOf('projection-dead-letters'), { timeout: 20_000 }).toBe('running');
    await hub.runtime.projections.waitFor(await hub.runtime.eventStore.headPosition(), { timeoutMs: 15_000 });
    expect(
      await hub.runtime.readModels.prisma.projectionDeadLetter.findMany({ orderBy: { projection: 'asc' } }),
    ).toMatchObject([
      { projection: 'live-feed', eventPosition: poison, status: 'PARKED' },
      // It reads its own decisions too: stopped, then skipped by the operator.
      {
        projection: 'projection-dead-letters',
        eventPosition: bad,
        status: 'SKIPPED',
        decidedBy: 'operator:cli',
      },
      { projection: 'tenants', eventPosition: poison, status: 'PARKED', attempts: 5 },
    ]);
    expect((await projections('status')).output).not.toContain('STOPPED');

    const verified = await cli('replay', ['--verify'], env);
    expect(verified.output).toContain('Read models match the event log');
    expect(verified.code).toBe(0);
  }, 180_000);
});
