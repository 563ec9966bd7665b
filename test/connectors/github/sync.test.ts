import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import { githubIssuesSync, githubPullRequestsSync } from '../../../src/connectors/github/sync.js';
import type { GithubSyncConfig } from '../../../src/connectors/github/sync-listing.js';
import { ticketSchema } from '../../../src/connectors/sdk/models.js';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { Checkpoint, SyncContext, SyncPage } from '../../../src/connectors/sdk/sync.js';
import { resourceSyncOf } from '../../../src/connectors/syncs.js';
import { createProviderHttp, staticCredentials } from '../../../src/sync/provider-client/index.js';
import { type GithubApiFake, startGithubApiFake } from '../../support/fakes/github-api.js';

type Ticket = import('../../../src/connectors/sdk/models.js').Ticket;
type TicketSync = typeof githubIssuesSync;

let fake: GithubApiFake;

function context(options: {
  checkpoint?: Checkpoint | null;
  full?: boolean;
  config?: GithubSyncConfig;
  token?: string;
}): SyncContext<GithubSyncConfig> {
  const connection = { id: 'conn-1', accountId: '2000', values: {} };
  return {
    checkpoint: options.checkpoint ?? null,
    config: options.config ?? { repositories: ['octo-org/hello'] },
    full: options.full ?? options.checkpoint == null,
    http: createProviderHttp({
      manifest: { id: 'github', api: { ...githubManifest.api, baseUrl: fake.origin } },
      connection,
      credentials: staticCredentials({ authorization: `Bearer ${options.token ?? fake.token}` }),
    }),
    connection,
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

async function run(sync: TicketSync, ctx: SyncContext<GithubSyncConfig>, stopAfter = Infinity) {
  const pages: SyncPage<Ticket>[] = [];
  for await (const page of sync.sync(ctx)) {
    pages.push(page);
    if (pages.length >= stopAfter) break;
  }
  const records = pages.flatMap((page) => page.records);
  return { pages, records, checkpoint: pages.at(-1)?.checkpoint ?? ctx.checkpoint };
}

const ids = (records: Array<{ id: string }>) => records.map((record) => record.id);
const paths = () => fake.calls.log.map((call) => call.url);

beforeAll(async () => {
  fake = await startGithubApiFake();
  fake.addRepository('octo-org/hello');
  fake.seedIssues('octo-org/hello', 250);
  fake.seedPullRequests('octo-org/hello', 30);
  fake.addRepository('octo-org/pulls');
  fake.seedPullRequests('octo-org/pulls', 250);
  fake.addRepository('octo-org/wiki-only', { hasIssues: false });
  fake.createPullRequest('octo-org/wiki-only');
});
afterAll(() => fake.close());
beforeEach(() => fake.resetCalls());

describe('GitHub issues sync against the GitHub fake', () => {
  let afterFirst: Checkpoint | null = null;

  it('lists every issue (no pull requests) newest first through Link pages, as canonical Tickets', async () => {
    const { pages, records, checkpoint } = await run(githubIssuesSync, context({}));
    const issues = fake.items('octo-org/hello').filter((item) => !item.pull);
    expect(new Set(ids(records))).toEqual(new Set(issues.map((issue) => String(issue.id))));
    expect(records).toHaveLength(250);
    expect(pages).toHaveLength(3);
    const repositoryId = fake.store.repository('octo-org/hello')?.id;
    expect(paths()).toEqual([
      '/repos/octo-org/hello/issues?state=all&sort=updated&direction=desc&per_page=100',
      `/repositories/${repositoryId}/issues?state=all&sort=updated&direction=desc&per_page=100&page=2`,
      `/repositories/${repositoryId}/issues?state=all&sort=updated&direction=desc&per_page=100&page=3`,
    ]);
    const first = issues[0]!;
    const record = records.find((candidate) => candidate.id === String(first.id));
    expect(record?.data).toEqual({
      id: String(first.id),
      title: 'Test issue 1',
      status: 'open',
      state: 'open',
      url: 'https://github.com/octo-org/hello/issues/1',
      assignees: [],
      createdAt: '2017-10-10T16:00:00Z',
      updatedAt: '2017-10-10T16:00:00Z',
      project: 'octo-org/hello',
      kind: 'issue',
    });
    expect(record?.raw).toEqual(fake.issueJson(first));
    for (const { data } of records) expect(ticketSchema.parse(data)).toEqual(data);
    afterFirst = checkpoint;
  });

  it('gets a 304 on the next run and yields nothing', async () => {
    const { pages } = await run(githubIssuesSync, context({ checkpoint: afterFirst }));
    expect(pages).toEqual([]);
    expect(fake.calls.log).toEqual([
      expect.objectContaining({ status: 304, ifNoneMatch: expect.stringMatching(/^"[0-9a-f]{64}"$/) }),
    ]);
  });

  it('picks up an update in one request, then answers 304 again', async () => {
    const updated = fake.updateIssue('octo-org/hello', 7, {
      title: 'Crash on start',
      state: 'closed',
      assignees: ['hubot'],
    });
    const { records, checkpoint } = await run(githubIssuesSync, context({ checkpoint: afterFirst }));
    expect(fake.calls.log.map((call) => call.status)).toEqual([200]);
    const record = records.find((candidate) => candidate.id === String(updated.id));
    expect(record?.data).toMatchObject({
      title: 'Crash on start',
      status: 'closed',
      state: 'closed',
      assignees: [{ id: expect.any(String), name: 'hubot', email: null }],
      updatedAt: fake.issueJson(updated).updated_at,
    });
    // Besides it, only what sat at the old cursor's second (listed again, unchanged).
    expect(records.length).toBeLessThanOrEqual(2);

    fake.resetCalls();
    const again = await run(githubIssuesSync, context({ checkpoint }));
    expect(again.pages).toEqual([]);
    expect(fake.calls.notModified).toBe(1);
  });

  it('resumes a listing at the page saved in the checkpoint, with no gap and no repeat', async () => {
    const interrupted = await run(githubIssuesSync, context({ full: true }), 1);
    // Page 1 holds the newest 100 items: the 30 pull requests (skipped) and 70 issues.
    expect(interrupted.records.length).toBe(70);
    fake.resetCalls();
    const resumed = await run(githubIssuesSync, context({ checkpoint: interrupted.checkpoint, full: true }));
    expect(paths()[0]).toMatch(/\/repositories\/\d+\/issues\?.*&page=2$/);
    expect(fake.calls.total).toBe(2);
    const all = [...ids(interrupted.records), ...ids(resumed.records)];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(250);
    expect(resumed.checkpoint).not.toHaveProperty('fullScan');
  });

  it('lists every repository of GET /user/repos when none are configured, skipping those without issues', async () => {
    const { records, checkpoint } = await run(githubIssuesSync, context({ config: {} }));
    expect(records).toHaveLength(250);
    expect(paths()[0]).toBe('/user/repos?per_page=100');
    expect(paths().some((path) => path.includes('wiki-only'))).toBe(false);
    expect(Object.keys((checkpoint as { repos: object }).repos).sort()).toEqual([
      'octo-org/hello',
      'octo-org/pulls',
    ]);
  });

  it('fetches one issue fresh by the address in its known record, and null once deleted', async () => {
    const { records } = await run(githubIssuesSync, context({}));
    const target = fake.items('octo-org/hello').find((item) => item.number === 20)!;
    const known = records.find((record) => record.id === String(target.id))!;
    fake.updateSilently('octo-org/hello', 20, { title: 'Silently renamed' });
    const fresh = await githubIssuesSync.fetchOne?.(context({}), known.id, known);
    expect(fresh?.data).toEqual({ ...known.data, title: 'Silently renamed' });
    fake.deleteIssue('octo-org/hello', 20);
    await expect(githubIssuesSync.fetchOne?.(context({}), known.id, known)).resolves.toBeNull();
  });

  it('surfaces a revoked token as an auth failure and a secondary limit as rate_limited with its retry time', async () => {
    await expect(run(githubIssuesSync, context({ token: 'gho_revoked' }))).rejects.toMatchObject({
      failureClass: 'auth',
      status: 401,
    });
    fake.secondaryRateLimit({ retryAfterSeconds: 42 });
    const before = Date.now();
    const error = await run(githubIssuesSync, context({})).catch((failure: unknown) => failure);
    fake.liftRateLimits();
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ failureClass: 'rate_limited', status: 403 });
    const retryAt = (error as ProviderCallError).retryAt?.getTime() ?? 0;
    expect(retryAt - before).toBeGreaterThanOrEqual(41_000);
  });
});

