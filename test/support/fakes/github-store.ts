/**
 * The data behind the GitHub fake: repositories and their issues and pull requests, kept compact
 * (a few fields each) so that 50,000 of them seed in milliseconds; github-render.ts turns one into
 * the JSON GitHub sends. Times come from a logical clock that starts at the recording's time and
 * moves one second per change, so every update is strictly newer than what came before it.
 */
export interface FakeRepository {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  hasIssues: boolean;
  private: boolean;
}

export interface FakePull {
  /** The pull request's own id (`pull_request.id` in webhooks), not the id of its issue. */
  readonly id: number;
  draft: boolean;
  mergedAt: number | null;
}

export interface FakeIssue {
  /** The issue's id (`issue.id` in REST and in webhooks). */
  readonly id: number;
  readonly number: number;
  readonly repository: FakeRepository;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  /** Logins. */
  assignees: string[];
  comments: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** Set on pull requests: GitHub lists them among the issues too (with `pull_request`). */
  pull: FakePull | null;
  /** Counts changes, so that rendered JSON can be cached until the next one. */
  revision: number;
}

export interface IssueChange {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  assignees?: string[];
  comments?: number;
  draft?: boolean;
  merged?: boolean;
}

export interface ListQuery {
  kind: 'issues' | 'pulls';
  state: 'open' | 'closed' | 'all';
  sort: 'created' | 'updated';
  direction: 'asc' | 'desc';
  /** Epoch ms: only items updated at or after it. */
  since: number | null;
}

interface RepositoryData {
  repository: FakeRepository;
  byNumber: Map<number, FakeIssue>;
  deleted: Set<number>;
  nextNumber: number;
  /** Filtered, sorted listings by query, dropped on any change (a 50,000-item backfill sorts once). */
  listings: Map<string, FakeIssue[]>;
}

/** The recorded issues were created at this instant (paginate-issues: 2017-10-10T16:00:00Z). */
export const RECORDED_AT = Date.parse('2017-10-10T16:00:00Z');

export class GithubStore {
  private readonly byName = new Map<string, RepositoryData>();
  private readonly byId = new Map<number, RepositoryData>();
  private nextRepositoryId = 1000;
  private nextId = 1000;
  private clock: number;

  constructor(startAt: number = RECORDED_AT) {
    this.clock = Math.floor(startAt / 1000) * 1000;
  }

  /** Time passes: the next change carries `at` (never earlier than the clock already is). */
  advanceTo(at: number): void {
    this.clock = Math.max(this.clock, Math.floor(at / 1000) * 1000);
  }

  /** The time the next change will carry, then one second later. */
  private tick(): number {
    const now = this.clock;
    this.clock += 1000;
    return now;
  }

