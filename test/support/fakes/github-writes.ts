import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EndpointContext, EndpointResult, Params } from './github-endpoints.js';
import { type IssueComment, type Label, MESSAGES, USER } from './github-recordings.js';

/**
 * The GitHub fake's write endpoints, after GitHub's docs:
 * - https://docs.github.com/en/rest/issues/issues#create-an-issue: `{title, body?, labels?}` → 201
 *   and the issue; 404 for an unknown repository, 410 where issues are turned off, 422
 *   "Validation Failed" for a missing title (the errors scenario's shape).
 * - https://docs.github.com/en/rest/issues/comments#create-an-issue-comment: `{body}` → 201 and the
 *   comment; 404 for an unknown issue, 410 for a deleted one, 422 for an empty body.
 * Shapes: the issue is the store's (github-render.ts, from recorded issues) with the labels of
 * @octokit/fixtures' `add-labels-to-issue` recording; the comment is the one GitHub sent in
 * @octokit/webhooks-examples' `issue_comment` `created`, with new ids and URLs. Labels and comments
 * are remembered here (with what was sent), not served by any GET.
 */
const require = createRequire(import.meta.url);
const WEB = 'https://github.com';

function recorded<T>(file: string, pick: (json: unknown) => T | undefined): T {
  const found = pick(JSON.parse(readFileSync(require.resolve(file), 'utf8')));
  if (found === undefined) throw new Error(`${file} lacks the recording the GitHub fake needs`);
  return found;
}

const LABEL = recorded(
  '@octokit/fixtures/scenarios/api.github.com/add-labels-to-issue/normalized-fixture.json',
  (json) =>
    Array.isArray((json as Array<{ response: unknown }>)[1]?.response)
      ? ((json as Array<{ response: Label[] }>)[1]!.response[0] as Label)
      : undefined,
);
const COMMENT = recorded(
  '@octokit/webhooks-examples/api.github.com/index.json',
  (json) =>
    (json as Array<{ name: string; examples: Array<{ action?: string; comment?: IssueComment }> }>)
      .find((definition) => definition.name === 'issue_comment')
      ?.examples.find((example) => example.action === 'created')?.comment,
);

export interface WrittenComment {
  id: number;
  repository: string;
  issueNumber: number;
  body: string;
}

export class GithubWrites {
  readonly comments: WrittenComment[] = [];
  /** Labels by issue id, as created. */
  readonly labels = new Map<number, string[]>();
  private nextCommentId = 492_700_400;
  private nextLabelId = 2000;

  comment(repository: string, issueNumber: number, body: string): WrittenComment {
    const written = { id: this.nextCommentId++, repository, issueNumber, body };
    this.comments.push(written);
    return written;
  }

  label(origin: string, repository: string, name: string): Label {
    return {
      ...LABEL,
      id: this.nextLabelId++,
      url: `${origin}/repos/${repository}/labels/${encodeURIComponent(name)}`,
      name,
    };
  }
}

const REPO_PATH = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';
const validationFailed = (resource: string, field: string, documentation: string): EndpointResult => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource, code: 'missing_field', field }],
    documentation_url: documentation,
  },
});
const problemsParsingJson: EndpointResult = {
  status: 400,
  body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' },
};

function createIssue({ store, renderer, origin, writes }: EndpointContext, params: Params, body: unknown) {
  const repository = store.repository(`${params['owner']}/${params['repo']}`);
  if (!repository) return { status: 404, body: MESSAGES.notFound };
  if (!repository.hasIssues) return { status: 410, body: MESSAGES.issuesDisabled };
  if (typeof body !== 'object' || body === null) return problemsParsingJson;
  const { title, body: text, labels } = body as { title?: unknown; body?: unknown; labels?: unknown };
  if (typeof title !== 'string' || title.trim() === '')
    return validationFailed('Issue', 'title', 'https://docs.github.com/rest/issues/issues#create-an-issue');
  const issue = store.create(repository.id, 'issue', {
    title,
    body: typeof text === 'string' ? text : null,
  });
  const names = Array.isArray(labels)
    ? labels.filter((label): label is string => typeof label === 'string')
    : [];
  writes.labels.set(issue.id, names);
  return {
    status: 201,
    body: {
      ...renderer.issue(issue),
      labels: names.map((name) => writes.label(origin, repository.fullName, name)),
    },
  };
}

function createComment({ store, origin, writes }: EndpointContext, params: Params, body: unknown) {
  const repository = store.repository(`${params['owner']}/${params['repo']}`);
  if (!repository) return { status: 404, body: MESSAGES.notFound };
  const number = Number(params['number']);
  const issue = store.find(repository.id, number);
  if (issue === 'deleted') return { status: 410, body: MESSAGES.issueDeleted };
  if (issue === undefined) return { status: 404, body: MESSAGES.notFound };
  if (typeof body !== 'object' || body === null) return problemsParsingJson;
  const text = (body as { body?: unknown }).body;
  if (typeof text !== 'string' || text.trim() === '')
    return validationFailed(
      'IssueComment',
      'body',
      'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    );
  const written = writes.comment(repository.fullName, number, text);
  store.update(repository.id, number, { comments: issue.comments + 1 });
  const api = `${origin}/repos/${repository.fullName}`;
  const kind = issue.pull ? 'pull' : 'issues';
  const comment: IssueComment = {
    ...COMMENT,
    id: written.id,
    node_id: Buffer.from(`012:IssueComment${written.id}`).toString('base64'),
    url: `${api}/issues/comments/${written.id}`,
    html_url: `${WEB}/${repository.fullName}/${kind}/${number}#issuecomment-${written.id}`,
    issue_url: `${api}/issues/${number}`,
    user: { ...COMMENT.user!, login: USER.login, id: USER.id },
    body: text,
  };
  return { status: 201, body: comment };
}

export const WRITE_ENDPOINTS = [
  {
    method: 'POST',
    name: '/repos/{owner}/{repo}/issues',
    pattern: new RegExp(`${REPO_PATH}/issues$`),
    handle: (context: EndpointContext, params: Params, _search: URLSearchParams, body: unknown) =>
      createIssue(context, params, body),
  },
  {
    method: 'POST',
    name: '/repos/{owner}/{repo}/issues/{number}/comments',
    pattern: new RegExp(`${REPO_PATH}/issues/(?<number>\\d+)/comments$`),
    handle: (context: EndpointContext, params: Params, _search: URLSearchParams, body: unknown) =>
      createComment(context, params, body),
  },
];
