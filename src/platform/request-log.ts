/**
 * What a request log line says about the request. Query strings carry secrets (an OAuth callback's
 * code and state, Graph's validationToken, a token a client put in a URL by mistake), so every
 * value is replaced: the names stay, which is what reading a log needs.
 */

export const REDACTED = '[redacted]';

/** `/path?a=1&b` → `/path?a=[redacted]&[redacted]`; a parameter without `=` may itself be a secret. */
export function withQueryValuesRedacted(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const query = url.slice(at + 1);
  if (query === '') return url;
  const redacted = query.split('&').map((pair) => {
    const equals = pair.indexOf('=');
    return equals === -1 ? REDACTED : `${pair.slice(0, equals)}=${REDACTED}`;
  });
  return `${url.slice(0, at)}?${redacted.join('&')}`;
}

/** The part of a Fastify request the serializer reads (the platform does not depend on Fastify). */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's own `req` serializer, with the query values redacted. */
export function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? withQueryValuesRedacted(request.url) : undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
