import type { IncomingHttpHeaders } from 'node:http';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** A call may be sent twice only when doing so cannot do something twice (RFC 9110 9.2.2), or the caller said so. */
export function mayRetry(method: string, headers: IncomingHttpHeaders): boolean {
  return IDEMPOTENT.has(method) || typeof headers['idempotency-key'] === 'string';
}

/** Answers worth another try of a retryable call: the provider timed out, is overloaded or failing. */
export const isTransientStatus = (status: number) =>
  status === 408 || status === 425 || status === 502 || status === 503 || status === 504 || status === 500;