  addRepository(fullName: string, options: { hasIssues?: boolean; private?: boolean } = {}): FakeRepository {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0) throw new Error(`"${fullName}" is not owner/name`);
    if (this.byName.has(fullName.toLowerCase())) throw new Error(`${fullName} exists`);
    const repository: FakeRepository = {
      id: this.nextRepositoryId++,
      owner,
      name,
      fullName,
      hasIssues: options.hasIssues ?? true,
      private: options.private ?? false,
    };
    const data: RepositoryData = {
      repository,
      byNumber: new Map(),
      deleted: new Set(),
      nextNumber: 1,
      listings: new Map(),
    };
    this.byName.set(fullName.toLowerCase(), data);
    this.byId.set(repository.id, data);
    return repository;
  }

  /** By "owner/name" (case-insensitive, as GitHub) or by repository id. */
  repository(ref: string | number): FakeRepository | undefined {
    return this.data(ref)?.repository;
  }

  repositories(): FakeRepository[] {
    return [...this.byName.values()]
      .map((data) => data.repository)
      .sort((a, b) => a.fullName.toLowerCase().localeCompare(b.fullName.toLowerCase()));
  }

  create(ref: string | number, kind: 'issue' | 'pull_request', change: IssueChange = {}): FakeIssue {
    const data = this.must(ref);
    data.listings.clear();
    return this.insert(data, kind, change);
  }

  /** `count` new items, one second apart, without building any JSON (50,000 take a few milliseconds). */
  seed(ref: string | number, count: number, kind: 'issue' | 'pull_request'): FakeIssue[] {
    const data = this.must(ref);
    data.listings.clear();
    const created: FakeIssue[] = [];
    for (let index = 0; index < count; index++) created.push(this.insert(data, kind, {}));
    return created;
  }

  private insert(data: RepositoryData, kind: 'issue' | 'pull_request', change: IssueChange): FakeIssue {
    const number = data.nextNumber++;
    const at = this.tick();
    const pull = kind === 'pull_request' ? { id: this.nextId++, draft: false, mergedAt: null } : null;
    const issue: FakeIssue = {
      id: this.nextId++,
      number,
      repository: data.repository,
      title: kind === 'issue' ? `Test issue ${number}` : `Test pull request ${number}`,
      body: null,
      state: 'open',
      stateReason: null,
      assignees: [],
      comments: 0,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      pull,
      revision: 0,
    };
    applyChange(issue, change, at);
    data.byNumber.set(number, issue);
    return issue;
  }

  /** Changes an item; `silently` keeps its updated_at, as a provider bug or a lost write would. */
  update(ref: string | number, number: number, change: IssueChange, silently = false): FakeIssue {
    const data = this.must(ref);
    const issue = data.byNumber.get(number);
    if (!issue) throw new Error(`${data.repository.fullName}#${number} does not exist`);
    const at = silently ? issue.updatedAt : this.tick();
    applyChange(issue, change, at);
    issue.updatedAt = at;
    issue.revision++;
    data.listings.clear();
    return issue;
  }

  remove(ref: string | number, number: number): void {
    const data = this.must(ref);
    if (!data.byNumber.delete(number))
      throw new Error(`${data.repository.fullName}#${number} does not exist`);
    data.deleted.add(number);
    data.listings.clear();
  }

  /** The item with that number, 'deleted' when it was, undefined when it never existed. */
  find(ref: string | number, number: number): FakeIssue | 'deleted' | undefined {
    const data = this.must(ref);
    return data.byNumber.get(number) ?? (data.deleted.has(number) ? 'deleted' : undefined);
  }

  /** Every live item of a repository, by number. */
  items(ref: string | number): FakeIssue[] {
    return [...this.must(ref).byNumber.values()].sort((a, b) => a.number - b.number);
  }

  list(ref: string | number, query: ListQuery): readonly FakeIssue[] {
    const data = this.must(ref);
    const key = `${query.kind}|${query.state}|${query.sort}|${query.direction}|${query.since ?? ''}`;
    const cached = data.listings.get(key);
    if (cached) return cached;
    const { since } = query;
    const listed = [...data.byNumber.values()].filter(
      (issue) =>
        (query.kind === 'issues' || issue.pull !== null) &&
        (query.state === 'all' || issue.state === query.state) &&
        (since === null || issue.updatedAt >= since),
    );
    // Numbers grow with creation time, so they order "created" and break ties of "updated".
    const field = query.sort === 'updated' ? 'updatedAt' : 'createdAt';
    const sign = query.direction === 'asc' ? 1 : -1;
    listed.sort((a, b) => sign * (a[field] - b[field] || a.number - b.number));
    data.listings.set(key, listed);
    return listed;
  }

  private data(ref: string | number): RepositoryData | undefined {
    return typeof ref === 'number' ? this.byId.get(ref) : this.byName.get(ref.toLowerCase());
  }

  private must(ref: string | number): RepositoryData {
    const data = this.data(ref);
    if (!data) throw new Error(`no repository ${ref}`);
    return data;
  }
}

function applyChange(issue: FakeIssue, change: IssueChange, at: number): void {
  if (change.title !== undefined) issue.title = change.title;
  if (change.body !== undefined) issue.body = change.body;
  if (change.assignees !== undefined) issue.assignees = [...change.assignees];
  if (change.comments !== undefined) issue.comments = change.comments;
  if (change.draft !== undefined && issue.pull) issue.pull.draft = change.draft;
  if (change.merged === true && issue.pull) {
    issue.pull.mergedAt = at;
    change = { ...change, state: 'closed' };
  }
  if (change.state !== undefined && change.state !== issue.state) {
    issue.state = change.state;
    issue.closedAt = change.state === 'closed' ? at : null;
    issue.stateReason = change.state === 'closed' ? 'completed' : 'reopened';
  }
}
