import { MESSAGES } from './github-recordings.js';
import type { GithubRenderer } from './github-render.js';
import type { GithubStore, ListQuery } from './github-store.js';
import { type GithubWrites, WRITE_ENDPOINTS } from './github-writes.js';

/**
 * The REST endpoints the GitHub fake serves, after GitHub's docs for their parameters and defaults:
 * https://docs.github.com/en/rest/issues/issues#list-repository-issues (state=open, sort=created,
 * direction=desc, `since` inclusive), .../pulls/pulls#list-pull-requests (no `since`; direction desc
 * for created, asc otherwise), .../repos/repos#list-repositories-for-the-authenticated-user.
 * Lists page by `per_page` (30 by default, at most 100) and `page`, linking to
 * `/repositories/{id}/...` as the recorded Link headers do.
 */
export interface EndpointContext {
  store: GithubStore;
  renderer: GithubRenderer;
  origin: string;
  writes: GithubWrites;
}

export interface EndpointResult {
  status: number;
  body: unknown;
  /** The body already serialized (list pages, built from cached items). */
  json?: string;
  link?: string | undefined;
}

export type Params = Record<string, string | undefined>;

export interface Endpoint {
  method: string;
  name: string;
  pattern: RegExp;
  handle(context: EndpointContext, params: Params, search: URLSearchParams, body: unknown): EndpointResult;
}

const ok = (body: unknown): EndpointResult => ({ status: 200, body });
const notFound = (): EndpointResult => ({ status: 404, body: MESSAGES.notFound });

/** `/repos/{owner}/{repo}` or `/repositories/{id}` (where GitHub's Link headers point). */
export const REPO = '(?:/repos/(?<owner>[^/]+)/(?<repo>[^/]+)|/repositories/(?<id>\\d+))';
export const repoRef = (params: Params): string | number =>
  params['id'] !== undefined ? Number(params['id']) : `${params['owner']}/${params['repo']}`;

/** One page of `all` and the Link header GitHub would send with it (rel prev, next, last, first). */
function page<Item>(
  all: readonly Item[],
  search: URLSearchParams,
  base: string,
  serialize: (item: Item) => string,
): EndpointResult {
  const perPage = Math.min(100, Math.max(1, Number(search.get('per_page')) || 30));
  const current = Math.max(1, Number(search.get('page')) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((current - 1) * perPage, current * perPage);
  const query = new URLSearchParams(search);
  query.delete('page');
  const link = (target: number, rel: string) => {
    query.set('page', String(target));
    return `<${base}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (current > 1) links.push(link(Math.min(current - 1, last), 'prev'));
  if (current < last) links.push(link(current + 1, 'next'), link(last, 'last'));
  if (current > 1) links.push(link(1, 'first'));
  return {
    status: 200,
    body: null,
    json: `[${items.map(serialize).join(',')}]`,
    link: links.join(', ') || undefined,
  };
}

function listItems(
  { store, renderer, origin }: EndpointContext,
  ref: string | number,
  kind: ListQuery['kind'],
  search: URLSearchParams,
): EndpointResult {
  const repository = store.repository(ref);
  if (!repository) return notFound();
  if (kind === 'issues' && !repository.hasIssues) return { status: 410, body: MESSAGES.issuesDisabled };
  const sort = search.get('sort') === 'updated' ? 'updated' : 'created';
  const direction = search.get('direction') ?? (kind === 'pulls' && sort === 'updated' ? 'asc' : 'desc');
  const sinceText = kind === 'issues' ? search.get('since') : null;
  const since = sinceText === null ? null : Date.parse(sinceText);
  if (Number.isNaN(since)) return { status: 422, body: MESSAGES.invalidSince };
  const state = search.get('state');
  const items = store.list(repository.id, {
    kind,
    state: state === 'closed' || state === 'all' ? state : 'open',
    sort,
    direction: direction === 'asc' ? 'asc' : 'desc',
    since,
  });
  const shape = kind === 'issues' ? 'issue' : 'pull';
  return page(items, search, `${origin}/repositories/${repository.id}/${kind}`, (item) =>
    renderer.listed(item, shape),
  );
}

function getItem(
  { store, renderer }: EndpointContext,
  ref: string | number,
  kind: ListQuery['kind'],
  number: number,
): EndpointResult {
  const repository = store.repository(ref);
  if (!repository) return notFound();
  const item = store.find(repository.id, number);
  if (item === 'deleted' && kind === 'issues') return { status: 410, body: MESSAGES.issueDeleted };
  if (item === undefined || item === 'deleted' || (kind === 'pulls' && !item.pull)) return notFound();
  return ok(kind === 'issues' ? renderer.issue(item) : renderer.pull(item));
}

const ENDPOINTS: Endpoint[] = [
  ...WRITE_ENDPOINTS,
  {
    method: 'GET',
    name: '/user/repos',
    pattern: /^\/user\/repos$/,
    handle: ({ store, renderer, origin }, _params, search) => {
      const all = store.repositories();
      if (search.get('direction') === 'desc') all.reverse();
      return page(all, search, `${origin}/user/repos`, (repository) =>
        JSON.stringify(renderer.repository(repository)),
      );
    },
  },
  {
    method: 'GET',
    name: '/repos/{owner}/{repo}',
    pattern: new RegExp(`^${REPO}$`),
    handle: ({ store, renderer }, params) => {
      const repository = store.repository(repoRef(params));
      return repository ? ok(renderer.repository(repository)) : notFound();
    },
  },
  {
    method: 'GET',
    name: '/repos/{owner}/{repo}/issues',
    pattern: new RegExp(`^${REPO}/issues$`),
    handle: (context, params, search) => listItems(context, repoRef(params), 'issues', search),
  },
  {
    method: 'GET',
    name: '/repos/{owner}/{repo}/issues/{number}',
    pattern: new RegExp(`^${REPO}/issues/(?<number>\\d+)$`),
    handle: (context, params) => getItem(context, repoRef(params), 'issues', Number(params['number'])),
  },
  {
    method: 'GET',
    name: '/repos/{owner}/{repo}/pulls',
    pattern: new RegExp(`^${REPO}/pulls$`),
    handle: (context, params, search) => listItems(context, repoRef(params), 'pulls', search),
  },
  {
    method: 'GET',
    name: '/repos/{owner}/{repo}/pulls/{number}',
    pattern: new RegExp(`^${REPO}/pulls/(?<number>\\d+)$`),
    handle: (context, params) => getItem(context, repoRef(params), 'pulls', Number(params['number'])),
  },
];

/** The endpoint for a request (its name is the route the call log counts), or null: 404. */
export function findEndpoint(
  method: string,
  pathname: string,
): {
  name: string;
  handle(context: EndpointContext, search: URLSearchParams, body: unknown): EndpointResult;
} | null {
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const match = endpoint.pattern.exec(pathname);
    if (match) {
      const params = match.groups ?? {};
      return {
        name: endpoint.name,
        handle: (context, search, body) => endpoint.handle(context, params, search, body),
      };
    }
  }
  return null;
}
