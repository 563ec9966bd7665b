import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ApproveSyncReplayDocument,
  CheckDriftDocument,
  ConfigureSyncDocument,
  DriftChecksDocument,
  ProviderSyncsDocument,
  RecordChangesDocument,
  type RecordChangesSubscription,
  RecordsDocument,
  type RecordsQueryVariables,
  StartSyncDocument,
  SyncDeadLettersDocument,
  SyncRunsDocument,
  SyncsDocument,
} from '../../src/generated/graphql.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { asOperator, bearer, codes, OPERATOR_TOKEN } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';
import { connectWs, runWs } from '../support/ws-client.js';

describeWithPostgres('GraphQL over the sync engine, Todoist fake (PostgreSQL)', () => {
  let fake: TodoistApiFake;
  let idp: OidcProviderHarness;
  let world: SyncWorld;
  const otherTenant = `t${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    fake = await startTodoistApiFake();
    idp = await startOidcProvider();
    world = await startSyncWorld({
      base: 'todoist',
      baseUrl: fake.url,
      token: fake.token,
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    await registerTenant(world.hub, otherTenant);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await idp?.close();
    await fake?.close();
  });

  const asA = () => asOperator(world.tenantId);
  const tasks = () => ({ connectionId: world.connectionId, resource: 'tasks' });
  const request: SyncWorld['hub']['request'] = (document, variables, headers) =>
    world.hub.request(document, variables, headers);
  const settled = async () => {
    await world.drain();
    await world.engine.driftIdle();
    await world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 30_000,
    });
  };
  const records = async (variables: Partial<RecordsQueryVariables> = {}) => {
    const result = await request(RecordsDocument, { ...tasks(), ...variables }, asA());
    expect(result.errors).toBeUndefined();
    return result.data!.records;
  };

  it('lists what the provider can sync', async () => {
    const result = await request(ProviderSyncsDocument, { id: world.provider });
    expect(result.data?.provider?.capabilities.sync).toBe(true);
    expect(result.data?.provider?.syncs).toEqual([
      {
        resource: 'tasks',
        model: 'Ticket',
        description: expect.any(String),
        defaultFrequency: expect.any(String),
      },
    ]);
  });

  it('refuses a bad configuration naming the field, and unknown connections and resources with their codes', async () => {
    const configure = (input: Record<string, unknown>) =>
      request(ConfigureSyncDocument, { input: { ...tasks(), ...input } as never }, asA());
    const badConfig = await configure({ config: { repositories: ['a/b'] } });
    expect(codes(badConfig)).toEqual(['BAD_USER_INPUT']);
    expect(badConfig.errors?.[0]?.extensions?.field).toMatch(/^config/);
    const badFrequency = await configure({ frequency: 'every tuesday' });
    expect(codes(badFrequency)).toEqual(['BAD_USER_INPUT']);
    expect(badFrequency.errors?.[0]?.extensions?.field).toBe('frequency');
    expect(badFrequency.errors?.[0]?.message).toMatch(/frequency.*cron/);
    expect(codes(await configure({ frequency: '1s' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await configure({ resource: 'projects' }))).toEqual(['SYNC_RESOURCE_NOT_SUPPORTED']);
    expect(codes(await configure({ connectionId: 'conn_0000000000000000' }))).toEqual([
      'CONNECTION_NOT_FOUND',
    ]);
    // Nothing was configured by any of them.
    expect((await request(SyncsDocument, { connectionId: world.connectionId }, asA())).data?.syncs).toEqual(
      [],
    );
  });

  it('configures a sync, runs it, and reports its status, runs and records', async () => {
    fake.seedTasks(30);
    const configured = await request(
      ConfigureSyncDocument,
      { input: { ...tasks(), config: {}, frequency: '1h' } },
      asA(),
    );
    expect(configured.errors).toBeUndefined();
    expect(configured.data?.configureSync).toMatchObject({
      resource: 'tasks',
      frequency: '1h',
      enabled: true,
    });
    await settled();

    const syncs = await request(SyncsDocument, { connectionId: world.connectionId }, asA());
    expect(syncs.data?.syncs).toEqual([
      expect.objectContaining({
        resource: 'tasks',
        model: 'Ticket',
        status: 'IDLE',
        recordCount: 30,
        lastError: null,
        checkpoint: { syncToken: expect.any(String) },
        nextRunAt: expect.any(String),
      }),
    ]);
    const runs = await request(SyncRunsDocument, { ...tasks() }, asA());
    expect(runs.data?.syncRuns.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        full: true,
        added: 30,
        updated: 0,
        deleted: 0,
        attempt: 1,
      }),
    ]);
    expect(runs.data?.syncRuns.edges[0]?.node.requests).toBeGreaterThan(0);
  });

  it('pages the change feed, and a later read from its end cursor returns only what changed', async () => {
    const first = await records({ first: 20 });
    expect(first.edges).toHaveLength(20);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await records({ first: 20, after: first.pageInfo.endCursor });
    expect(second.edges).toHaveLength(10);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const seen = [...first.edges, ...second.edges].map((edge) => edge.node.id);
    expect(new Set(seen)).toEqual(new Set(fake.tasks().map((task) => task.id)));
    expect(first.edges[0]?.node.raw).toBeNull();
    const end = second.pageInfo.endCursor!;

    const [renamed, removed] = fake.tasks();
    fake.updateTask(renamed!.id, { content: 'Renamed through the API' });
    fake.deleteTask(removed!.id);
    const started = await request(StartSyncDocument, { input: tasks() }, asA());
    expect(started.errors).toBeUndefined();
    expect(['QUEUED', 'RUNNING']).toContain(started.data?.startSync.status);
    expect(started.data?.startSync.full).toBe(false);
    await settled();

    const changes = await records({ changedAfter: end });
    expect(changes.edges.map((edge) => edge.node.id)).toEqual([renamed!.id]);
    expect(changes.edges[0]?.node.data).toMatchObject({ title: 'Renamed through the API' });
    const withDeleted = await records({ changedAfter: end, includeDeleted: true, includeRaw: true });
    expect(new Set(withDeleted.edges.map((edge) => edge.node.id))).toEqual(
      new Set([renamed!.id, removed!.id]),
    );
    const deleted = withDeleted.edges.find((edge) => edge.node.id === removed!.id)?.node;
    expect(deleted?.deletedAt).toEqual(expect.any(String));
    const raw = withDeleted.edges.find((edge) => edge.node.id === renamed!.id)?.node.raw;
    expect(raw).toMatchObject({ id: renamed!.id, content: 'Renamed through the API' });
    // Read again from the new end: nothing more.
    expect((await records({ changedAfter: withDeleted.pageInfo.endCursor })).edges).toEqual([]);

    const run = (await request(SyncRunsDocument, { ...tasks(), first: 1 }, asA())).data?.syncRuns.edges[0]
      ?.node;
    expect(run).toMatchObject({
      id: started.data?.startSync.id,
      status: 'SUCCEEDED',
      updated: 1,
      deleted: 1,
    });
    expect(
      codes(await request(RecordsDocument, { ...tasks(), changedAfter: 'not-a-cursor' }, asA())),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('delivers changed records over a websocket once the read model has them, to the tenant only', async () => {
    const a = connectWs(world.hub.wsUrl, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      tenantId: world.tenantId,
    });
    const b = connectWs(world.hub.wsUrl, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      tenantId: otherTenant,
    });
    await Promise.all([a.acknowledged, b.acknowledged]);
    const live = a.client.iterate<RecordChangesSubscription>({
      query: print(RecordChangesDocument),
      variables: { filter: tasks(), includeRaw: true },
    });
    const refused = runWs(b.client, { query: print(RecordChangesDocument), variables: { filter: tasks() } });
    const next = live.next();
    // graphql-ws has no "subscribed" acknowledgement: give the server a moment to set up, then act.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const added = fake.addTask({ content: 'Seen live' });
    await request(StartSyncDocument, { input: tasks() }, asA());
    await settled();
    const first = await Promise.race([
      next,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no record change')), 15_000)),
    ]);
    const change = first.value?.data?.recordChanges;
    expect(change).toMatchObject({ id: added.id, data: { title: 'Seen live' }, raw: { id: added.id } });
    // Its cursor resumes the feed: nothing after it yet.
    expect((await records({ changedAfter: change!.cursor })).edges).toEqual([]);

    const other = await refused;
    expect(other.errors?.map((error) => error.extensions?.code)).toEqual(['CONNECTION_NOT_FOUND']);
    expect(other.data ?? null).toBeNull();
    await live.return?.();
    await a.client.dispose();
    await b.client.dispose();
  });

  it('runs a drift check that finds and repairs a silent change, and lists it', async () => {
    const target = fake.tasks().find((task) => !task.is_deleted)!;
    target.content = 'Changed behind the sync token';
    const started = await request(CheckDriftDocument, { input: tasks() }, asA());
    expect(started.errors).toBeUndefined();
    expect(started.data?.checkDrift.status).toBe('RUNNING');
    await settled();
    const checks = await request(DriftChecksDocument, { ...tasks() }, asA());
    expect(checks.data?.driftChecks.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        id: started.data?.checkDrift.id,
        status: 'REPAIRED',
        missing: [],
        extra: [],
        changed: [target.id],
        repaired: 1,
        finishedAt: expect.any(String),
      }),
    ]);
    const repaired = await records({ changedAfter: null, first: 500 });
    expect(repaired.edges.find((edge) => edge.node.id === target.id)?.node.data).toMatchObject({
      title: 'Changed behind the sync token',
    });
  });

  it('pauses and resumes through enabled', async () => {
    const paused = await request(ConfigureSyncDocument, { input: { ...tasks(), enabled: false } }, asA());
    expect(paused.data?.configureSync).toMatchObject({
      enabled: false,
      status: 'PAUSED',
      pausedReason: 'operator',
      nextRunAt: null,
    });
    const resumed = await request(ConfigureSyncDocument, { input: { ...tasks(), enabled: true } }, asA());
    expect(resumed.data?.configureSync).toMatchObject({ enabled: true, pausedReason: null });
    expect(resumed.data?.configureSync.status).not.toBe('PAUSED');
    await settled();
  });

  it('parks a run the provider refuses, lists it, and replays it once approved', async () => {
    fake.setForbidden(true);
    try {
      await request(StartSyncDocument, { input: tasks() }, asA());
      await settled();
    } finally {
      fake.setForbidden(false);
    }
    const letters = await request(SyncDeadLettersDocument, { connectionId: world.connectionId }, asA());
    const letter = letters.data?.syncDeadLetters.edges[0]?.node;
    expect(letter).toMatchObject({ resource: 'tasks', class: 'terminal', status: 403, approvedAt: null });
    expect(
      (await request(SyncsDocument, { connectionId: world.connectionId }, asA())).data?.syncs[0]?.status,
    ).toBe('DEAD_LETTERED');
    // Another tenant cannot approve it: not found, as if it did not exist.
    expect(
      codes(await request(ApproveSyncReplayDocument, { id: letter!.id }, asOperator(otherTenant))),
    ).toEqual(['SYNC_DEAD_LETTER_NOT_FOUND']);
    const replay = await request(ApproveSyncReplayDocument, { id: letter!.id }, asA());
    expect(replay.errors).toBeUndefined();
    expect(replay.data?.approveSyncReplay.reason).toBe('replay');
    await settled();
    const run = (await request(SyncRunsDocument, { ...tasks(), first: 1 }, asA())).data?.syncRuns.edges[0]
      ?.node;
    expect(run).toMatchObject({
      id: replay.data?.approveSyncReplay.id,
      reason: 'replay',
      status: 'SUCCEEDED',
    });
    const after = await request(SyncDeadLettersDocument, { connectionId: world.connectionId }, asA());
    expect(after.data?.syncDeadLetters.edges[0]?.node).toMatchObject({
      id: letter!.id,
      approvedAt: expect.any(String),
      replayRunId: replay.data?.approveSyncReplay.id,
    });
    expect(codes(await request(ApproveSyncReplayDocument, { id: letter!.id }, asA()))).toEqual([
      'SYNC_DEAD_LETTER_NOT_FOUND',
    ]);
  });

  it('refuses callers without connections:read, and writes without connections:write', async () => {
    const signalsOnly = bearer(
      await idp.tokenFor({ scopes: ['tenants:all', 'signals:read'] }),
      world.tenantId,
    );
    const readOnly = bearer(
      await idp.tokenFor({ scopes: ['tenants:all', 'connections:read'] }),
      world.tenantId,
    );
    expect(codes(await request(RecordsDocument, tasks(), signalsOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await request(SyncsDocument, { connectionId: world.connectionId }, signalsOnly))).toEqual([
      'FORBIDDEN',
    ]);
    const read = await request(RecordsDocument, { ...tasks(), first: 1 }, readOnly);
    expect(read.errors).toBeUndefined();
    expect(read.data?.records.edges).toHaveLength(1);
    expect(codes(await request(StartSyncDocument, { input: tasks() }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await request(ConfigureSyncDocument, { input: tasks() }, readOnly))).toEqual(['FORBIDDEN']);
    expect(codes(await request(CheckDriftDocument, { input: tasks() }, readOnly))).toEqual(['FORBIDDEN']);
  });

  it("gives another tenant NOT_FOUND, never data, for this tenant's syncs and records", async () => {
    const asB = asOperator(otherTenant);
    const results = await Promise.all([
      request(SyncsDocument, { connectionId: world.connectionId }, asB),
      request(RecordsDocument, tasks(), asB),
      request(SyncRunsDocument, tasks(), asB),
      request(DriftChecksDocument, tasks(), asB),
      request(SyncDeadLettersDocument, { connectionId: world.connectionId }, asB),
      request(ConfigureSyncDocument, { input: { ...tasks(), frequency: '5m' } }, asB),
      request(StartSyncDocument, { input: tasks() }, asB),
      request(CheckDriftDocument, { input: tasks() }, asB),
    ]);
    for (const result of results) {
      expect(codes(result)).toEqual(['CONNECTION_NOT_FOUND']);
      expect(result.data ?? null).toBeNull();
    }
    // Tenant A's sync is untouched: B's configureSync did not change its frequency.
    const mine = await request(SyncsDocument, { connectionId: world.connectionId }, asA());
    expect(mine.data?.syncs[0]?.frequency).toBe('1h');
  });
});
