import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type {
  PageRef,
  ProviderRequest,
  ProviderResponse,
  QueryValue,
} from '../../connectors/sdk/provider-http.js';
import { readPath } from '../../shared/json-path.js';

type Pagination = ProviderManifest['api']['pagination'];

/** The request for the page `ref` points at (the first page when ref is null). */
export function pageRequest(
  pagination: Pagination,
  request: ProviderRequest,
  ref: PageRef | null,
  pageSize: number | undefined,
): ProviderRequest {
  const query: Record<string, QueryValue> = { ...(request.query ?? {}) };
  const limitParam = 'limitParam' in pagination ? pagination.limitParam : undefined;
  if (pageSize !== undefined && limitParam) query[limitParam] = pageSize;
  if (ref === null) return { ...request, query };
  if ('url' in ref) return { ...request, path: ref.url, query: {} };
  if ('cursor' in ref && pagination.style === 'cursor') {
    if (pagination.in === 'body')
      return {
        ...request,
        query,
        json: { ...(request.json as object), [pagination.cursorParam]: ref.cursor },
      };
    return { ...request, query: { ...query, [pagination.cursorParam]: ref.cursor } };
  }
  if ('pageToken' in ref && pagination.style === 'page_token') {
    return { ...request, query: { ...query, [pagination.tokenParam]: ref.pageToken } };
  }
  if ('offset' in ref && pagination.style === 'offset') {
    return { ...request, query: { ...query, [pagination.offsetParam]: ref.offset } };
  }
  throw new Error(`A ${Object.keys(ref)[0]} page reference does not fit ${pagination.style} pagination`);
}

/** Where the page after `response` is, by the manifest's style; null on the last page. */
export function nextPage(
  pagination: Pagination,
  response: ProviderResponse,
  current: PageRef | null,
  itemCount: (body: unknown) => number,
): PageRef | null {
  switch (pagination.style) {
    case 'none':
    case 'graphql_relay':
      return null;
    case 'link_header': {
      const next = linkNext(response.headers.get('link'));
      return next ? { url: next } : null;
    }
    case 'cursor': {
      if (pagination.hasMorePath && readPath(response.body, pagination.hasMorePath) === false) return null;
      const cursor = readPath(response.body, pagination.nextCursorPath);
      return typeof cursor === 'string' && cursor !== '' ? { cursor } : null;
    }
    case 'page_token': {
      const token = readPath(response.body, pagination.nextTokenPath);
      return typeof token === 'string' && token !== '' ? { pageToken: token } : null;
    }
    case 'next_url': {
      const url = readPath(response.body, pagination.nextUrlPath);
      return typeof url === 'string' && url !== '' ? { url } : null;
    }
    case 'offset': {
      const count = itemCount(response.body);
      if (count === 0) return null;
      const offset = (current && 'offset' in current ? current.offset : pagination.firstOffset) + count;
      const total = pagination.totalPath ? readPath(response.body, pagination.totalPath) : undefined;
      return typeof total === 'number' && offset >= total ? null : { offset };
    }
  }
}

/** RFC 8288: the target of `rel="next"` in a Link header. */
export function linkNext(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /(?:^|;)\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/.test(match[2] ?? ''))
      return match[1] ?? null;
  }
  return null;
}
