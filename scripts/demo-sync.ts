/**
 * npm run demo:sync: a GitHub sync end to end, with no services and no network.
 *
 * Starts an embedded hub (PGlite in a temporary directory, removed at the end) and the GitHub API
 * fake of the tests on loopback, declares the fake as a provider extending `github`, connects a
 * tenant to it, syncs its issues and pull requests, prints the records; then changes a few items
 * in the fake, syncs again, changes three issues silently (no webhook, no updated_at: a sync
 * cannot see it) and runs a drift check that finds and repairs them. Exits non-zero with a
 * one-line reason when any step fails.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app/create-app.js';
import { createRuntime, type Runtime } from '../src/app/runtime.js';
import { systemCaller } from '../src/commands/deps.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import { type GithubApiFake, startGithubApiFake } from '../test/support/fakes/github-api.js';

const OPERATOR_TOKEN = `demo-${randomUUID()}`;
const REPOSITORIES: Record<string, { issues: number; pulls: number }> = {
  'octo-org/hello-world': { issues: 90, pulls: 20 },
  'octo-org/docs': { issues: 40, pulls: 10 },
  'octo-org/api': { issues: 30, pulls: 10 },
};
const RESOURCES = ['issues', 'pull-requests'] as const;
const TABLE_ROWS = 12;

const step = (line: string) => console.log(`\n==> ${line}`);
const info = (line: string) => console.log(`    ${line}`);
const caller = systemCaller('demo', randomUUID());

type Hub = { runtime: Runtime; url: string; close(): Promise<void> };

async function startHub(dataDir: string, providersFile: string): Promise<Hub> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    SWITCHBOARD_PROVIDERS_FILE: providersFile,
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
    // A throwaway master key for a throwaway data directory (npm start would generate and warn).
    SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'error',
  });
  const runtime = await createRuntime(config, createLogger({ level: config.logLevel }));
  const app = await createApp(runtime);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    runtime,
    url,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

async function graphql<T>(hub: Hub, query: string, variables: object, tenantId?: string): Promise<T> {
  const response = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.data as T;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sb-demo-sync-'));
  let fake: GithubApiFake | undefined;
  let hub: Hub | undefined;
  try {
    step('GitHub API fake on loopback');
    fake = await startGithubApiFake();
    for (const [repository, { issues, pulls }] of Object.entries(REPOSITORIES)) {
      fake.addRepository(repository);
      fake.seedIssues(repository, issues);
      fake.seedPullRequests(repository, pulls);
      for (let number = 3; number <= issues; number += 7)
        fake.updateIssue(repository, number, { state: 'closed' });
      info(`${repository.padEnd(22)} ${issues} issues, ${pulls} pull requests`);
    }
    info(`listening on ${fake.origin}`);

    step('Embedded hub (PGlite, no services)');
    const providersFile = path.join(dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({
        providers: [
          {
            id: 'github-demo',
            extends: 'github',
            displayName: 'GitHub (loopback fake)',
            api: { baseUrl: fake.origin },
            auth: {
              alternatives: [
                { mode: 'api_key', apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' } },
              ],
            },
          },
        ],
      }),
    );
    hub = await startHub(path.join(dataDir, 'data'), providersFile);
    for (const line of hub.runtime.describe()) info(line);
    info(`graphql: ${hub.url}/graphql`);

    step('Tenant and connection');
    const tenantId = `demo-${randomUUID().slice(0, 6)}`;
    await graphql(hub, 'mutation($input: RegisterTenantInput!) { registerTenant(input: $input) { id } }', {
      input: { id: tenantId, name: 'Sync demo' },
    });
    const { connectWithCredentials: connection } = await graphql<{ connectWithCredentials: { id: string } }>(
      hub,
      'mutation($input: ConnectWithCredentialsInput!) { connectWithCredentials(input: $input) { id } }',
      { input: { provider: 'github-demo', credentials: { apiKey: fake.token }, verify: false } },
      tenantId,
    );
    info(`tenant ${tenantId}, connection ${connection.id} (github-demo extends github)`);
    const runtime = hub.runtime;
    const repositories = Object.keys(REPOSITORIES);

    step('First sync (configureSync: due at once, the scheduler queues a full run)');
    for (const resource of RESOURCES) {
      await runtime.syncs.configureSync(caller, tenantId, {
        connectionId: connection.id,
        resource,
        config: { repositories },
        frequency: '1d',
      });
    }
    await settle(runtime, tenantId);
    await printRuns(runtime, tenantId);
    for (const resource of RESOURCES) await printRecords(runtime, tenantId, connection.id, resource);

    step('Changes at GitHub: one issue edited, one opened; a second sync picks them up');
    const [first] = repositories;
    fake.updateIssue(first as string, 1, { title: 'Crash when the config file is empty', state: 'closed' });
    const opened = fake.createIssue(first as string, { title: 'Document the sync engine' });
    info(`edited ${first}#1, opened ${first}#${opened.number}`);
    const calls = fake.calls.total;
    const notModified = fake.calls.notModified;
    for (const resource of RESOURCES) {
      await runtime.syncs.startSync(caller, tenantId, { connectionId: connection.id, resource });
    }
    await settle(runtime, tenantId);
    await printRuns(runtime, tenantId, 2);
    info(
      `${fake.calls.total - calls} requests to the fake, ${fake.calls.notModified - notModified} of them answered 304 Not Modified (page 1 unchanged)`,
    );

    step('Three issues changed silently (no webhook, updated_at untouched): only a drift check can see it');
    const silent = (
      [
        [first, 2, { title: 'Renamed behind our back' }],
        [repositories[1], 4, { state: 'closed' }],
        [repositories[2], 5, { title: 'Retitled without a trace' }],
      ] as const
    ).map(([repository, number, change]) => {
      const item = fake?.updateSilently(repository as string, number, change);
      info(`${repository}#${number} (id ${item?.id}): ${JSON.stringify(change)}`);
      return item;
    });
    const { checkId } = await runtime.syncs.checkDrift(caller, tenantId, {
      connectionId: connection.id,
      resource: 'issues',
    });
    await runtime.syncs.driftIdle();
    await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 60_000 });
    const check = await runtime.readModels.prisma.syncDriftCheck.findUniqueOrThrow({
      where: { tenantId_checkId: { tenantId, checkId } },
    });
    const list = (ids: unknown) => ((ids as string[]).length ? (ids as string[]).join(', ') : '-');
    info(`drift check ${checkId}: ${check.status}${check.message ? ` (${check.message})` : ''}`);
    info(`missing  ${list(check.missing)}`);
    info(`extra    ${list(check.extra)}`);
    info(`changed  ${list(check.changed)}`);
    info(`repaired ${check.repaired}`);
    const expected = new Set(silent.map((item) => String(item?.id)));
    const changed = new Set(check.changed as string[]);
    if (check.status !== 'REPAIRED' || check.repaired !== 3 || [...expected].some((id) => !changed.has(id))) {
      throw new Error(`the drift check should have found and repaired ${[...expected].join(', ')}`);
    }
    await printRecords(runtime, tenantId, connection.id, 'issues', [...expected]);

    step('Done: records synced, changes picked up, drift found and repaired');
  } finally {
    await hub?.close();
    await fake?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Ticks the engine until no run of the tenant is queued or running, then waits for the read models. */
