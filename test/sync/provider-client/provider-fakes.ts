import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ConversationsHistoryResponse, ConversationsListResponse } from '@slack/web-api';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import type { ProviderManifest } from '../../../src/connectors/sdk/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { type FixtureReply, json } from '../../support/provider-fixture.js';

/**
 * Provider answers for the provider client's tests, served by test/support/provider-fixture.ts.
 * - GitHub issues: the first page of @octokit/fixtures' recorded `api.github.com/paginate-issues`
 *   (body and its rate-limit, ETag and Link headers as recorded).
 * - GitHub's secondary rate limit: 403 with the body GitHub sends, as recorded in
 *   https://github.com/apache/devlake/issues/1322 and https://github.com/app-sre/github-mirror/pull/62,
 *   and the `retry-after` header its docs promise
 *   (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
 * - Slack: conversations.history and conversations.list as in their documented examples
 *   (https://docs.slack.dev/reference/methods/conversations.history, .../conversations.list), typed
 *   by @slack/web-api's response types; a 429 as https://docs.slack.dev/apis/web-api/rate-limits
 *   describes it (`Retry-After` in seconds, `{"ok": false, "error": "ratelimited"}`).
 */
type RecordedExchange = {
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string | number>;
};

// Read as a file: the package's index.js loads nock, which patches node:http on import.
const paginateIssues = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve(
      '@octokit/fixtures/scenarios/api.github.com/paginate-issues/normalized-fixture.json',
    ),
    'utf8',
  ),
) as RecordedExchange[];
const firstIssuesPage = paginateIssues[0]!;
export const GITHUB_ISSUES_PATH = firstIssuesPage.path.split('?')[0]!;

/** The recorded first page; `headers` override recorded ones (a fake adds what the recording lacks). */
export function githubIssuesPage(headers: Record<string, string> = {}): FixtureReply {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(firstIssuesPage.headers)) {
    // Length and connection headers belong to the recorded bytes, not to this server's.
    if (/^(etag|link|x-ratelimit-|x-github-)/.test(name)) kept[name] = String(value);
  }
  return json(200, firstIssuesPage.response, { ...kept, ...headers });
}

export function githubSecondaryRateLimit(retryAfterSeconds: number): FixtureReply {
  return json(
    403,
    {
      documentation_url:
        'https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

const history: ConversationsHistoryResponse = {
  ok: true,
  messages: [
    {
      type: 'message',
      user: 'U123ABC456',
      text: 'I find you punny and would like to smell your nose letter',
      ts: '1512085950.000216',
    },
    {
      type: 'message',
      user: 'U222BBB222',
      text: 'What, you want to smell my shoes better?',
      ts: '1512104434.000490',
    },
  ],
  has_more: true,
  pin_count: 0,
  response_metadata: { next_cursor: 'bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz' },
};

const list: ConversationsListResponse = {
  ok: true,
  channels: [
    {
      id: 'C012AB3CD',
      name: 'general',
      is_channel: true,
      is_group: false,
      is_im: false,
      created: 1449252889,
      creator: 'U012A3CDE',
      is_archived: false,
      is_general: true,
      unlinked: 0,
      name_normalized: 'general',
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      pending_shared: [],
      is_pending_ext_shared: false,
      is_member: true,
      is_private: false,
      is_mpim: false,
      topic: { value: 'Company-wide announcements and work-based matters', creator: '', last_set: 0 },
      purpose: {
        value:
          'This channel is for team-wide communication and announcements. All team members are in this channel.',
        creator: '',
        last_set: 0,
      },
      previous_names: [],
      num_members: 4,
    },
  ],
  response_metadata: { next_cursor: 'dGVhbTpDMDYxRkE1UEI=' },
};

export const slackHistory = (): FixtureReply => json(200, history);
export const slackList = (): FixtureReply => json(200, list);
export const slackRateLimited = (retryAfterSeconds: number): FixtureReply =>
  json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterSeconds) });

type Budget = NonNullable<ProviderManifest['api']['rateLimit']>['budgets'][number];

/** A budget as the manifest schema leaves it after defaults. */
export const budget = (
  per: Budget['per'],
  requests: number,
  perSeconds: number,
  paths: string[] = [],
): Budget => ({
  per,
  requests,
  perSeconds,
  paths,
  notes: [],
});

/** The real manifest, its API on the loopback fake, with these budgets. */
export function onLoopback(
  manifest: ProviderManifest,
  origin: string,
  budgets: Budget[] = [],
): ProviderManifest {
  const rateLimit = manifest.api.rateLimit ?? {
    resetUnit: 'epoch_seconds',
    retryAfterHeader: 'Retry-After',
    budgets: [],
    notes: [],
  };
  return { ...manifest, api: { ...manifest.api, baseUrl: origin, rateLimit: { ...rateLimit, budgets } } };
}

export { githubManifest, slackManifest };
