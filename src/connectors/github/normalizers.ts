import type { Signal, SignalSubject } from '../../signals/signal.js';
import {
  issueClosedKey,
  issueCreatedKey,
  pullRequestClosedKey,
  pullRequestMergedKey,
  pullRequestOpenedKey,
} from './change-keys.js';
import { actorOf, firstTime, plural, quoted } from './describe.js';
import {
  issueCommentEventSchema,
  issuesEventSchema,
  pullRequestEventSchema,
  pullRequestReviewEventSchema,
  pushEventSchema,
  releaseEventSchema,
  workflowRunEventSchema,
} from './payloads.js';

/**
 * A signal minus what the delivery itself supplies (id, provider, connection, payload), with the
 * name of its change when a sync can see the same change (change-keys.ts).
 */
export type Normalized = Pick<Signal, 'kind' | 'actor' | 'subject' | 'summary'> & {
  occurredAt: Date | null;
  changeKey?: string | null;
};

/** null: not a shape or action this event maps to a kind; the caller keeps it as provider_event. */
type Normalizer = (payload: unknown) => Normalized | null;

const ISSUE_KINDS = {
  opened: ['issue_created', 'opened'],
  closed: ['issue_closed', 'closed'],
  reopened: ['issue_reopened', 'reopened'],
  edited: ['issue_edited', 'edited'],
  labeled: ['issue_labeled', 'labeled'],
} as const;

const issues: Normalizer = (payload) => {
  const event = issuesEventSchema.safeParse(payload).data;
  // hasOwn: an action named like an Object.prototype member ("constructor") must not match.
  if (!event || !Object.hasOwn(ISSUE_KINDS, event.action)) return null;
  const [kind, verb] = ISSUE_KINDS[event.action as keyof typeof ISSUE_KINDS];
  const { issue, repository, label } = event;
  const labelText = kind === 'issue_labeled' && label ? ` with ${quoted(label.name)}` : '';
  return {
    kind,
    actor: actorOf(event.sender),
    subject: { type: 'issue', id: String(issue.id), title: issue.title, url: issue.html_url },
    summary: `${event.sender.login} ${verb} issue #${issue.number} ${quoted(issue.title)}${labelText} in ${repository.full_name}`,
    occurredAt: firstTime(
      kind === 'issue_created'
        ? issue.created_at
        : kind === 'issue_closed'
          ? issue.closed_at
          : issue.updated_at,
    ),
    changeKey:
      kind === 'issue_created'
        ? issueCreatedKey(issue.id)
        : kind === 'issue_closed'
          ? issueClosedKey(issue.id, issue.closed_at)
          : null,
  };
};

const issueComment: Normalizer = (payload) => {
  const event = issueCommentEventSchema.safeParse(payload).data;
  if (event?.action !== 'created') return null;
  const { issue, comment, repository } = event;
  // GitHub models a pull request's conversation as an issue; say which one it was.
  const type = issue.pull_request ? 'pull_request' : 'issue';
  const noun = issue.pull_request ? 'pull request' : 'issue';
  return {
    kind: 'issue_commented',
    actor: actorOf(event.sender),
    subject: { type, id: String(issue.id), title: issue.title, url: issue.html_url },
    summary: `${event.sender.login} commented on ${noun} #${issue.number} ${quoted(issue.title)} in ${repository.full_name}`,
    occurredAt: firstTime(comment.created_at),
  };
};

const pullRequest: Normalizer = (payload) => {
  const event = pullRequestEventSchema.safeParse(payload).data;
  if (!event) return null;
  const { pull_request: pr, repository } = event;
  const what = `pull request #${pr.number} ${quoted(pr.title)}`;
  const base = {
    actor: actorOf(event.sender),
    subject: { type: 'pull_request', id: String(pr.id), title: pr.title, url: pr.html_url },
  };
  const by = event.sender.login;
  const where = `in ${repository.full_name}`;
  switch (event.action) {
    case 'opened':
      return {
        ...base,
        kind: 'pull_request_opened',
        summary: `${by} opened ${what} ${where}`,
        occurredAt: firstTime(pr.created_at),
        changeKey: pullRequestOpenedKey(pr.id),
      };
    case 'reopened':
      return {
        ...base,
        kind: 'pull_request_reopened',
        summary: `${by} reopened ${what} ${where}`,
        occurredAt: firstTime(pr.updated_at),
      };
    case 'closed':
      // "closed" covers both: merged is the only difference GitHub sends.
      return pr.merged === true || pr.merged_at !== null
        ? {
            ...base,
            kind: 'pull_request_merged',
            summary: `${by} merged ${what} into ${pr.base.ref} ${where}`,
            occurredAt: firstTime(pr.merged_at, pr.closed_at),
            changeKey: pullRequestMergedKey(pr.id),
          }
        : {
            ...base,
            kind: 'pull_request_closed',
            summary: `${by} closed ${what} without merging ${where}`,
            occurredAt: firstTime(pr.closed_at),
            changeKey: pullRequestClosedKey(pr.id, pr.closed_at),
          };
    case 'review_requested': {
      const reviewer =
        event.requested_reviewer?.login ??
        (event.requested_team ? `team ${event.requested_team.name}` : 'a reviewer');
      return {
        ...base,
        kind: 'pull_request_review_requested',
        summary: `${by} requested a review from ${reviewer} on ${what} ${where}`,
        occurredAt: firstTime(pr.updated_at),
      };
    }
    default:
      return null;
  }
};

