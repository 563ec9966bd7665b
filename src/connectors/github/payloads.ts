import { z } from 'zod';
import { httpUrl } from '../../signals/signal.js';

/**
 * The fields of GitHub webhook payloads that normalization reads, and nothing more: GitHub adds
 * fields freely, and the whole payload is kept on the signal anyway. Field names and nullability
 * follow @octokit/webhooks-types and the examples in @octokit/webhooks-examples.
 */

export const userSchema = z.object({ id: z.number(), login: z.string(), type: z.string().optional() });
export type GithubUser = z.infer<typeof userSchema>;

export const repositorySchema = z.object({ id: z.number(), full_name: z.string(), html_url: httpUrl });
export type GithubRepository = z.infer<typeof repositorySchema>;

const issueSchema = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  html_url: httpUrl,
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable().optional(),
  // Present when the "issue" is a pull request's conversation (issue_comment on a PR).
  pull_request: z.object({}).optional(),
});

const pullRequestSchema = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  html_url: httpUrl,
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
  merged_at: z.string().nullable(),
  merged: z.boolean().nullable().optional(),
  base: z.object({ ref: z.string() }),
});

export const issuesEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  label: z.object({ name: z.string() }).optional(),
  repository: repositorySchema,
  sender: userSchema,
});

export const issueCommentEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  comment: z.object({ id: z.number(), html_url: httpUrl, created_at: z.string(), updated_at: z.string() }),
  repository: repositorySchema,
  sender: userSchema,
});

export const pullRequestEventSchema = z.object({
  action: z.string(),
  pull_request: pullRequestSchema,
  requested_reviewer: userSchema.nullable().optional(),
  requested_team: z.object({ name: z.string() }).optional(),
  repository: repositorySchema,
  sender: userSchema,
});

export const pullRequestReviewEventSchema = z.object({
  action: z.string(),
  review: z.object({
    id: z.number(),
    state: z.string(),
    html_url: httpUrl,
    submitted_at: z.string().nullable(),
  }),
  pull_request: pullRequestSchema,
  repository: repositorySchema,
  sender: userSchema,
});

export const pushEventSchema = z.object({
  ref: z.string(),
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  compare: httpUrl,
  commits: z.array(z.unknown()),
  head_commit: z.object({ timestamp: z.string() }).nullable(),
  repository: repositorySchema,
  sender: userSchema,
});

export const releaseEventSchema = z.object({
  action: z.string(),
  release: z.object({
    id: z.number(),
    tag_name: z.string(),
    name: z.string().nullable(),
    html_url: httpUrl,
    published_at: z.string().nullable(),
    created_at: z.string().nullable(),
  }),
  repository: repositorySchema,
  sender: userSchema,
});

export const workflowRunEventSchema = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number(),
    name: z.string().nullable(),
    run_number: z.number(),
    html_url: httpUrl,
    conclusion: z.string().nullable(),
    head_branch: z.string().nullable(),
    updated_at: z.string(),
  }),
  repository: repositorySchema,
  sender: userSchema,
});

/** What any event may carry, for events normalized generically. */
export const anyEventSchema = z.object({
  action: z.string().optional().catch(undefined),
  sender: userSchema.optional().catch(undefined),
  repository: repositorySchema.optional().catch(undefined),
  organization: z.object({ id: z.number(), login: z.string() }).optional().catch(undefined),
  installation: z.object({ id: z.number() }).optional().catch(undefined),
});
