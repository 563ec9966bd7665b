import type { ProviderCatalog } from '../../connectors/catalog.js';
import type { ActionHints } from '../../connectors/sdk/action.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { HubMetrics } from '../../observability/metrics/index.js';
import type { KeyValueStore } from '../../platform/kv.js';
import type { ProviderHttpOptions } from '../../sync/provider-client/create-provider-http.js';
import type { CredentialSource } from '../../sync/provider-client/credential-source.js';
import type { ProviderRateGate } from '../../sync/provider-client/rate-gate.js';

/** One action as the catalog publishes it (GraphQL `actions`, `GET /catalog`, MCP tools). */
export interface ActionCatalogEntry {
  /** The provider it is listed under (an extension lists its base's actions under its own id). */
  provider: string;
  /** `github.create_issue`: what invokeAction takes. */
  id: string;
  /** The id without its provider part (`create_issue`): a tool name. */
  name: string;
  version: number;
  description: string;
  /** JSON Schema (draft 2020-12) of the input and of the output. */
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  /** Internal scopes, and the provider scopes they map to by the manifest. */
  scopes: string[];
  providerScopes: string[];
  hints: ActionHints;
  errors: { code: string; description: string }[];
  /** True when the provider itself dedupes by the idempotency key (the hub forwards it). */
  providerIdempotency: boolean;
}

export interface RateLimitSnapshot {
  /** Requests left in the provider's window, when it says. */
  remaining: number | null;
  /** When the window resets, when it says. */
  resetAt: Date | null;
}

/** One provider request as the audit sees it (ProviderCallRecord without who and for whom). */
export interface FinishedCall {
  method: string;
  /** The URL path requested (the base URL's own path included: `/gmail/v1/users/me/messages/send`), without query. */
  path: string;
  /** The last status the provider answered; null when no answer came (network failure, refused by the rate gate). */
  status: number | null;
  /** Requests that reached the provider for this call (retries and the replay after a refresh included). */
  attempts: number;
  durationMs: number;
  rateLimit: RateLimitSnapshot;
  /** Whether the request ended in a success (after retries) or threw. */
  outcome: 'succeeded' | 'failed';
}

/**
 * One provider request an action made, for the audit (onCallFinished): no token, no body, no
 * query string.
 */
export interface ProviderCallRecord extends FinishedCall {
  tenantId: string;
  connectionId: string;
  provider: string;
  action: string;
  actor: string;
  correlationId: string;
}

export interface ActionConnectionRow {
  id: string;
  provider: string;
  authMode: string;
  status: string;
  accountId: string | null;
  values: unknown;
  scopes: string[];
}

/** What invokeAction needs from the runtime. */
export interface ActionDeps {
  catalog: ProviderCatalog;
  prisma: Pick<PrismaClient, 'connection'>;
  /** The connection's credentials from the vault (the same factory the sync engine uses). */
  credentials: (
    target: { tenantId: string; connectionId: string },
    manifest: ProviderManifest,
  ) => CredentialSource;
  rateGate?: ProviderRateGate;
  /** Where repeated invocations with one idempotency key are deduped; without it, they are not. */
  kv?: KeyValueStore;
  /** Provider-client settings (timeouts, retries, a dispatcher in tests). */
  http?: Pick<ProviderHttpOptions, 'dispatcher' | 'timeoutMs' | 'maxInlineWaitMs' | 'retry' | 'sleep'>;
  now?: () => number;
  /** Told of every provider request an action made, after it finished (the audit's hook). */
  onCallFinished?: (record: ProviderCallRecord) => void | Promise<void>;
  /** Each provider request by status class, with its duration (none: not counted). */
  metrics?: Pick<HubMetrics, 'providerCall'>;
}

export interface ActionInvocation {
  connectionId: string;
  /** An action id from the catalog (`github.create_issue`). */
  action: string;
  input: unknown;
  /** Repeating an invocation with the same key returns the first result instead of acting twice. */
  idempotencyKey?: string | null;
  signal?: AbortSignal;
}

export interface ActionResult {
  action: string;
  version: number;
  output: unknown;
  /** The status of the provider's last answer. */
  providerStatus: number;
  rateLimit: RateLimitSnapshot;
  /** True when this is the stored result of an earlier invocation with the same idempotency key. */
  replayed: boolean;
}
