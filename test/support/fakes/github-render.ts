import {
  ISSUE,
  type Issue,
  PULL_REQUEST,
  type PullRequest,
  type PullRequestSimple,
  REPOSITORY,
  type Repository,
  type SimpleUser,
  USER,
} from './github-recordings.js';
import type { FakeIssue, FakeRepository } from './github-store.js';

/**
 * The JSON GitHub sends for the fake's data: each object is a recorded one (github-recordings.ts)
 * with the fields that identify and describe the item replaced; everything else is as recorded.
 * API URLs point at the fake (as they point at GHE's own host there); web URLs at github.com.
 */
const iso = (time: number) => new Date(time).toISOString().replace('.000Z', 'Z');
const WEB = 'https://github.com';

/** GitHub's legacy global ids are base64 of "<length of type>:<type><id>" ("05:Issue1000"). */
const nodeId = (type: string, id: number) =>
  Buffer.from(`${String(type.length).padStart(2, '0')}:${type}${id}`).toString('base64');

export class GithubRenderer {
  private readonly users = new Map<string, SimpleUser>();
  private readonly repositories = new Map<number, { repository: Repository; pull: PullRequest }>();
  private readonly serialized = new WeakMap<FakeIssue, { revision: number; issue?: string; pull?: string }>();

  constructor(private readonly origin: string) {}

  user(login: string): SimpleUser {
    let user = this.users.get(login);
    if (!user) {
      const id = 2000 + this.users.size;
      user = JSON.parse(
        JSON.stringify(USER).replaceAll(USER.login, login).replaceAll('https://api.github.com', this.origin),
      ) as SimpleUser;
      Object.assign(user, {
        id,
        node_id: nodeId('User', id),
        avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      });
      this.users.set(login, user);
    }
    return user;
  }

  /** The item's JSON text as a list endpoint sends it, kept until the item changes (a 50,000-item backfill renders each once). */
  listed(item: FakeIssue, shape: 'issue' | 'pull'): string {
    let cached = this.serialized.get(item);
    if (!cached || cached.revision !== item.revision) {
      cached = { revision: item.revision };
      this.serialized.set(item, cached);
    }
    cached[shape] ??= JSON.stringify(shape === 'issue' ? this.issue(item) : this.pullSimple(item));
    return cached[shape];
  }

  repository(repository: FakeRepository): Repository {
    return this.templates(repository).repository;
  }

