import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { throttling } from '@octokit/plugin-throttling';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GithubApiFake, startGithubApiFake } from './github-api.js';
import { ISSUE, PULL_REQUEST } from './github-recordings.js';

/** The fake checked with GitHub's own SDK: Octokit must page, cache and back off against it as against GitHub. */
const ThrottledOctokit = Octokit.plugin(paginateRest, throttling);

let fake: GithubApiFake;
const secondaryLimits: number[] = [];

function octokit(token = fake.token) {
  return new ThrottledOctokit({
    baseUrl: fake.origin,
    auth: token,
    throttle: {
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
        secondaryLimits.push(retryAfter);
        return retryCount < 2;
      },
    },
  });
}

beforeAll(async () => {
  fake = await startGithubApiFake();
  fake.addRepository('octo-org/hello');
  fake.seedIssues('octo-org/hello', 230);
  fake.seedPullRequests('octo-org/hello', 20);
  fake.addRepository('octo-org/quiet', { hasIssues: false });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.resetCalls();
  secondaryLimits.length = 0;
});

describe('GitHub API fake, read by Octokit', () => {
  it('pages every issue through Link headers, pull requests among them as GitHub lists them', async () => {
    const issues = await octokit().paginate('GET /repos/{owner}/{repo}/issues', {
      owner: 'octo-org',
      repo: 'hello',
      state: 'all',
      per_page: 100,
    });
    expect(issues.map((issue) => issue.number)).toEqual(
      Array.from({ length: 250 }, (_, index) => 250 - index),
    );
    expect(issues.filter((issue) => issue.pull_request).length).toBe(20);
    const repositoryId = fake.store.repository('octo-org/hello')?.id;
    expect(fake.calls.log.map((call) => call.url)).toEqual([
      '/repos/octo-org/hello/issues?state=all&per_page=100',
      `/repositories/${repositoryId}/issues?state=all&per_page=100&page=2`,
      `/repositories/${repositoryId}/issues?state=all&per_page=100&page=3`,
    ]);
    // Cloned from the recording: same keys, new identity.
    const first = issues.at(-1);
    expect(Object.keys(first ?? {}).sort()).toEqual(Object.keys(ISSUE).sort());
    expect(first?.html_url).toBe('https://github.com/octo-org/hello/issues/1');
    expect(first?.url).toBe(`${fake.origin}/repos/octo-org/hello/issues/1`);
  });

  it('filters by since (inclusive) and sorts by updated in either direction', async () => {
    const target = fake.items('octo-org/hello')[199];
    const { data } = await octokit().request('GET /repos/{owner}/{repo}/issues', {
      owner: 'octo-org',
      repo: 'hello',
      state: 'all',
      sort: 'updated',
      direction: 'asc',
      since: fake.issueJson(target!).updated_at,
      per_page: 100,
    });
    expect(data.map((issue) => issue.number)).toEqual(Array.from({ length: 51 }, (_, index) => 200 + index));
    const updated = fake.updateIssue('octo-org/hello', 3, { state: 'closed' });
    const { data: newest } = await octokit().request('GET /repos/{owner}/{repo}/issues', {
      owner: 'octo-org',
      repo: 'hello',
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: 2,
    });
    expect(newest.map((issue) => [issue.number, issue.state])).toEqual([
      [3, 'closed'],
      [250, 'open'],
    ]);
    expect(Date.parse(newest[0]!.updated_at)).toBe(updated.updatedAt);
  });

  it('answers 304 to a matching If-None-Match, free of quota, and a new ETag once something changed', async () => {
    const route = { owner: 'octo-org', repo: 'hello', state: 'all' as const, per_page: 5 };
    const first = await octokit().request('GET /repos/{owner}/{repo}/pulls', route);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    const notModified = await octokit()
      .request('GET /repos/{owner}/{repo}/pulls', { ...route, headers: { 'if-none-match': etag } })
      .catch((error: { status: number; response: { headers: Record<string, string> } }) => error);
    expect(notModified).toMatchObject({ status: 304 });
    expect(
      Number(
        (notModified as { response: { headers: Record<string, string> } }).response.headers[
          'x-ratelimit-remaining'
        ],
      ),
    ).toBe(remaining);
    fake.updateIssue('octo-org/hello', 240, { draft: true });
    const changed = await octokit().request('GET /repos/{owner}/{repo}/pulls', {
      ...route,
      sort: 'updated',
      direction: 'desc',
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.data[0]).toMatchObject({ number: 240, draft: true });
    expect(fake.calls.notModified).toBe(1);
  });

  it('lists pull requests in the pull-request-simple shape of the recorded one', async () => {
    const pulls = await octokit().paginate('GET /repos/{owner}/{repo}/pulls', {
      owner: 'octo-org',
      repo: 'hello',
      state: 'all',
      per_page: 100,
    });
    expect(pulls).toHaveLength(20);
    const recordedKeys = new Set(Object.keys(PULL_REQUEST));
    for (const key of Object.keys(pulls[0] ?? {})) expect(recordedKeys.has(key), key).toBe(true);
    expect(pulls[0]).not.toHaveProperty('mergeable');
    const { data: one } = await octokit().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner: 'octo-org',
      repo: 'hello',
      pull_number: pulls[0]!.number,
    });
    expect(one).toMatchObject({ id: pulls[0]!.id, merged: false, mergeable: PULL_REQUEST.mergeable });
  });

  it('pages the user repositories and refuses issues where they are turned off (410)', async () => {
    const repositories = await octokit().paginate('GET /user/repos', { per_page: 1 });
    expect(repositories.map((repository) => [repository.full_name, repository.has_issues])).toEqual([
      ['octo-org/hello', true],
      ['octo-org/quiet', false],
    ]);
    await expect(
      octokit().request('GET /repos/{owner}/{repo}/issues', { owner: 'octo-org', repo: 'quiet' }),
    ).rejects.toMatchObject({ status: 410 });
  });

  it('backs off on the secondary rate limit as the throttling plugin reads it, and counts clients that do not', async () => {
    fake.secondaryRateLimit({ retryAfterSeconds: 1 });
    const started = Date.now();
    const { data } = await octokit().request('GET /repos/{owner}/{repo}', {
      owner: 'octo-org',
      repo: 'hello',
    });
    expect(data.full_name).toBe('octo-org/hello');
    expect(secondaryLimits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.calls.log.map((call) => call.status)).toEqual([403, 200]);
    expect(fake.calls.early).toBe(0);

    fake.secondaryRateLimit({ retryAfterSeconds: 30, status: 429 });
    const impatient = new Octokit({ baseUrl: fake.origin, auth: fake.token });
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(impatient.request('GET /user/repos')).rejects.toMatchObject({
        status: 429,
        message: expect.stringMatching(/secondary rate limit/),
        response: { headers: { 'retry-after': expect.stringMatching(/^(30|29)$/) } },
      });
    }
    expect(fake.calls.early).toBe(1);
    fake.liftRateLimits();
  });

  it('answers 401 Bad credentials once the token is revoked, and accepts only the new one after a rotation', async () => {
    const old = fake.token;
    fake.rotateToken('gho_rotated');
    await expect(octokit(old).request('GET /user/repos')).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    await expect(octokit('gho_rotated').request('GET /user/repos')).resolves.toMatchObject({ status: 200 });
    fake.revokeToken();
    await expect(octokit('gho_rotated').request('GET /user/repos')).rejects.toMatchObject({ status: 401 });
    fake.rotateToken(old);
  });

  it('counts down x-ratelimit-remaining and answers 403 with remaining 0 once the hour is spent', async () => {
    fake.setRateLimit({ remaining: 2, resetInSeconds: 600 });
    const first = await octokit().request('GET /user/repos');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    await octokit().request('GET /user/repos');
    const error = await octokit()
      .request('GET /user/repos')
      .catch((failure: { status: number; response: { headers: Record<string, string> } }) => failure);
    expect(error).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    fake.liftRateLimits();
  });

  it('deletes (410 on the item, gone from lists) and changes silently (same updated_at)', async () => {
    const before = fake.issueJson(fake.items('octo-org/hello')[9]!);
    const silent = fake.updateSilently('octo-org/hello', 10, { title: 'Quietly renamed' });
    expect(fake.issueJson(silent)).toMatchObject({ title: 'Quietly renamed', updated_at: before.updated_at });
    fake.deleteIssue('octo-org/hello', 11);
    await expect(
      octokit().request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: 'octo-org',
        repo: 'hello',
        issue_number: 11,
      }),
    ).rejects.toMatchObject({ status: 410, message: expect.stringContaining('This issue was deleted') });
    const all = await octokit().paginate('GET /repos/{owner}/{repo}/issues', {
      owner: 'octo-org',
      repo: 'hello',
      state: 'all',
      per_page: 100,
    });
    expect(all.some((issue) => issue.number === 11)).toBe(false);
    expect(all.find((issue) => issue.number === 10)?.title).toBe('Quietly renamed');
  });

  it('seeds 50,000 issues fast and serves their last page without re-sorting per page', async () => {
    fake.addRepository('octo-org/big');
    let started = performance.now();
    fake.seedIssues('octo-org/big', 50_000);
    expect(performance.now() - started).toBeLessThan(2000);
    const route = {
      owner: 'octo-org',
      repo: 'big',
      state: 'all' as const,
      sort: 'updated' as const,
      per_page: 100,
    };
    await octokit().request('GET /repos/{owner}/{repo}/issues', { ...route, page: 1 });
    started = performance.now();
    const { data } = await octokit().request('GET /repos/{owner}/{repo}/issues', { ...route, page: 500 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(data.map((issue) => issue.number)).toEqual(Array.from({ length: 100 }, (_, index) => 100 - index));
  });

  it('creates issues and comments through Octokit as GitHub answers them', async () => {
    fake.liftRateLimits();
    // Plain Octokit: the throttling plugin spaces writes a second or more apart, as GitHub asks.
    const api = new Octokit({ baseUrl: fake.origin, auth: fake.token });
    const created = await api.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'octo-org',
      repo: 'hello',
      title: 'From Octokit',
      labels: ['bug'],
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ title: 'From Octokit', state: 'open', labels: [{ name: 'bug' }] });
    expect(Object.keys(created.data).sort()).toEqual(Object.keys(ISSUE).sort());
    const comment = await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: 'octo-org',
      repo: 'hello',
      issue_number: created.data.number,
      body: 'First!',
    });
    expect(comment.status).toBe(201);
    expect(comment.data).toMatchObject({ body: 'First!', issue_url: created.data.url });

    const refused = await api
      .request('POST /repos/{owner}/{repo}/issues', { owner: 'octo-org', repo: 'quiet', title: 'x' })
      .catch((error: { status: number }) => error.status);
    expect(refused).toBe(410);
    const invalid = await api
      .request('POST /repos/{owner}/{repo}/issues', { owner: 'octo-org', repo: 'hello', title: '' })
      .catch((error: { status: number }) => error.status);
    expect(invalid).toBe(422);
  });
});
