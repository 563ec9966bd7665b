/**
 * Declared provider actions (connectors' `actions.ts`): the catalog and their execution. This is
 * the interface GraphQL, `GET /catalog` and the MCP endpoint use; keep it stable.
 *
 *   listActions(catalog, provider?)                     → ActionCatalogEntry[]
 *   invokeAction(deps, caller, tenantId, invocation)    → ActionResult (or a SwitchboardError)
 *
 * Error codes: CONNECTION_NOT_FOUND, ACTION_NOT_FOUND, BAD_USER_INPUT (extensions.field names the
 * JSON path), MISSING_SCOPES (extensions.missingScopes), CONNECTION_NOT_ACTIVE,
 * PROVIDER_AUTH_ERROR, RATE_LIMITED (extensions.retryAt), PROVIDER_UNAVAILABLE, ACTION_FAILED
 * (extensions.reason: the action's declared error code, or PROVIDER_REJECTED),
 * PROVIDER_RESPONSE_INVALID, CONFLICT (idempotency key reused with another input, or still running).
 */
export { catalogEntry, listActions } from './catalog.js';
export { MissingScopesError } from './errors.js';
export { invokeAction } from './invoke.js';
export type {
  ActionCatalogEntry,
  ActionDeps,
  ActionInvocation,
  ActionResult,
  ProviderCallRecord,
  RateLimitSnapshot,
} from './types.js';
