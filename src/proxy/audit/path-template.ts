/**
 * What a provider call's path says in the audit log: its route, not its data. The proxy knows only
 * the concrete path (`/repos/octocat/hello-world/issues/1347?state=open`), so each segment is kept
 * only when it reads as a word of the API and replaced by `{id}` otherwise:
 *
 * - kept: letters with `_`, `-` or `.` inside (`repos`, `chat.postMessage`, `hello-world`), at most
 *   40 characters, and API versions (`v1`, `v1.0`, `v2beta1`);
 * - `{id}`: anything with a digit (numbers, UUIDs, hex digests, `PROJ-123`, `C024BE91L`), or any
 *   other character (`@`, `%`, `:`, `(`, `~`, `+`, `=` ...), or longer than 40 characters.
 *
 * So names that look like words stay (an owner's login, a repository's name): a caller that knows
 * its route passes it as the template (`/repos/{owner}/{repo}/issues`) and such names go too.
 * The query string keeps only its parameter names, sorted, never a value; a name that is not a
 * plain identifier is counted as `{key}`. An empty segment (a trailing slash) stays empty.
 */
export const ID_PLACEHOLDER = '{id}';
const KEY_PLACEHOLDER = '{key}';
const MAX_WORD = 40;
const MAX_TEMPLATE = 1024;
const MAX_QUERY_KEYS = 64;

const WORD = /^[A-Za-z](?:[A-Za-z_.-]*[A-Za-z_])?$/;
const API_VERSION = /^v\d{1,3}(?:\.\d{1,3})?(?:(?:alpha|beta)\d{0,3})?$/;
/** A placeholder a caller's own template may hold: `{owner}`, `{issue_number}`. */
const NAMED_PLACEHOLDER = /^\{[a-z][a-zA-Z0-9_]{0,39}\}$/;
const QUERY_KEY = /^[A-Za-z][A-Za-z0-9_.[\]-]{0,63}$/;

export interface CallRoute {
  pathTemplate: string;
  queryKeys: string[];
}

const reduceSegment = (segment: string, allowNamed: boolean): string => {
  if (segment === '') return '';
  if (allowNamed && NAMED_PLACEHOLDER.test(segment)) return segment;
  if (API_VERSION.test(segment)) return segment;
  return segment.length <= MAX_WORD && WORD.test(segment) ? segment : ID_PLACEHOLDER;
};

function templateOf(path: string, allowNamed: boolean): string {
  const segments = (path.startsWith('/') ? path.slice(1) : path).split('/');
  let template = '';
  for (const segment of segments) {
    const next = `${template}/${reduceSegment(segment, allowNamed)}`;
    // A path this long is someone's data, not a route: the rest is one placeholder.
    if (next.length > MAX_TEMPLATE - 8) return `${template}/{rest}`;
    template = next;
  }
  return template;
}

function queryKeysOf(query: string): string[] {
  const keys = new Set<string>();
  for (const [key] of new URLSearchParams(query)) {
    keys.add(QUERY_KEY.test(key) ? key : KEY_PLACEHOLDER);
    if (keys.size >= MAX_QUERY_KEYS) break;
  }
  return [...keys].sort();
}

/**
 * The route of a concrete path (with or without its query string), or of the caller's own
 * template when it has one: that one is checked by the same rule, with `{name}` placeholders
 * allowed, so a template that happens to hold a value still loses it.
 */
export function callRoute(path: string, declaredTemplate?: string): CallRoute {
  const withoutFragment = path.split('#', 1)[0]!;
  const queryAt = withoutFragment.indexOf('?');
  const concrete = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const query = queryAt === -1 ? '' : withoutFragment.slice(queryAt + 1);
  const pathTemplate =
    declaredTemplate === undefined
      ? templateOf(concrete, false)
      : templateOf(declaredTemplate.split('?', 1)[0]!, true);
  return { pathTemplate, queryKeys: queryKeysOf(query) };
}
