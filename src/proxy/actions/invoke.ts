import { z } from 'zod';
import type { Caller } from '../../commands/deps.js';
import { actionOf } from '../../connectors/actions.js';
import { ActionError, type AnyAction, providerScopesFor } from '../../connectors/sdk/action.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { ProviderCallError } from '../../connectors/sdk/provider-http.js';
import { connectionNotFound } from '../../domain/connection.js';
import { BadUserInputError } from '../../shared/errors.js';
import { createProviderHttp } from '../../sync/provider-client/create-provider-http.js';
import { connectionUrlValues } from '../../sync/sync-connection.js';
import {
  actionNotFound,
  ConnectionNotActiveError,
  declaredFailure,
  MissingScopesError,
  outputInvalid,
  providerFailure,
} from './errors.js';
import { checkIdempotencyKey, claimIdempotencyKey } from './idempotency.js';
import { withIdempotencyKey } from './provider-idempotency.js';
import { rateLimitSnapshot } from './rate-limit-snapshot.js';
import { callRecorder } from './recorded-http.js';
import type { ActionConnectionRow, ActionDeps, ActionInvocation, ActionResult } from './types.js';

/** Auth modes whose connections record the scopes the provider granted (API keys and basic do not). */
const GRANTS_SCOPES = new Set(['oauth2', 'oauth2_cc']);

/**
 * Runs one declared action for a tenant's connection: the connection must be the tenant's
 * (CONNECTION_NOT_FOUND otherwise, also for another tenant's), its provider must offer the action,
 * the input must fit the action's schema (BAD_USER_INPUT naming the path, before any call), the
 * grant must hold the action's scopes (MISSING_SCOPES with the provider scopes to add). The action
 * runs through the sync engine's provider client with the vault's credentials; its output is
 * checked against the declared schema before it is returned.
 */
export async function invokeAction(
  deps: ActionDeps,
  caller: Caller,
  tenantId: string,
  invocation: ActionInvocation,
): Promise<ActionResult> {
  const connection = await deps.prisma.connection.findFirst({
    where: { id: invocation.connectionId, tenantId },
    select: {
      id: true,
      provider: true,
      authMode: true,
      status: true,
      accountId: true,
      values: true,
      scopes: true,
    },
  });
  if (!connection) throw connectionNotFound(invocation.connectionId);
  const manifest = deps.catalog.get(connection.provider);
  const action = manifest ? actionOf(manifest.implementation, invocation.action) : undefined;
  if (!manifest || !action) throw actionNotFound(connection.provider, invocation.action);

  const input = parseInput(action, invocation.input);
  if (invocation.idempotencyKey != null) checkIdempotencyKey(invocation.idempotencyKey);
  requireScopes(manifest, action, connection);
  if (connection.status !== 'ACTIVE') throw new ConnectionNotActiveError(connection.id, connection.status);

  const claim =
    deps.kv && invocation.idempotencyKey != null
      ? await claimIdempotencyKey(
          deps.kv,
          { tenantId, connectionId: connection.id, action: action.id, key: invocation.idempotencyKey },
          input,
        )
      : null;
  if (claim?.replay) return claim.replay;
  try {
    const result = await run(deps, caller, tenantId, manifest, action, connection, input, invocation);
    await claim?.complete(result);
    return result;
  } catch (error) {
    await claim?.release();
    throw error;
  }
}

async function run(
  deps: ActionDeps,
  caller: Caller,
  tenantId: string,
  manifest: ProviderManifest,
  action: AnyAction,
  connection: ActionConnectionRow,
  input: unknown,
  invocation: ActionInvocation,
): Promise<ActionResult> {
  const now = deps.now ?? Date.now;
  // The audit records of this invocation's provider calls: all appended before it answers.
  const audits: Promise<void>[] = [];
  const recorder = callRecorder(
    (headers) => rateLimitSnapshot(headers, manifest.api.rateLimit, now()),
    (call) => {
      deps.metrics?.providerCall({
        provider: manifest.id,
        caller: 'action',
        status: call.status,
        seconds: call.durationMs / 1000,
        tenantId,
      });
      audits.push(
        Promise.resolve(
          deps.onCallFinished?.({
            ...call,
            tenantId,
            connectionId: connection.id,
            provider: manifest.id,
            action: action.id,
            actor: caller.actor,
            correlationId: caller.correlationId,
          }),
        ),
      );
    },
  );
  const recorded = async () => {
    const failed = (await Promise.allSettled(audits)).find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const actionConnection = {
    id: connection.id,
    accountId: connection.accountId,
    values: connectionUrlValues(connection),
  };
  const signal = invocation.signal ?? new AbortController().signal;
  const http = createProviderHttp({
    ...deps.http,
    manifest,
    connection: actionConnection,
    credentials: deps.credentials({ tenantId, connectionId: connection.id }, manifest),
    rateGate: deps.rateGate?.forConnection({
      manifest,
      tenantId,
      connectionId: connection.id,
      caller: 'action',
    }),
    signal,
    now,
    onResponse: recorder.onResponse,
  });

  let raw: unknown;
  try {
    raw = await action.run(
      {
        http: withIdempotencyKey(recorder.wrap(http), action.idempotency, invocation.idempotencyKey),
        connection: actionConnection,
        signal,
      },
      input,
    );
  } catch (error) {
    // A failed action is answered only once its calls are recorded too; the action's error wins.
    await recorded().catch(() => {});
    if (error instanceof ProviderCallError) throw providerFailure(action, error);
    if (error instanceof ActionError) throw declaredFailure(action, error);
    // The action read the provider's answer with its own schema, and the answer did not fit.
    if (error instanceof z.ZodError) throw outputInvalid(action, error.issues);
    throw error;
  }
  // The provider acted: without its audit record the caller gets the recorder's error, not the result.
  await recorded();
  const output = action.output.safeParse(raw);
  if (!output.success) throw outputInvalid(action, output.error.issues);
  const last = recorder.last();
  return {
    action: action.id,
    version: action.version,
    output: output.data,
    providerStatus: last.status ?? 200,
    rateLimit: last.rateLimit,
    replayed: false,
  };
}

function parseInput(action: AnyAction, input: unknown): unknown {
  const parsed = action.input.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
  const first = issues[0]!;
  throw new BadUserInputError(
    `Invalid input for ${action.id}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    { action: action.id, issues },
    { field: first.path },
  );
}

/** `['labels', 0]` → `input.labels[0]`: the path of the offending value in the caller's input. */
function jsonPath(path: z.core.$ZodIssue['path']): string {
  let text = 'input';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return text;
}

/**
 * Connections made by OAuth record the scopes the provider granted; an action whose internal scopes
 * map to provider scopes not among them is refused before any call. API-key and basic connections
 * record none: the provider decides (its 403 becomes ACTION_FAILED).
 */
function requireScopes(manifest: ProviderManifest, action: AnyAction, connection: ActionConnectionRow): void {
  if (!GRANTS_SCOPES.has(connection.authMode)) return;
  const granted = new Set(connection.scopes);
  const missing = providerScopesFor(manifest.scopePolicy.internal, action.scopes).filter(
    (scope) => !granted.has(scope),
  );
  if (missing.length > 0) throw new MissingScopesError(action.id, missing, action.scopes);
}
