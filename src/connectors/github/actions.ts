import { z } from 'zod';
import { defineAction } from '../sdk/action.js';

/**
 * GitHub's actions, over the REST API (api version 2022-11-28, the manifest's header):
 * - Create an issue: https://docs.github.com/en/rest/issues/issues#create-an-issue
 *   (201 with the issue; 403, 404, 410 issues disabled, 422 validation failed, 503).
 * - Create an issue comment: https://docs.github.com/en/rest/issues/comments#create-an-issue-comment
 *   (201 with the comment; 403, 404, 410, 422).
 * GitHub takes no idempotency key: the hub's own dedupe (proxy/actions/idempotency.ts) is all.
 */

const repository = z
  .string()
  .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be "owner/name"')
  .describe('The repository as "owner/name" (octocat/Hello-World).');

/** `/repos/{owner}/{repo}`, each part encoded (the regex already keeps `..` out of the owner). */
function repositoryPath(fullName: string): string {
  const [owner = '', name = ''] = fullName.split('/');
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** The fields of GitHub's `issue` schema the action reads (@octokit/openapi-types components.schemas.issue). */
const issueAnswer = z.object({ id: z.number().int(), number: z.number().int(), html_url: z.string().url() });
const commentAnswer = z.object({ id: z.number().int(), html_url: z.string().url() });

const NOT_FOUND = {
  code: 'REPOSITORY_NOT_FOUND',
  description: 'The repository does not exist or the connection cannot see it (GitHub answers 404 for both).',
  status: 404,
};
const ISSUES_DISABLED = {
  code: 'ISSUES_DISABLED',
  description: 'Issues are turned off for this repository.',
  status: 410,
};
const VALIDATION_FAILED = {
  code: 'VALIDATION_FAILED',
  description: 'GitHub refused a field (an empty title, a label it cannot create).',
  status: 422,
};
const FORBIDDEN = {
  code: 'FORBIDDEN',
  description: 'The connection may read but not write this repository, or the conversation is locked.',
  status: 403,
};

export const githubCreateIssue = defineAction({
  id: 'github.create_issue',
  version: 1,
  description:
    'Open a new issue in a GitHub repository (to report a bug, track a task or ask a question). Use comment_on_issue to add to an existing issue instead.',
  input: z.object({
    repository,
    title: z.string().trim().min(1).max(256).describe('The issue title.'),
    body: z.string().max(65_536).optional().describe('The issue text, in GitHub Markdown.'),
    labels: z
      .array(z.string().min(1).max(50))
      .max(100)
      .optional()
      .describe('Label names; GitHub creates unknown ones only for users with push access.'),
  }),
  output: z.object({
    id: z.number().int().describe('The issue id (as webhooks and syncs name it).'),
    number: z.number().int().describe('The issue number within the repository.'),
    url: z.string().url().describe('The issue on github.com.'),
  }),
  scopes: ['issues.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [NOT_FOUND, ISSUES_DISABLED, VALIDATION_FAILED, FORBIDDEN],
  async run(ctx, input) {
    const response = await ctx.http.request({
      method: 'POST',
      path: `${repositoryPath(input.repository)}/issues`,
      json: { title: input.title, body: input.body, labels: input.labels },
    });
    const issue = issueAnswer.parse(response.body);
    return { id: issue.id, number: issue.number, url: issue.html_url };
  },
});

export const githubCommentOnIssue = defineAction({
  id: 'github.comment_on_issue',
  version: 1,
  description:
    'Add a comment to an existing GitHub issue or pull request (a status update, an answer, a link). Use create_issue to open a new issue instead.',
  input: z.object({
    repository,
    issueNumber: z.number().int().positive().describe('The issue or pull request number.'),
    body: z.string().trim().min(1).max(65_536).describe('The comment text, in GitHub Markdown.'),
  }),
  output: z.object({
    id: z.number().int().describe('The comment id.'),
    url: z.string().url().describe('The comment on github.com.'),
  }),
  scopes: ['issues.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [
    {
      ...NOT_FOUND,
      code: 'ISSUE_NOT_FOUND',
      description: 'The repository or the issue does not exist, or the connection cannot see it.',
    },
    {
      ...ISSUES_DISABLED,
      description: 'Issues are turned off for this repository, or the issue was deleted.',
    },
    VALIDATION_FAILED,
    FORBIDDEN,
  ],
  async run(ctx, input) {
    const response = await ctx.http.request({
      method: 'POST',
      path: `${repositoryPath(input.repository)}/issues/${input.issueNumber}/comments`,
      json: { body: input.body },
    });
    const comment = commentAnswer.parse(response.body);
    return { id: comment.id, url: comment.html_url };
  },
});

export const GITHUB_ACTIONS = [githubCreateIssue, githubCommentOnIssue];