const REVIEW_VERBS: Record<string, string> = {
  approved: 'approved',
  changes_requested: 'requested changes on',
};

const pullRequestReview: Normalizer = (payload) => {
  const event = pullRequestReviewEventSchema.safeParse(payload).data;
  if (event?.action !== 'submitted') return null;
  const { review, pull_request: pr, repository } = event;
  const state = review.state.toLowerCase();
  const verb = Object.hasOwn(REVIEW_VERBS, state) ? REVIEW_VERBS[state] : 'reviewed';
  return {
    kind: 'pull_request_reviewed',
    actor: actorOf(event.sender),
    subject: { type: 'pull_request', id: String(pr.id), title: pr.title, url: review.html_url },
    summary: `${event.sender.login} ${verb} pull request #${pr.number} ${quoted(pr.title)} in ${repository.full_name}`,
    occurredAt: firstTime(review.submitted_at),
  };
};

const push: Normalizer = (payload) => {
  const event = pushEventSchema.safeParse(payload).data;
  if (!event) return null;
  const { repository, ref } = event;
  const [type, name] = ref.startsWith('refs/heads/')
    ? ['branch', ref.slice('refs/heads/'.length)]
    : ref.startsWith('refs/tags/')
      ? ['tag', ref.slice('refs/tags/'.length)]
      : ['ref', ref];
  const by = event.sender.login;
  const commits = plural(event.commits.length, 'commit');
  const summary = event.deleted
    ? `${by} deleted ${type} ${name} in ${repository.full_name}`
    : event.created
      ? `${by} created ${type} ${name}${event.commits.length > 0 ? ` with ${commits}` : ''} in ${repository.full_name}`
      : `${by} ${event.forced ? 'force-pushed' : 'pushed'} ${commits} to ${type} ${name} in ${repository.full_name}`;
  // A deleted ref's compare link points at the all-zero commit; the repository is the useful link.
  const subject: SignalSubject = {
    type,
    id: ref,
    title: name,
    url: event.deleted ? repository.html_url : event.compare,
  };
  return {
    kind: 'code_pushed',
    actor: actorOf(event.sender),
    subject,
    summary,
    occurredAt: firstTime(event.head_commit?.timestamp),
  };
};

const release: Normalizer = (payload) => {
  const event = releaseEventSchema.safeParse(payload).data;
  if (event?.action !== 'published') return null;
  const { release: published, repository } = event;
  const title = published.name || published.tag_name;
  return {
    kind: 'release_published',
    actor: actorOf(event.sender),
    subject: { type: 'release', id: String(published.id), title, url: published.html_url },
    summary: `${event.sender.login} published release ${quoted(title)} in ${repository.full_name}`,
    occurredAt: firstTime(published.published_at, published.created_at),
  };
};

const workflowRun: Normalizer = (payload) => {
  const event = workflowRunEventSchema.safeParse(payload).data;
  if (event?.action !== 'completed') return null;
  const { workflow_run: run, repository } = event;
  const title = `${run.name || 'Workflow'} #${run.run_number}`;
  const branch = run.head_branch ? ` on ${run.head_branch}` : '';
  const outcome = run.conclusion ? `: ${run.conclusion.replaceAll('_', ' ')}` : '';
  return {
    kind: 'workflow_run_completed',
    actor: actorOf(event.sender),
    subject: { type: 'workflow_run', id: String(run.id), title, url: run.html_url },
    summary: `Workflow run ${quoted(title)}${branch} in ${repository.full_name} completed${outcome}`,
    occurredAt: firstTime(run.updated_at),
  };
};

/** By X-GitHub-Event. Events and actions not listed become provider_event signals. */
export const GITHUB_NORMALIZERS: Readonly<Record<string, Normalizer>> = {
  issues,
  issue_comment: issueComment,
  pull_request: pullRequest,
  pull_request_review: pullRequestReview,
  push,
  release,
  workflow_run: workflowRun,
};
