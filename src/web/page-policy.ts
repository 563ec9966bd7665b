import { randomBytes } from 'node:crypto';

/**
 * A Content-Security-Policy for a server-rendered page: its own scripts and styles only (by nonce,
 * fresh per response), nothing from another origin, forms posting back to this origin only.
 * `frameAncestors` is `'none'` unless a page is meant to be embedded (the Connect UI, configured by
 * SWITCHBOARD_CONNECT_FRAME_ANCESTORS).
 */
export interface PagePolicyOptions {
  nonce: string;
  /** Extra connect-src entries beyond 'self' (graphql-ws on this origin is 'self' already). */
  connect?: readonly string[];
  frameAncestors?: readonly string[];
  /** Where forms may post (default 'self'). */
  formAction?: readonly string[];
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function pagePolicy(options: PagePolicyOptions): string {
  const frameAncestors = options.frameAncestors?.length ? options.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    `script-src 'nonce-${options.nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${options.nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...(options.connect ?? [])].join(' '),
    ['form-action', ...(options.formAction ?? ["'self'"])].join(' '),
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}
