import { createHash } from 'node:crypto';
import type { ActionIdempotency } from '../../connectors/sdk/action.js';
import type { ProviderHttp, ProviderRequest } from '../../connectors/sdk/provider-http.js';

/**
 * The caller's idempotency key on every write request of an action whose provider dedupes by one
 * (Todoist's X-Request-Id header, QuickBooks' `requestid` parameter): a retry inside the provider
 * client, or a repeat by the caller, then creates nothing twice at the provider either. Reads go
 * out unchanged. Without a key, or for a provider that takes none, the client is returned as is.
 */
export function withIdempotencyKey(
  http: ProviderHttp,
  idempotency: ActionIdempotency | undefined,
  key: string | null | undefined,
): ProviderHttp {
  if (!idempotency || key == null) return http;
  const sent = providerKey(key, idempotency.maxLength);
  const keyed = (request: ProviderRequest): ProviderRequest => {
    if ((request.method ?? 'GET') === 'GET') return request;
    return 'header' in idempotency
      ? { ...request, headers: { ...request.headers, [idempotency.header]: sent } }
      : { ...request, query: { ...request.query, [idempotency.query]: sent } };
  };
  return {
    request: (request) => http.request(keyed(request)),
    paginate: (request, options) => http.paginate(keyed(request), options),
  };
}

/** The key as the provider takes it: as given when short enough, else its digest (43 characters, cut to fit). */
export function providerKey(key: string, maxLength: number | undefined): string {
  if (maxLength === undefined || key.length <= maxLength) return key;
  return createHash('sha256').update(key).digest('base64url').slice(0, maxLength);
}
