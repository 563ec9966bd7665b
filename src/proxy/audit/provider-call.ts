import type { DataOf } from '../../events/define.js';
import type { ProviderCallRecorded } from '../../events/provider-call.js';
import { type BodyMacWriter, type CallBodyDigest, type MacKeys, startBodyMac } from './body-mac.js';
import { callRoute } from './path-template.js';

/**
 * A body as the caller has it: the bytes when it buffered them (the recorder MACs them and keeps
 * nothing else), the digest of a BodyMacWriter when it streamed them, or null when there was none.
 */
export type CallBody = Uint8Array | string | CallBodyDigest | null;

export interface CallActor {
  kind: 'operator' | 'jwt' | 'system';
  /** An operator token's fingerprint, a JWT's subject, a component's name: never a token. */
  id: string;
}

/** A finished provider call, as the proxy route or the action executor hands it to CallRecorder.record. */
export interface ProviderCall {
  kind: 'proxy' | 'action';
  /** The action's id (`github.create_issue`) when `kind` is action. */
  actionId?: string;
  provider: string;
  method: string;
  /** The path sent to the provider, query string and all: reduced to a template, values dropped. */
  path: string;
  /** The route when the caller knows it (`/repos/{owner}/{repo}/issues`): kept in place of reducing `path`. */
  pathTemplate?: string;
  /** The provider's status; null when it never answered. */
  status: number | null;
  /** The hub's own error code when the call failed on its side (PROVIDER_TIMEOUT, RATE_LIMITED ...). */
  errorCode?: string | null;
  attempts: number;
  startedAt: Date;
  durationMs: { total: number; provider: number };
  requestBody?: CallBody;
  responseBody?: CallBody;
  rateLimit?: { remaining: number | null; resetAt: Date | null } | null;
  actor: CallActor;
  /** The request's id: the event's correlation id. */
  requestId: string;
}

type CallData = DataOf<typeof ProviderCallRecorded>;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Writes and actions are recorded before the caller is answered; reads may be batched. */
export const isBatchedCall = (call: Pick<ProviderCall, 'kind' | 'method'>): boolean =>
  call.kind === 'proxy' && READ_METHODS.has(call.method.toUpperCase());

/** The envelope's actor, in the words every other event uses (resolvers/context.ts actorOf). */
export function actorLabel(actor: CallActor): string {
  const prefix = actor.kind === 'jwt' ? 'user' : actor.kind;
  return `${prefix}:${actor.id}`;
}

async function digestOf(
  keys: MacKeys,
  tenantId: string,
  body: CallBody | undefined,
): Promise<CallBodyDigest> {
  if (body === null || body === undefined) return { bytes: 0, mac: null };
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const writer: BodyMacWriter = await startBodyMac(keys, tenantId);
  writer.update(body);
  return writer.digest();
}

function actionIdOf(call: ProviderCall): string {
  if (!call.actionId) throw new Error('An action call is recorded with its action id');
  return call.actionId;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The event data of a call: route instead of path, digests instead of bodies. */
export async function providerCallData(
  keys: MacKeys,
  tenantId: string,
  connectionId: string,
  call: ProviderCall,
): Promise<CallData> {
  const { pathTemplate, queryKeys } = callRoute(call.path, call.pathTemplate);
  const [request, response] = await Promise.all([
    digestOf(keys, tenantId, call.requestBody),
    digestOf(keys, tenantId, call.responseBody),
  ]);
  const rateLimit: CallData['rateLimit'] = call.rateLimit
    ? {
        remaining: call.rateLimit.remaining,
        resetAt: call.rateLimit.resetAt?.toISOString() ?? null,
      }
    : null;
  return {
    connectionId,
    provider: call.provider,
    kind: call.kind,
    actionId: call.kind === 'action' ? actionIdOf(call) : null,
    method: call.method.toUpperCase(),
    pathTemplate,
    queryKeys,
    status: call.status,
    errorCode: call.errorCode ?? null,
    attempts: call.attempts,
    startedAt: call.startedAt.toISOString(),
    durationMs: { total: round(call.durationMs.total), provider: round(call.durationMs.provider) },
    request,
    response,
    rateLimit,
    actor: { kind: call.actor.kind, id: call.actor.id },
  };
}
