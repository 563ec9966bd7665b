import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { components } from '@octokit/openapi-types';

/**
 * Real GitHub payloads the fake serves, taken from packages rather than written by hand:
 * - @octokit/fixtures 23, scenarios/api.github.com/paginate-issues: a recorded
 *   `GET /repos/{owner}/{repo}/issues` (issue objects, response headers);
 * - @octokit/fixtures 23, scenarios/api.github.com/get-repository: a recorded repository;
 * - @octokit/webhooks-examples, api.github.com `pull_request` `opened`: a recorded pull request,
 *   cut down to the keys of the list endpoint's `pull-request-simple` (@octokit/openapi-types).
 * The recordings are read as files: the package's index.js loads nock, which patches node:http on import.
 */
export type Issue = components['schemas']['issue'];
export type PullRequestSimple = components['schemas']['pull-request-simple'];
export type PullRequest = components['schemas']['pull-request'];
export type Repository = components['schemas']['repository'];
export type SimpleUser = components['schemas']['simple-user'];
export type Label = components['schemas']['label'];
export type IssueComment = components['schemas']['issue-comment'];

interface RecordedExchange {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string | number>;
}

const require = createRequire(import.meta.url);

function recording(scenario: string): RecordedExchange[] {
  const file = require.resolve(
    `@octokit/fixtures/scenarios/api.github.com/${scenario}/normalized-fixture.json`,
  );
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedExchange[];
}

function recordedPullRequest(): PullRequest {
  const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const definitions = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    name: string;
    examples: Array<{ action?: string; pull_request?: PullRequest }>;
  }>;
  const found = definitions
    .find((definition) => definition.name === 'pull_request')
    ?.examples.find((example) => example.action === 'opened')?.pull_request;
  if (!found) throw new Error('@octokit/webhooks-examples has no pull_request.opened example');
  return found;
}

const issuesPage = recording('paginate-issues')[0];
if (!issuesPage || !Array.isArray(issuesPage.response)) throw new Error('paginate-issues has no first page');

/** The first recorded issue ("Test issue 13" of octokit-fixture-org/paginate-issues). */
export const ISSUE = issuesPage.response[0] as Issue;
/** Its author, also the template of every user the fake names. */
export const USER = ISSUE.user as SimpleUser;
export const REPOSITORY = recording('get-repository')[0]?.response as Repository & Record<string, unknown>;
/** Codertocat/Hello-World#2 as GitHub sent it in a pull_request webhook. */
export const PULL_REQUEST = recordedPullRequest();

/**
 * Headers GitHub sent with the recorded page, less the ones the fake computes per answer (length,
 * date, ETag, Link, rate limits) and `connection: close`, which would defeat keep-alive.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(issuesPage.headers)
    .filter(
      ([name]) => !/^(content-length|date|etag|link|connection|x-ratelimit-.*)$/.test(name.toLowerCase()),
    )
    .map(([name, value]) => [name, String(value)]),
);

/** Bodies GitHub answers with, as users recorded them (the URLs cite where each was seen). */
export const MESSAGES = {
  // https://github.com/octokit/fixtures (errors scenario) and GitHub's 401 for a revoked token.
  badCredentials: {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
    status: '401',
  },
  // https://github.com/apache/devlake/issues/1322: GitHub's secondary-limit answer.
  secondaryRateLimit: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url:
      'https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
  },
  primaryRateLimit: (userId: number) => ({
    message: `API rate limit exceeded for user ID ${userId}.`,
    documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#primary-rate-limit',
  }),
  notFound: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  // "Get an issue" answers 410 for a deleted issue (openapi-types: issues/get responses).
  issueDeleted: {
    message: 'This issue was deleted',
    documentation_url: 'https://docs.github.com/rest/issues/issues#get-an-issue',
    status: '410',
  },
  // The list answers 410 where issues are turned off (openapi-types: issues/list-for-repo, 410 "Gone").
  issuesDisabled: {
    message: 'Issues are disabled for this repo',
    documentation_url: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  },
  // The errors scenario of @octokit/fixtures: a 422 names the resource, field and code.
  invalidSince: {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', code: 'invalid', field: 'since' }],
    documentation_url: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  },
  serverError: { message: 'Server Error' },
} as const;
