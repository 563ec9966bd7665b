/**
 * Jira Cloud REST API v3 on loopback for sync and action tests: the enhanced JQL search
 * (`GET`/`POST /rest/api/3/search/jql`), `GET /rest/api/3/issue/{idOrKey}`, `GET /rest/api/3/myself`,
 * and an issue's transitions (`GET`/`POST /rest/api/3/issue/{idOrKey}/transitions`: the list as
 * the Get transitions reference shows it, typed by jira.js 6.2.0's Transitions; the POST answers
 * 204, or 400 "Transition id '…' is not valid for this issue." for one the issue does not offer).
 *
 * Built from:
 * - https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
 *   (`jql`, `nextPageToken`, `maxResults` default 50, `fields` default `id` only; the answer's
 *   `issues`, `nextPageToken` absent on the last page, `isLast`; unbounded JQL is refused with 400).
 * - The examples of the Get issue and Get current user operations in the same reference for the
 *   shapes of `status` (with `statusCategory` new / indeterminate / done), `assignee`, `project`,
 *   `issuetype`, and Jira's time format (`2024-01-15T10:30:00.000+0000`); jira.js 6.2.0's models
 *   (StatusDetails, UserDetails, ProjectDetails, IssueTypeDetails, SearchAndReconcileResults), whose
 *   strict form the fake's test holds these to.
 * - JQL dates are wall times in the searching user's time zone (GET /myself `timeZone`).
 *
 * - With `gateway`, the 3LO API gateway of api.atlassian.com: the API under `/ex/jira/{cloudId}`
 *   (another cloud id is not found) and `GET /oauth/token/accessible-resources`, the sites a token
 *   reaches as `[{id, url, name, scopes, avatarUrl}]`
 *   (https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api/, typed by
 *   jira.js 6.2.0's AccessibleResource). Its 401 body is the fake's own.
 *
 * Fake's own choices (not checked against the live API): the JQL subset of jira-jql.ts; a search
 * is a snapshot taken at its first page, and a nextPageToken is valid only with the same JQL; at
 * most 100 issues a page whatever `maxResults` says when fields are asked for; a deleted issue is
 * simply gone; times are rendered in UTC (`+0000`); a refused token gets 401 with an
 * errorMessages body; the fake's clock only moves when a test moves it.
 */

import type { AccessibleResource } from 'jira.js';
import { JqlError, parseJql } from './jira-jql.js';
import {
  bearerOf,
  type FakeReply,
  type FakeRequest,
  paramsOf,
  startLoopbackServer,
} from './loopback-server.js';

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface JiraFakeIssue {
  id: string;
  key: string;
  summary: string;
  status: { id: string; name: string; category: StatusCategoryKey };
  assignee: { accountId: string; displayName: string; emailAddress: string } | null;
  project: string;
  issuetype: 'Task' | 'Bug' | 'Story';
  created: number;
  updated: number;
}

export interface JiraSearchLog {
  method: string;
  jql: string | null;
  nextPageToken: string | null;
  fields: string;
  maxResults: string | null;
  status: number;
}

export interface JiraGatewayOptions {
  /** The site this fake is: its API is served under `/ex/jira/{cloudId}`. */
  cloudId: string;
  /** What accessible-resources lists (this site and any other). */
  resources: AccessibleResource[];
}

export interface JiraApiFakeOptions {
  token?: string;
  timeZone?: string;
  gateway?: JiraGatewayOptions;
  /** Decides whether a bearer token is good (a token a real OAuth server issued); default: equals `token`. */
  acceptToken?: (token: string) => boolean | Promise<boolean>;
}

export interface JiraApiFake {
  origin: string;
  /** Where the REST API is: the origin, or `{origin}/ex/jira/{cloudId}` behind the gateway. */
  apiBase: string;
  token: string;
  searches: JiraSearchLog[];
  /** Every POST of a transition, as asked for. */
  transitions: { issue: string; transitionId: string | null }[];
  /** The searching user's time zone, which JQL dates are read in. */
  timeZone: string;
  /** The fake's clock (epoch ms); every change is stamped with it. */
  now: number;
  advance(ms: number): void;
  seedIssues(count: number, fields?: Partial<JiraFakeIssue>): JiraFakeIssue[];
  addIssue(fields?: Partial<JiraFakeIssue>): JiraFakeIssue;
  updateIssue(id: string, fields: Partial<JiraFakeIssue>): JiraFakeIssue;
  deleteIssue(id: string): void;
  issues(): JiraFakeIssue[];
  setInvalidAuth(invalid: boolean): void;
  close(): Promise<void>;
}