describe('GitHub pull requests sync against the GitHub fake', () => {
  it('lists every pull request, stops paging at the cursor, and answers later runs with a 304', async () => {
    const config = { repositories: ['octo-org/pulls'] };
    const first = await run(githubPullRequestsSync, context({ config }));
    expect(first.records).toHaveLength(250);
    expect(fake.calls.total).toBe(3);
    expect(first.records[0]?.data).toMatchObject({
      kind: 'pull_request',
      status: 'open',
      project: 'octo-org/pulls',
    });
    expect(first.records[0]?.id).toBe(String(fake.items('octo-org/pulls').at(-1)?.pull?.id));

    // 150 updates: the newest 150 plus the old newest fill pages 1 and 2; page 3 is never read.
    const numbers = Array.from({ length: 150 }, (_, index) => index + 1);
    for (const number of numbers) fake.updateIssue('octo-org/pulls', number, { draft: number % 2 === 0 });
    fake.updateIssue('octo-org/pulls', 3, { merged: true });
    fake.resetCalls();
    const second = await run(githubPullRequestsSync, context({ config, checkpoint: first.checkpoint }));
    expect(fake.calls.total).toBe(2);
    const pulls = fake.items('octo-org/pulls');
    const changed = pulls.filter((item) => item.number <= 150).map((item) => String(item.pull?.id));
    expect(ids(second.records)).toEqual(expect.arrayContaining(changed));
    expect(second.records.length).toBeLessThanOrEqual(changed.length + 1);
    const statusOf = (number: number) =>
      second.records.find((record) => record.id === String(pulls[number - 1]?.pull?.id))?.data.status;
    expect([statusOf(2), statusOf(3), statusOf(5)]).toEqual(['draft', 'merged', 'open']);

    fake.resetCalls();
    const third = await run(githubPullRequestsSync, context({ config, checkpoint: second.checkpoint }));
    expect(third.pages).toEqual([]);
    expect(fake.calls.log.map((call) => call.status)).toEqual([304]);
  });

  it('resumes a full run after its first repository without listing that repository again', async () => {
    const config = { repositories: ['octo-org/hello', 'octo-org/pulls'] };
    const all = await run(githubPullRequestsSync, context({ config, full: true }));
    expect(all.records).toHaveLength(280);
    // Pages come one behind: the second page yielded is the first of octo-org/pulls (hello has one).
    const interrupted = await run(githubPullRequestsSync, context({ config, full: true }), 1);
    expect(interrupted.checkpoint).toMatchObject({ fullScan: { done: ['octo-org/hello'] } });
    fake.resetCalls();
    const resumed = await run(
      githubPullRequestsSync,
      context({ config, full: true, checkpoint: interrupted.checkpoint }),
    );
    expect(paths().every((path) => !path.includes('/octo-org/hello/'))).toBe(true);
    expect(new Set([...ids(interrupted.records), ...ids(resumed.records)])).toEqual(
      new Set(ids(all.records)),
    );
    expect(resumed.checkpoint).not.toHaveProperty('fullScan');
  });

  it('is the registry entry for github/pull-requests, as issues is for github/issues', () => {
    expect(resourceSyncOf('github', 'pull-requests')).toBe(githubPullRequestsSync);
    expect(resourceSyncOf('github', 'issues')).toBe(githubIssuesSync);
    expect(githubManifest.syncs.map((sync) => sync.resource)).toEqual(['issues', 'pull-requests']);
  });
});