  issue(issue: FakeIssue): Issue {
    const { repository, number } = issue;
    const api = `${this.origin}/repos/${repository.fullName}`;
    const self = `${api}/issues/${number}`;
    const assignees = issue.assignees.map((login) => this.user(login));
    const rendered: Issue = {
      ...ISSUE,
      url: self,
      repository_url: api,
      labels_url: `${self}/labels{/name}`,
      comments_url: `${self}/comments`,
      events_url: `${self}/events`,
      html_url: `${WEB}/${repository.fullName}/${issue.pull ? 'pull' : 'issues'}/${number}`,
      id: issue.id,
      node_id: nodeId('Issue', issue.id),
      number,
      title: issue.title,
      user: this.user(USER.login),
      state: issue.state,
      assignee: assignees[0] ?? null,
      assignees,
      comments: issue.comments,
      created_at: iso(issue.createdAt),
      updated_at: iso(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : iso(issue.closedAt),
      body: issue.body,
      reactions: ISSUE.reactions ? { ...ISSUE.reactions, url: `${self}/reactions` } : undefined,
      timeline_url: `${self}/timeline`,
      state_reason: issue.stateReason,
    };
    if (issue.pull) {
      const web = `${WEB}/${repository.fullName}/pull/${number}`;
      rendered.pull_request = {
        url: `${api}/pulls/${number}`,
        html_url: web,
        diff_url: `${web}.diff`,
        patch_url: `${web}.patch`,
        merged_at: issue.pull.mergedAt === null ? null : iso(issue.pull.mergedAt),
      };
      rendered.draft = issue.pull.draft;
    }
    return rendered;
  }

  /** As `GET /repos/{owner}/{repo}/pulls` lists it: exactly the keys of `pull-request-simple`. */
  pullSimple(issue: FakeIssue): PullRequestSimple {
    const pull = issue.pull;
    if (!pull) throw new Error(`#${issue.number} is not a pull request`);
    const { repository, number } = issue;
    const { pull: template } = this.templates(repository);
    const api = `${this.origin}/repos/${repository.fullName}`;
    const self = `${api}/pulls/${number}`;
    const web = `${WEB}/${repository.fullName}/pull/${number}`;
    const issueUrl = `${api}/issues/${number}`;
    const assignees = issue.assignees.map((login) => this.user(login));
    return {
      url: self,
      id: pull.id,
      node_id: nodeId('PullRequest', pull.id),
      html_url: web,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      issue_url: issueUrl,
      commits_url: `${self}/commits`,
      review_comments_url: `${self}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${issueUrl}/comments`,
      statuses_url: template.statuses_url,
      number,
      state: issue.state,
      locked: template.locked,
      title: issue.title,
      user: this.user(USER.login),
      body: issue.body,
      labels: template.labels as PullRequestSimple['labels'],
      milestone: template.milestone,
      active_lock_reason: template.active_lock_reason,
      created_at: iso(issue.createdAt),
      updated_at: iso(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : iso(issue.closedAt),
      merged_at: pull.mergedAt === null ? null : iso(pull.mergedAt),
      merge_commit_sha: template.merge_commit_sha,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: template.requested_reviewers,
      requested_teams: template.requested_teams as PullRequestSimple['requested_teams'],
      head: template.head,
      base: template.base,
      _links: {
        self: { href: self },
        html: { href: web },
        issue: { href: issueUrl },
        comments: { href: `${issueUrl}/comments` },
        review_comments: { href: `${self}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${self}/commits` },
        statuses: { href: template.statuses_url },
      },
      author_association: template.author_association,
      auto_merge: template.auto_merge,
      draft: pull.draft,
    };
  }

  /** As `GET /repos/{owner}/{repo}/pulls/{number}` answers: the list shape plus the recorded details. */
  pull(issue: FakeIssue): PullRequest {
    const { pull: template } = this.templates(issue.repository);
    return { ...template, ...this.pullSimple(issue), merged: issue.pull?.mergedAt != null } as PullRequest;
  }

  /** The recorded repository and pull request, moved to this repository (once per repository). */
  private templates(repository: FakeRepository): { repository: Repository; pull: PullRequest } {
    let templates = this.repositories.get(repository.id);
    if (!templates) {
      const moved = (recorded: unknown, fullName: string, owner: string) =>
        JSON.parse(
          JSON.stringify(recorded)
            .replaceAll(fullName, repository.fullName)
            // The owner as a value ("login") or a path segment (/users/{owner}).
            .replace(new RegExp(`(?<=["/])${owner}(?=["/{])`, 'g'), repository.owner)
            .replaceAll('https://api.github.com', this.origin),
        ) as unknown;
      const recordedRepository = REPOSITORY as Repository;
      const rendered = moved(
        recordedRepository,
        recordedRepository.full_name,
        recordedRepository.owner.login,
      ) as Repository;
      Object.assign(rendered, {
        id: repository.id,
        node_id: nodeId('Repository', repository.id),
        name: repository.name,
        private: repository.private,
        visibility: repository.private ? 'private' : 'public',
        has_issues: repository.hasIssues,
      });
      const pull = moved(
        PULL_REQUEST,
        PULL_REQUEST.base.repo.full_name,
        PULL_REQUEST.base.repo.owner.login,
      ) as PullRequest;
      templates = { repository: rendered, pull };
      this.repositories.set(repository.id, templates);
    }
    return templates;
  }
}
