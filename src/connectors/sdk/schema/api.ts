import { z } from 'zod';
import { headerName, jsonPath, note, url } from './primitives.js';

/** Header names the rate governor reads; a provider that sends none leaves this out. */
export const rateLimitSchema = z.strictObject({
  limitHeader: headerName.optional(),
  remainingHeader: headerName.optional(),
  resetHeader: headerName.optional(),
  /** What the reset header holds: an epoch time or a number of seconds from now. */
  resetUnit: z.enum(['epoch_seconds', 'epoch_milliseconds', 'seconds', 'iso8601']).default('epoch_seconds'),
  retryAfterHeader: headerName.default('Retry-After'),
  /**
   * Budgets the rate governor holds every instance to, before the provider has to say no: `per`
   * one connection (a user's or workspace's quota), one tenant, or the whole provider app;
   * `paths` limits a budget to requests whose path starts with one of them.
   */
  budgets: z
    .array(
      z.strictObject({
        per: z.enum(['connection', 'tenant', 'app']),
        requests: z.number().int().min(1),
        perSeconds: z.number().int().min(1),
        paths: z.array(z.string().startsWith('/')).default([]),
        notes: z.array(note).default([]),
      }),
    )
    .default([]),
  docsUrl: url.optional(),
  notes: z.array(note).default([]),
});

/**
 * How list endpoints page. The shared HTTP client applies this; a connector never writes its own
 * cursor loop (STYLE.md, Nango habit).
 */
export const paginationSchema = z.discriminatedUnion('style', [
  z.strictObject({ style: z.literal('none') }),
  // RFC 8288 `Link: <...>; rel="next"` (GitHub).
  z.strictObject({ style: z.literal('link_header'), limitParam: z.string().optional() }),
  // An opaque cursor in the body, sent back as a parameter (Slack, Notion, HubSpot, Todoist).
  z.strictObject({
    style: z.literal('cursor'),
    cursorParam: z.string().min(1),
    nextCursorPath: jsonPath,
    hasMorePath: jsonPath.optional(),
    limitParam: z.string().optional(),
    in: z.enum(['query', 'body']).default('query'),
  }),
  // Google-style page tokens (also Zoom's next_page_token).
  z.strictObject({
    style: z.literal('page_token'),
    tokenParam: z.string().min(1),
    nextTokenPath: jsonPath,
    limitParam: z.string().optional(),
  }),
  // startAt/maxResults style (Jira, QuickBooks' STARTPOSITION).
  z.strictObject({
    style: z.literal('offset'),
    offsetParam: z.string().min(1),
    limitParam: z.string().min(1),
    totalPath: jsonPath.optional(),
    firstOffset: z.number().int().min(0).default(0),
  }),
  // The body carries the full URL of the next page (Microsoft Graph's @odata.nextLink).
  z.strictObject({ style: z.literal('next_url'), nextUrlPath: jsonPath }),
  // GraphQL Relay connections (Linear): `first`/`after` with pageInfo { hasNextPage endCursor }.
  z.strictObject({ style: z.literal('graphql_relay'), pageInfoPath: jsonPath.default('pageInfo') }),
]);

export const apiSchema = z.strictObject({
  baseUrl: url,
  /** Headers every request needs (API version pins, Accept types). */
  headers: z.record(headerName, z.string()).default({}),
  rateLimit: rateLimitSchema.optional(),
  pagination: paginationSchema.prefault({ style: 'none' }),
  /** Request headers the /proxy pass-through forwards beyond its own allowlist (a provider's API version header). */
  proxyHeaders: z.array(headerName).default([]),
  /**
   * Lets /proxy reach loopback, private and link-local addresses (a self-hosted server, a test
   * fake). Only a provider an operator declares in SWITCHBOARD_PROVIDERS_FILE may say so.
   */
  allowPrivateNetwork: z.boolean().default(false),
  docsUrl: url.optional(),
  notes: z.array(note).default([]),
});