const CATEGORIES = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
export const STATUSES = {
  todo: { id: '10000', name: 'To Do', category: 'new' },
  inProgress: { id: '3', name: 'In Progress', category: 'indeterminate' },
  done: { id: '10001', name: 'Done', category: 'done' },
} as const;
/** The transition into each status in Jira Cloud's simplified workflow (To Do 11, In Progress 21, Done 31). */
const TRANSITION_IDS: Readonly<Record<string, string>> = { '10000': '11', '3': '21', '10001': '31' };
const ISSUE_TYPES = { Task: '10001', Bug: '10004', Story: '10002' } as const;

/** Jira's own format: milliseconds and an offset without a colon. */
const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const errorReply = (status: number, message: string): FakeReply => ({
  status,
  body: { errorMessages: [message], errors: {} },
});

export async function startJiraApiFake(options: JiraApiFakeOptions = {}): Promise<JiraApiFake> {
  const token = options.token ?? 'eyJraWQiOiJmYWtlLWppcmEtM2xvIiwiYWxnIjoiUlMyNTYifQ.fake';
  const stored = new Map<string, JiraFakeIssue>();
  const pages = new Map<string, { jql: string; ids: string[]; offset: number }>();
  const searches: JiraSearchLog[] = [];
  const transitions: { issue: string; transitionId: string | null }[] = [];
  let invalidAuth = false;
  let issueCount = 0;
  // Self links name the API as it was called (behind the gateway: `/ex/jira/{cloudId}`).
  let origin = '';
  const prefix = options.gateway ? `/ex/jira/${options.gateway.cloudId}` : '';

  const me = () => ({
    self: `${origin}/rest/api/3/user?accountId=5b10a2844c20165700ede21g`,
    accountId: '5b10a2844c20165700ede21g',
    accountType: 'atlassian',
    emailAddress: 'mia@example.com',
    avatarUrls: {
      '48x48':
        'https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials/MK-5.png?size=48&s=48',
    },
    displayName: 'Mia Krystof',
    active: true,
    timeZone: fake.timeZone,
    locale: 'en_US',
  });

  const fieldsOf = (issue: JiraFakeIssue): Record<string, unknown> => ({
    summary: issue.summary,
    status: {
      self: `${origin}/rest/api/3/status/${issue.status.id}`,
      description: '',
      iconUrl: `${origin}/images/icons/statuses/open.png`,
      name: issue.status.name,
      id: issue.status.id,
      statusCategory: {
        self: `${origin}/rest/api/3/statuscategory/${CATEGORIES[issue.status.category].id}`,
        ...CATEGORIES[issue.status.category],
      },
    },
    assignee: issue.assignee && {
      self: `${origin}/rest/api/3/user?accountId=${issue.assignee.accountId}`,
      accountId: issue.assignee.accountId,
      emailAddress: issue.assignee.emailAddress,
      displayName: issue.assignee.displayName,
      active: true,
      timeZone: 'Australia/Sydney',
      accountType: 'atlassian',
    },
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
    project: {
      self: `${origin}/rest/api/3/project/${issue.project}`,
      id: String(10000 + issue.project.charCodeAt(0)),
      key: issue.project,
      name: `${issue.project} project`,
      projectTypeKey: 'software',
      simplified: false,
    },
    issuetype: {
      self: `${origin}/rest/api/3/issuetype/${ISSUE_TYPES[issue.issuetype]}`,
      id: ISSUE_TYPES[issue.issuetype],
      description: `A ${issue.issuetype.toLowerCase()}.`,
      iconUrl: `${origin}/secure/viewavatar?size=medium&avatarId=10318&avatarType=issuetype`,
      name: issue.issuetype,
      subtask: false,
      avatarId: 10318,
      hierarchyLevel: 0,
    },
  });

  const render = (issue: JiraFakeIssue, fields: string[]) => {
    const all = fieldsOf(issue);
    const chosen = fields.includes('*all') || fields.includes('*navigable') ? Object.keys(all) : fields;
    if (chosen.length === 1 && chosen[0] === 'id') return { id: issue.id };
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${origin}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields: Object.fromEntries(chosen.filter((name) => name in all).map((name) => [name, all[name]])),
    };
  };

  const search = (params: Map<string, string>, fields: string[]): FakeReply => {
    const jql = params.get('jql') ?? '';
    const limit = fields.every((name) => name === 'id' || name === 'key') ? 5000 : 100;
    const size = Math.min(Number(params.get('maxResults') ?? 50), limit);
    const token = params.get('nextPageToken');
    let listing = token ? pages.get(token) : undefined;
    if (token && (!listing || listing.jql !== jql))
      return errorReply(400, 'The provided next page token is invalid or expired.');
    if (!listing) {
      let query: ReturnType<typeof parseJql>;
      try {
        query = parseJql(jql, fake.timeZone);
      } catch (error) {
        if (error instanceof JqlError) return errorReply(400, error.message);
        throw error;
      }
      const direction = query.order === 'DESC' ? -1 : 1;
      const matching = [...stored.values()]
        .filter((issue) => query.projects === null || query.projects.includes(issue.project))
        .filter((issue) => query.updatedFrom === null || issue.updated >= query.updatedFrom)
        .sort((a, b) =>
          query.order === null
            ? Number(b.id) - Number(a.id)
            : direction * (a.updated - b.updated || Number(a.id) - Number(b.id)),
        );
      listing = { jql, ids: matching.map((issue) => issue.id), offset: 0 };
    }
    const page = listing.ids.slice(listing.offset, listing.offset + size);
    const rest = { ...listing, offset: listing.offset + size };
    const body: Record<string, unknown> = {
      issues: page.flatMap((id) => {
        const issue = stored.get(id);
        return issue ? [render(issue, fields)] : [];
      }),
      isLast: rest.offset >= rest.ids.length,
    };
    if (!body.isLast) {
      const next = `Ch0jU1RSSU5HX0ZJRUxE${Buffer.from(`${pages.size}`).toString('base64url')}`;
      pages.set(next, rest);
      body.nextPageToken = next;
    }
    return { status: 200, body };
  };

  /** Every other status, through the global transitions of Jira's simplified workflow. */
  const offered = (issue: JiraFakeIssue) =>
    Object.values(STATUSES)
      .filter((status) => status.id !== issue.status.id)
      .map((status) => ({
        id: TRANSITION_IDS[status.id]!,
        name: status.name,
        to: fieldsOf({ ...issue, status }).status as Record<string, unknown>,
        hasScreen: false,
        isGlobal: true,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
        target: status,
      }));

  const listTransitions = (issue: JiraFakeIssue): FakeReply => ({
    status: 200,
    body: { expand: 'transitions', transitions: offered(issue).map(({ target: _, ...shown }) => shown) },
  });

  const doTransition = (issue: JiraFakeIssue, request: FakeRequest): FakeReply => {
    const id = (JSON.parse(request.body || '{}') as { transition?: { id?: unknown } }).transition?.id;
    transitions.push({ issue: issue.key, transitionId: typeof id === 'string' ? id : null });
    const chosen = offered(issue).find((transition) => transition.id === id);
    if (!chosen) return errorReply(400, `Transition id '${String(id)}' is not valid for this issue.`);
    fake.updateIssue(issue.id, { status: chosen.target });
    return { status: 204 };
  };

  const isAccepted = async (request: FakeRequest) => {
    const bearer = bearerOf(request);
    if (bearer === null || invalidAuth) return false;
    return options.acceptToken ? options.acceptToken(bearer) : bearer === token;
  };

  const handle = async (incoming: FakeRequest): Promise<FakeReply> => {
    const authorized = await isAccepted(incoming);
    if (options.gateway && incoming.pathname === '/oauth/token/accessible-resources') {
      if (incoming.method !== 'GET')
        return { status: 405, body: { code: 405, message: 'Method Not Allowed' } };
      return authorized
        ? { status: 200, body: options.gateway.resources }
        : { status: 401, body: { code: 401, message: 'Unauthorized' } };
    }
    if (prefix && !incoming.pathname.startsWith(`${prefix}/`)) return errorReply(404, 'Not found');
    const request = { ...incoming, pathname: incoming.pathname.slice(prefix.length) };
    if (request.pathname === '/rest/api/3/myself' && request.method === 'GET') {
      return authorized
        ? { status: 200, body: me() }
        : errorReply(401, 'You are not authenticated. Authentication required to perform this operation.');
    }
    const transitionsOf = /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/.exec(request.pathname);
    if (transitionsOf && (request.method === 'GET' || request.method === 'POST')) {
      if (!authorized)
        return errorReply(
          401,
          'You are not authenticated. Authentication required to perform this operation.',
        );
      const issue = [...stored.values()].find(
        (each) => each.id === transitionsOf[1] || each.key === transitionsOf[1],
      );
      if (!issue) return errorReply(404, 'Issue does not exist or you do not have permission to see it.');
      return request.method === 'GET' ? listTransitions(issue) : doTransition(issue, request);
    }
    const single = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(request.pathname);
    if (single && request.method === 'GET') {
      if (!authorized)
        return errorReply(
          401,
          'You are not authenticated. Authentication required to perform this operation.',
        );
      const issue = [...stored.values()].find((each) => each.id === single[1] || each.key === single[1]);
      const fields = (request.query.get('fields') ?? '*all').split(',');
      return issue
        ? { status: 200, body: render(issue, fields) }
        : errorReply(404, 'Issue does not exist or you do not have permission to see it.');
    }
    if (request.pathname !== '/rest/api/3/search/jql' || !['GET', 'POST'].includes(request.method)) {
      return errorReply(404, 'Not found');
    }
    const params = paramsOf(request);
    // GET repeats `fields` or separates it with commas; POST sends a JSON array.
    const listed = request.method === 'GET' ? request.query.getAll('fields').join(',') : params.get('fields');
    const fields = (listed || 'id')
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((name) => name.trim().replace(/^"|"$/g, ''));
    const reply = authorized
      ? search(params, fields)
      : errorReply(401, 'You are not authenticated. Authentication required to perform this operation.');
    searches.push({
      method: request.method,
      jql: params.get('jql') ?? null,
      nextPageToken: params.get('nextPageToken') ?? null,
      fields: fields.join(','),
      maxResults: params.get('maxResults') ?? null,
      status: reply.status,
    });
    return reply;
  };

  const server = await startLoopbackServer(handle);
  origin = server.origin + prefix;
  const issueOf = (id: string) => {
    const issue = stored.get(id);
    if (!issue) throw new Error(`no issue ${id} in the Jira fake`);
    return issue;
  };

  const fake: JiraApiFake = {
    origin: server.origin,
    apiBase: origin,
    token,
    searches,
    transitions,
    timeZone: options.timeZone ?? 'America/Los_Angeles',
    now: Date.parse('2030-01-15T09:00:00.000Z'),
    advance(ms) {
      fake.now += ms;
    },
    seedIssues: (count, fields) => Array.from({ length: count }, () => fake.addIssue(fields)),
    addIssue(fields = {}) {
      issueCount += 1;
      const project = fields.project ?? 'ENG';
      const issue: JiraFakeIssue = {
        id: String(10000 + issueCount),
        key: `${project}-${issueCount}`,
        summary: `Issue number ${issueCount}`,
        status: STATUSES.todo,
        assignee: {
          accountId: '5b10ac8d82e05b22cc7d4ef5',
          displayName: 'Emma Richards',
          emailAddress: 'emma@example.com',
        },
        project,
        issuetype: 'Task',
        created: fake.now,
        updated: fake.now,
        ...fields,
      };
      stored.set(issue.id, issue);
      return issue;
    },
    updateIssue(id, fields) {
      const issue = { ...issueOf(id), ...fields, id, updated: fake.now };
      stored.set(id, issue);
      return issue;
    },
    deleteIssue(id) {
      issueOf(id);
      stored.delete(id);
    },
    issues: () => [...stored.values()],
    setInvalidAuth(invalid) {
      invalidAuth = invalid;
    },
    close: () => server.close(),
  };
  return fake;
}
