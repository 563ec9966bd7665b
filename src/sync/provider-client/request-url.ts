import type { ProviderRequest, QueryValue } from '../../connectors/sdk/provider-http.js';
import { placeholdersOf } from '../../shared/placeholders.js';

export class MissingPlaceholderError extends Error {}

/** `{name}` → its value, URI-encoded; a placeholder without a value is a bug in the connection's data. */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string>>,
  encode: boolean,
): string {
  let filled = template;
  for (const name of placeholdersOf(template)) {
    const value = values[name];
    if (value === undefined) throw new MissingPlaceholderError(`No value for {${name}} in ${template}`);
    filled = filled.replaceAll(`{${name}}`, encode ? encodeURIComponent(value) : value);
  }
  return filled;
}

/**
 * The absolute URL of a request: a path joins the base URL (keeping the base's own path, as
 * `https://ghe.acme.com/api/v3` needs); a full URL (a next-page link) must be on the base's origin,
 * so a provider's answer can never send our credentials elsewhere.
 */
export function requestUrl(
  baseUrl: string,
  request: Pick<ProviderRequest, 'path' | 'query'>,
  values: Readonly<Record<string, string>>,
): URL {
  const base = new URL(fillPlaceholders(baseUrl, values, false));
  let url: URL;
  if (/^https?:\/\//.test(request.path)) {
    url = new URL(request.path);
    if (url.origin !== base.origin) {
      throw new Error(`Refusing to call ${url.origin}: the provider's API is at ${base.origin}`);
    }
  } else {
    const path = fillPlaceholders(request.path, values, true);
    url = new URL(`${base.pathname.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`, base);
  }
  for (const [name, value] of Object.entries(request.query ?? {})) appendQuery(url, name, value);
  return url;
}

function appendQuery(url: URL, name: string, value: QueryValue): void {
  if (value === undefined || value === null) return;
  url.searchParams.delete(name);
  if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, item);
  else url.searchParams.set(name, String(value));
}

/** The path of `url` below the API base URL's own path (`/repos/o/r/issues` under `/api/v3`): what budgets match. */
export function apiPathOf(baseUrl: string, values: Readonly<Record<string, string>>, url: URL): string {
  const basePath = new URL(fillPlaceholders(baseUrl, values, false)).pathname.replace(/\/$/, '');
  return url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
}