async function settle(runtime: Runtime, tenantId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runtime.syncs.tick();
    await runtime.syncs.worker.idle();
    await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs });
    const open = await runtime.readModels.prisma.syncRun.count({
      where: { tenantId, status: { in: ['QUEUED', 'RUNNING', 'EXPIRED'] } },
    });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`sync runs still open after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function printRuns(runtime: Runtime, tenantId: string, last?: number): Promise<void> {
  const runs = await runtime.readModels.prisma.syncRun.findMany({
    where: { tenantId },
    orderBy: { scheduledAt: 'asc' },
  });
  const shown = last ? runs.slice(-last) : runs;
  info('resource        reason  full   status     added  updated  deleted  unchanged  requests');
  for (const run of shown) {
    if (run.status !== 'SUCCEEDED') {
      throw new Error(`the ${run.resource} run ended ${run.status}: ${run.error ?? 'no error recorded'}`);
    }
    info(
      [
        run.resource.padEnd(15),
        run.reason.padEnd(7),
        String(run.full).padEnd(6),
        run.status.padEnd(10),
        String(run.added).padStart(5),
        String(run.updated).padStart(8),
        String(run.deleted).padStart(8),
        String(run.unchanged).padStart(10),
        String(run.requests).padStart(9),
      ].join(' '),
    );
  }
}

async function printRecords(
  runtime: Runtime,
  tenantId: string,
  connectionId: string,
  resource: string,
  ids?: string[],
): Promise<void> {
  const where = {
    tenantId,
    connectionId,
    resource,
    deletedAt: null,
    ...(ids ? { recordId: { in: ids } } : {}),
  };
  const rows = (await runtime.readModels.prisma.syncRecord.findMany({ where })).map((row) => ({
    id: row.recordId,
    ...(row.data as { state: string; title: string; updatedAt: string; project: string | null }),
  }));
  rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
  const shown = rows.slice(0, TABLE_ROWS);
  console.log(
    ids
      ? `\n    ${resource} after the repair:`
      : `\n    ${resource}: ${rows.length} records${rows.length > shown.length ? `, the ${shown.length} updated last` : ''}`,
  );
  info(`${'id'.padEnd(6)} ${'state'.padEnd(7)} ${'updatedAt'.padEnd(20)} ${'repository'.padEnd(21)} title`);
  for (const row of shown) {
    info(
      `${row.id.padEnd(6)} ${row.state.padEnd(7)} ${row.updatedAt.padEnd(20)} ${String(row.project).padEnd(21)} ${row.title}`,
    );
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`\ndemo:sync failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
