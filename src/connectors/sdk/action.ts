import { z } from 'zod';
import type { ProviderCallError, ProviderHttp } from './provider-http.js';
import type { SyncConnection } from './sync.js';

/** The connection an action runs for: ids and URL values (`{cloudId}`, `{realmId}`), never credentials. */
export type ActionConnection = SyncConnection;

export interface ActionContext {
  /** The same provider client syncs use: credentials, refresh on 401, rate gate, backoff. */
  http: ProviderHttp;
  connection: ActionConnection;
  /** Aborted when the caller goes away or the hub shuts down. */
  signal: AbortSignal;
}

/** What an agent or a compiler may assume about an action before calling it (MCP's tool annotations). */
export interface ActionHints {
  /** Changes nothing at the provider. */
  readOnly: boolean;
  /** May destroy or overwrite something that cannot be restored (a deleted record, a sent email). */
  destructive: boolean;
  /** Calling it twice with the same input has the effect of calling it once. */
  idempotent: boolean;
}

/**
 * A provider failure the action's documentation names, and the stable code callers get for it
 * (`ISSUE_NOT_FOUND` rather than "Jira answered 404"). Matched by HTTP status, by the provider's
 * own error code (Slack's `channel_not_found`, read by `providerErrorOf`), or both.
 */
export interface DeclaredActionError {
  code: string;
  description: string;
  status?: number;
  providerError?: string;
}

/**
 * Thrown by an action for a documented failure it recognized itself (a QuickBooks Fault code in a
 * 400 body, a Jira transition the issue does not offer): the caller gets ACTION_FAILED with
 * `reason: code`. `code` should be one of the action's declared errors.
 */
export class ActionError extends Error {
  readonly code: string;
  /** The provider's HTTP status, when the failure came from an answer. */
  readonly providerStatus: number | null;

  constructor(code: string, message: string, options: { providerStatus?: number | null } = {}) {
    super(message);
    this.name = 'ActionError';
    this.code = code;
    this.providerStatus = options.providerStatus ?? null;
  }
}

/**
 * Where the provider takes an idempotency key, when it does; `maxLength` when it takes shorter keys
 * than the hub's 255 characters (a longer one is sent as its SHA-256 digest, base64url).
 */
export type ActionIdempotency = ({ header: string } | { query: string }) & { maxLength?: number };

export interface ActionDefinition<Input, Output> {
  /** `<implementation>.<verb_object>`: `github.create_issue`. Stable: callers and agents name it. */
  id: string;
  /** Raised when input or output change incompatibly. */
  version: number;
  /** When to use it, written for the agent or developer choosing between actions. */
  description: string;
  input: z.ZodType<Input>;
  output: z.ZodType<Output>;
  /** Internal scopes (`issues.write`), mapped to provider scopes by the manifest's scopePolicy.internal. */
  scopes: readonly string[];
  hints: ActionHints;
  errors: readonly DeclaredActionError[];
  /**
   * Set when the provider dedupes retries by a caller-chosen key: the hub puts the caller's
   * idempotency key there on every write request (not GET) the action makes.
   */
  idempotency?: ActionIdempotency;
  /** The provider's error code in a failure (Slack's `error` field), for matching `errors`. */
  providerErrorOf?: (error: ProviderCallError) => string | undefined;
  run(ctx: ActionContext, input: Input): Promise<Output>;
}

/** Keeps input and output types checked where a connector declares an action. */
export function defineAction<Input, Output>(
  definition: ActionDefinition<Input, Output>,
): ActionDefinition<Input, Output> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds actions of every input and output.
export type AnyAction = ActionDefinition<any, any>;

/** An action's input or output as JSON Schema (draft 2020-12), as the catalog and MCP publish it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

/** `issues.write` → the provider scopes a connection needs for it (every mapped one). */
export function providerScopesFor(
  internal: Readonly<Record<string, readonly string[]>>,
  scopes: readonly string[],
): string[] {
  return [...new Set(scopes.flatMap((scope) => internal[scope] ?? []))];
}
