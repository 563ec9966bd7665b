import type { FastifyInstance } from 'fastify';

/** For an HTML page that did not state a policy of its own: nothing loads, nothing frames it. */
export const STRICT_PAGE_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers every answer carries, so that no page the hub serves (GraphiQL, the OAuth result page,
 * whatever comes next) can be framed, sniffed into another type, cached, or leak its URL through
 * Referer. A route that needs a looser Content-Security-Policy sets its own; the rest are fixed.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    // A text/plain echo (Graph's validationToken) must never be read as HTML.
    reply.header('x-content-type-options', 'nosniff');
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', STRICT_PAGE_POLICY);
    // A page whose own policy lets someone frame it (the Connect UI, as configured) must not be
    // contradicted by X-Frame-Options: browsers that know frame-ancestors ignore it, older ones would not.
    if (!framingAllowed(String(reply.getHeader('content-security-policy'))))
      reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** Does this Content-Security-Policy let some ancestor frame the page? */
export function framingAllowed(policy: string): boolean {
  const directive = policy
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.toLowerCase().startsWith('frame-ancestors '));
  return directive !== undefined && directive.slice('frame-ancestors '.length).trim() !== "'none'";
}
