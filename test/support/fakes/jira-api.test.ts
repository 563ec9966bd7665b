import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JiraApiFake, STATUSES, startJiraApiFake } from './jira-api.js';

/**
 * The Jira fake, driven by jira.js (Atlassian's REST v3 models as zod schemas): what it serves,
 * the client reads, and in the schemas' strict form (AUDIT_SCHEMAS, which jira.js reads when its
 * models load) no field of it is one the API reference does not document.
 */

type JiraJs = typeof import('jira.js');
type JiraModels = typeof import('jira.js/cloud');
let jira: JiraJs;
let models: JiraModels;
beforeAll(async () => {
  process.env.AUDIT_SCHEMAS = 'true';
  jira = await import('jira.js');
  models = await import('jira.js/cloud');
});

let fake: JiraApiFake;
beforeEach(async () => {
  fake = await startJiraApiFake();
});
afterEach(() => fake.close());

const client = (token = fake.token) =>
  jira.createCloudClient({ host: fake.origin, auth: { type: 'bearer', token }, onSchemaMismatch: 'throw' });
const FIELDS = ['summary', 'status', 'assignee', 'created', 'updated', 'project', 'issuetype'];

describe('the Jira fake, through jira.js', () => {
  it('serves issues whose fields fit the documented models exactly, ids only unless fields are asked for', async () => {
    fake.seedIssues(2);
    fake.addIssue({ assignee: null, status: STATUSES.inProgress, issuetype: 'Bug', project: 'OPS' });
    const api = client();

    const result = await api.issueSearch.searchAndReconsileIssuesUsingJql({
      jql: 'project in ("ENG", "OPS") ORDER BY updated ASC',
      fields: FIELDS,
      maxResults: 10,
    });

    expect(models.SearchAndReconcileResultsSchema.parse(result)).toMatchObject({ isLast: true });
    expect(result.issues?.map((issue) => issue.key)).toEqual(['ENG-1', 'ENG-2', 'OPS-3']);
    for (const issue of result.issues ?? []) {
      const fields = issue.fields as Record<string, unknown>;
      expect(Object.keys(fields).sort()).toEqual([...FIELDS].sort());
      models.StatusDetailsSchema.parse(fields.status);
      models.ProjectDetailsSchema.parse(fields.project);
      models.IssueTypeDetailsSchema.parse(fields.issuetype);
      if (fields.assignee !== null) models.UserDetailsSchema.parse(fields.assignee);
      expect(new Date(fields.updated as string).getTime()).toBe(fake.now);
    }
    const third = result.issues?.[2]?.fields as Record<string, { statusCategory?: { key: string } } | null>;
    expect(third.status?.statusCategory?.key).toBe('indeterminate');
    expect(third.assignee).toBeNull();

    const bare = await api.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG' });
    expect(bare.issues).toEqual([{ id: '10002' }, { id: '10001' }]);
    expect(models.DashboardUserSchema.parse(await api.myself.getCurrentUser())).toMatchObject({
      timeZone: 'America/Los_Angeles',
    });
  });

  it('pages with nextPageToken, by GET or POST, and reads JQL dates in the user time zone', async () => {
    fake.seedIssues(5);
    fake.advance(60 * 60_000);
    const later = fake.seedIssues(3);
    const api = client();

    // 09:00 UTC is 01:00 in Los Angeles in January: an hour after the first five, at the last three.
    const jql = 'project = ENG AND updated >= "2030-01-15 02:00" ORDER BY updated ASC';
    const first = await api.issueSearch.searchAndReconsileIssuesUsingJql({
      jql,
      maxResults: 2,
      fields: ['summary'],
    });
    expect(first).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
    const second = await api.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql,
      maxResults: 2,
      fields: ['summary'],
      nextPageToken: first.nextPageToken as string,
    });
    expect(second.isLast).toBe(true);
    expect(second.nextPageToken).toBeUndefined();
    expect([...(first.issues ?? []), ...(second.issues ?? [])].map((issue) => issue.id)).toEqual(
      later.map((issue) => issue.id),
    );
    expect(fake.searches.map((search) => search.method)).toEqual(['GET', 'POST']);
  });

  it('refuses unbounded JQL, a token of another query, and a wrong access token', async () => {
    const api = client();
    await expect(
      api.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'ORDER BY updated ASC' }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      api.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG', nextPageToken: 'made-up' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      client('wrong').issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG' }),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('offers transitions jira.js reads with its Transitions model, and performs one', async () => {
    const issue = fake.addIssue();
    const api = client();
    const listed = await api.issues.getTransitions({ issueIdOrKey: issue.key });
    expect(
      models.TransitionsSchema.parse(listed).transitions?.map((each) => [each.id, each.to?.name]),
    ).toEqual([
      ['21', 'In Progress'],
      ['31', 'Done'],
    ]);
    await api.issues.doTransition({ issueIdOrKey: issue.key, transition: { id: '21' } });
    expect(fake.issues().find((each) => each.id === issue.id)?.status.name).toBe('In Progress');
    const refused = await api.issues.doTransition({ issueIdOrKey: issue.key, transition: { id: '21' } }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).not.toBeNull();
    expect(fake.transitions.map((each) => each.transitionId)).toEqual(['21', '21']);
  });
});
