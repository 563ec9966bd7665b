import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jiraManifest } from '../../../src/connectors/jira/manifest.js';
import { JIRA_SYNCS, jiraSyncConfigSchema } from '../../../src/connectors/jira/sync.js';
import type { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { SyncContext } from '../../../src/connectors/sdk/sync.js';
import { resourceSyncOf } from '../../../src/connectors/syncs.js';
import { createProviderHttp, staticCredentials } from '../../../src/sync/provider-client/index.js';
import { type JiraApiFake, STATUSES, startJiraApiFake } from '../../support/fakes/jira-api.js';
import { runResourceSync, type SyncRunOptions } from '../../support/run-resource-sync.js';

let fake: JiraApiFake;
beforeEach(async () => {
  fake = await startJiraApiFake();
});
afterEach(() => fake.close());

const MINUTE = 60_000;
const sync = JIRA_SYNCS.issues;
const run = (options: Partial<SyncRunOptions> = {}) =>
  runResourceSync(sync, { manifest: jiraManifest, baseUrl: fake.origin, token: fake.token, ...options });
const iso = (ms: number) => new Date(ms).toISOString();

describe('Jira issues sync (enhanced JQL search)', () => {
  it('lists every issue in full, oldest change first, as canonical Tickets, and keeps the newest updated time', async () => {
    const [first] = fake.seedIssues(2);
    fake.advance(MINUTE);
    const bug = fake.addIssue({
      project: 'OPS',
      issuetype: 'Bug',
      status: STATUSES.inProgress,
      assignee: null,
    });
    fake.advance(MINUTE);
    const done = fake.addIssue({ status: STATUSES.done });

    const result = await run();

    expect(result.error).toBeNull();
    expect(result.recordIds).toEqual(['10001', '10002', bug.id, done.id]);
    expect(result.pages[0]!.records[0]!.data).toEqual({
      id: first!.id,
      title: 'Issue number 1',
      status: 'To Do',
      state: 'open',
      url: `${fake.origin}/browse/ENG-1`,
      assignees: [{ id: '5b10ac8d82e05b22cc7d4ef5', name: 'Emma Richards', email: 'emma@example.com' }],
      createdAt: iso(first!.created),
      updatedAt: iso(first!.updated),
      project: 'ENG',
      kind: 'Task',
    });
    expect(result.pages[0]!.records[2]!.data).toMatchObject({
      status: 'In Progress',
      state: 'in_progress',
      assignees: [],
      project: 'OPS',
      kind: 'Bug',
    });
    expect(result.pages[0]!.records[3]!.data).toMatchObject({ status: 'Done', state: 'closed' });
    expect(result.deletes).toEqual([]);
    expect(fake.searches).toEqual([
      {
        method: 'GET',
        jql: 'updated >= "1970-01-01 00:00" ORDER BY updated ASC',
        nextPageToken: null,
        fields: 'summary,status,assignee,created,updated,project,issuetype',
        maxResults: '100',
        status: 200,
      },
    ]);
    expect(result.checkpoint).toEqual({ updatedSince: iso(done.updated) });
  });

  it('pages with nextPageToken; a full run that stopped resumes from its last page, re-reading that minute', async () => {
    const issues = Array.from({ length: 230 }, () => {
      fake.advance(MINUTE);
      return fake.addIssue();
    });
    const result = await run();

    expect(result.pages.map((page) => page.records.length)).toEqual([100, 100, 30]);
    expect(result.recordIds).toEqual(issues.map((issue) => issue.id));
    expect(fake.searches.map((search) => search.nextPageToken === null)).toEqual([true, false, false]);
    expect(result.pages[0]!.checkpoint).toEqual({ updatedSince: iso(issues[99]!.updated), fullScan: true });
    expect(result.pages[2]!.checkpoint).toEqual({ updatedSince: iso(issues[229]!.updated) });

    const resumed = await run({ checkpoint: result.pages[0]!.checkpoint, full: true });
    expect(resumed.recordIds).toEqual(issues.slice(99).map((issue) => issue.id));
    // A new full run (no full listing under way) starts from nothing whatever the cursor says.
    const again = await run({ checkpoint: result.checkpoint, full: true });
    expect(again.recordIds).toHaveLength(230);
  });

  it('asks from the cursor minute in the user time zone next time and gets the changes, without deletions', async () => {
    const seeded = fake.seedIssues(5);
    fake.advance(MINUTE);
    const boundary = fake.addIssue(); // 09:01 UTC, the newest the first run sees
    const first = await run();
    fake.advance(10 * MINUTE);
    fake.updateIssue(seeded[1]!.id, { summary: 'Renamed', status: STATUSES.done });
    const added = fake.addIssue({ project: 'OPS' });
    fake.deleteIssue(seeded[2]!.id);

    const changes = await run({ checkpoint: first.checkpoint });

    expect(changes.error).toBeNull();
    // 09:01 UTC is 01:01 in Los Angeles (the fake user's zone) in January.
    expect(fake.searches.at(-1)?.jql).toBe('updated >= "2030-01-15 01:01" ORDER BY updated ASC');
    expect(changes.recordIds).toEqual([boundary.id, seeded[1]!.id, added.id]);
    expect(changes.pages[0]!.records[1]!.data).toMatchObject({ title: 'Renamed', state: 'closed' });
    expect(changes.deletes).toEqual([]);
    expect(changes.checkpoint).toEqual({ updatedSince: iso(added.updated) });

    // The same cursor for a user in Sydney (UTC+11 in January): another literal, the same issues.
    fake.timeZone = 'Australia/Sydney';
    const sydney = await run({ checkpoint: first.checkpoint });
    expect(fake.searches.at(-1)?.jql).toBe('updated >= "2030-01-15 20:01" ORDER BY updated ASC');
    expect(sydney.recordIds).toEqual(changes.recordIds);

    // Only a full listing shows the deletion, by the issue's absence.
    const full = await run({ checkpoint: changes.checkpoint, full: true });
    expect(full.recordIds).not.toContain(seeded[2]!.id);
    expect(full.recordIds).toHaveLength(6);
  });

  it('narrows the search to the configured projects or JQL, and refuses configs it cannot honour', async () => {
    fake.seedIssues(2);
    const ops = fake.addIssue({ project: 'OPS' });

    const byProject = await run({ config: { projects: ['OPS'] } });
    expect(byProject.recordIds).toEqual([ops.id]);
    expect(fake.searches.at(-1)?.jql).toBe(
      'project in ("OPS") AND updated >= "1970-01-01 00:00" ORDER BY updated ASC',
    );
    const byJql = await run({ config: { jql: 'project = ENG' } });
    expect(byJql.recordIds).toEqual(['10001', '10002']);
    expect(fake.searches.at(-1)?.jql).toBe(
      '(project = ENG) AND updated >= "1970-01-01 00:00" ORDER BY updated ASC',
    );

    expect(jiraSyncConfigSchema.safeParse({ jql: 'project = ENG ORDER BY created' }).success).toBe(false);
    expect(jiraSyncConfigSchema.safeParse({ projects: ['eng") OR ("x'] }).success).toBe(false);
    expect(jiraSyncConfigSchema.safeParse({ extra: true }).success).toBe(false);
  });

  it('builds browse URLs on the site the connection knows', async () => {
    fake.seedIssues(1);
    const result = await run({ values: { siteUrl: 'https://acme.atlassian.net/' } });
    expect(result.pages[0]!.records[0]!.data).toMatchObject({
      url: 'https://acme.atlassian.net/browse/ENG-1',
    });
  });

  it('reports a refused token as an auth failure and fetches one issue fresh for drift checks', async () => {
    const [kept, gone] = fake.seedIssues(2);
    expect(resourceSyncOf('jira', 'issues')).toBe(sync);
    fake.setInvalidAuth(true);
    expect(((await run()).error as ProviderCallError).failureClass).toBe('auth');
    fake.setInvalidAuth(false);

    const listed = await run();
    fake.deleteIssue(gone!.id);
    const connection = { id: 'connection-1', accountId: null, values: {} };
    const ctx: SyncContext<{ jql?: string; projects?: string[] }> = {
      checkpoint: null,
      config: {},
      full: true,
      connection,
      signal: new AbortController().signal,
      now: () => new Date(),
      http: createProviderHttp({
        manifest: { ...jiraManifest, api: { ...jiraManifest.api, baseUrl: fake.origin } },
        connection,
        credentials: staticCredentials({ authorization: `Bearer ${fake.token}` }),
      }),
    };
    expect(await sync.fetchOne!(ctx, kept!.id)).toEqual(listed.pages[0]!.records[0]);
    expect(await sync.fetchOne!(ctx, gone!.id)).toBeNull();
  });
});
