import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../../src/eventstore/sql/index.js';
import { postgresLeaderLease } from '../../../src/projections/runner/leader-lease.js';
import { ProjectionRunner } from '../../../src/projections/runner/runner.js';
import { READ_MODELS_APPLICATION_NAME } from '../../../src/readmodels/database.js';
import { describeWithPostgres } from '../../support/services.js';
import { type Backend, openBackend, quietLogger, registerTenant, spiedTenants } from '../harness.js';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describeWithPostgres('projection leader lease (PostgreSQL)', () => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await openBackend('postgres');
  });
  afterEach(async () => {
    await backend.close();
  });

  /** A second "process": its own event store and read-model connections to the same database. */
  async function secondProcess(projection: ReturnType<typeof spiedTenants>['projection']) {
    const store = await createPostgresEventStore(backend.url!);
    const readModels = await backend.openReadModelsAgain!();
    const runner = new ProjectionRunner({
      eventStore: store,
      readModels,
      projections: [projection],
      logger: quietLogger(),
      leaseRetryMs: 100,
      pollMs: 20,
    });
    return {
      runner,
      close: async () => {
        await runner.stop();
        await store.close();
      },
    };
  }

  it('lets only the leader apply; a follower serves waitFor from the checkpoints and takes over when the leader stops', async () => {
    const one = spiedTenants();
    const two = spiedTenants();
    const leader = backend.runner({ projections: [one.projection] });
    await leader.start();
    const follower = await secondProcess(two.projection);
    try {
      await follower.runner.start();
      expect(leader.isLeader).toBe(true);
      expect(follower.runner.isLeader).toBe(false);

      const first = await registerTenant(backend.store, 'acme', 'Acme');
      await follower.runner.waitFor(first, { timeoutMs: 10_000 });
      expect(one.applied.map((e) => e.position)).toEqual([first]);
      expect(two.applied).toEqual([]);
      expect((await follower.runner.status()).projections[0]).toMatchObject({
        state: 'follower',
        position: first,
      });

      await leader.stop();
      await until(() => follower.runner.isLeader);
      const second = await registerTenant(backend.store, 'globex', 'Globex');
      await follower.runner.waitFor(second, { timeoutMs: 10_000 });
      expect(two.applied.map((e) => e.position)).toEqual([second]);
      expect(one.applied.map((e) => e.position)).toEqual([first]);
    } finally {
      await follower.close();
    }
  });

  it('a rebuild started on a follower resets the model and the leader replays it', async () => {
    const one = spiedTenants();
    const leader = backend.runner({ projections: [one.projection] });
    await leader.start();
    const follower = await secondProcess(spiedTenants().projection);
    try {
      await follower.runner.start();
      const last = await registerTenant(backend.store, 'acme', 'Acme', ['Acme 2']);
      await follower.runner.waitFor(last, { timeoutMs: 10_000 });
      await backend.readModels.prisma.$executeRawUnsafe(`UPDATE tenants SET name = 'x'`);

      expect(await follower.runner.rebuild('tenants', { timeoutMs: 10_000 })).toEqual({ position: last });
      expect(await backend.readModels.prisma.tenant.findUnique({ where: { id: 'acme' } })).toMatchObject({
        name: 'Acme 2',
      });
      expect(one.applied.filter((e) => e.position === last)).toHaveLength(2);
    } finally {
      await follower.close();
    }
  });

  it('rides out a dropped read-model connection: no event lost or applied twice', async () => {
    const spied = spiedTenants();
    const runner = backend.runner({ projections: [spied.projection] });
    await runner.start();
    const first = await registerTenant(backend.store, 'acme', 'Acme');
    await runner.waitFor(first, { timeoutMs: 10_000 });

    // Every read-model connection dies (a database restart, a network blip), idle ones included.
    const admin = new pg.Client({ connectionString: backend.url });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1`,
      [READ_MODELS_APPLICATION_NAME],
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);

    const second = await registerTenant(backend.store, 'globex', 'Globex');
    await runner.waitFor(second, { timeoutMs: 15_000 });
    expect(spied.applied.map((e) => e.position)).toEqual([first, second]);
  });

  it('hands the lease over when the leader’s connection dies (the server releases the lock)', async () => {
    const one = spiedTenants();
    const two = spiedTenants();
    // The leader's process "dies" with its connection: it must not come back for the lease.
    const lease = postgresLeaderLease(backend.url!, quietLogger());
    let dead = false;
    const leader = backend.runner({
      projections: [one.projection],
      lease: { ...lease, tryAcquire: () => (dead ? Promise.resolve(false) : lease.tryAcquire()) },
    });
    await leader.start();
    const follower = await secondProcess(two.projection);
    try {
      await follower.runner.start();
      expect(leader.isLeader).toBe(true);

      dead = true;
      // What a crashed or partitioned process looks like from the server: its session is gone.
      const admin = new pg.Client({ connectionString: backend.url });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'switchboard-projection-lease'`,
      );
      await admin.end();

      await until(() => follower.runner.isLeader && !leader.isLeader);
      const next = await registerTenant(backend.store, 'acme', 'Acme');
      await follower.runner.waitFor(next, { timeoutMs: 10_000 });
      expect(two.applied.map((e) => e.position)).toEqual([next]);
      // The old leader does not apply anything once it has lost the lease.
      expect(one.applied).toEqual([]);
    } finally {
      await follower.close();
    }
  });
});
