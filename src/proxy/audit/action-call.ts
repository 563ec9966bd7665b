import type { ProviderCallRecord } from '../actions/types.js';
import type { CallRecorder } from '../call-recorder.js';
import type { CallActor, CallBody, ProviderCall } from './provider-call.js';

/**
 * One provider request an action made, as the action executor's `onCallFinished` hook reports it
 * (no token, no query string), with the bytes sent and received when the executor has them (its
 * bodies are buffered JSON): MACed, never kept.
 */
export type ActionCallRecord = ProviderCallRecord & { requestBody?: CallBody; responseBody?: CallBody };

/** The code of a request that failed with no error of the hub's own to name it. */
export const ACTION_CALL_FAILED = 'PROVIDER_CALL_FAILED';

/** The envelope's actor words back to the record's actor (resolvers/context.ts actorOf writes them). */
export function callActorFromLabel(label: string): CallActor {
  const at = label.indexOf(':');
  const prefix = at === -1 ? '' : label.slice(0, at);
  const id = (at === -1 ? label : label.slice(at + 1)).slice(0, 256) || 'anonymous';
  if (prefix === 'operator') return { kind: 'operator', id };
  if (prefix === 'user') return { kind: 'jwt', id };
  return { kind: 'system', id: prefix === 'system' ? id : label.slice(0, 256) || 'anonymous' };
}

/** The executor's record as the recorder takes it. */
export function actionProviderCall(record: ActionCallRecord, now: number): ProviderCall {
  const { remaining, resetAt } = record.rateLimit;
  return {
    kind: 'action',
    actionId: record.action,
    provider: record.provider,
    method: record.method,
    path: record.path,
    status: record.status,
    errorCode: record.outcome === 'failed' ? ACTION_CALL_FAILED : null,
    attempts: record.attempts,
    startedAt: new Date(now - record.durationMs),
    durationMs: { total: record.durationMs, provider: record.durationMs },
    requestBody: record.requestBody ?? null,
    responseBody: record.responseBody ?? null,
    rateLimit: {
      remaining: remaining !== null && Number.isInteger(remaining) && remaining >= 0 ? remaining : null,
      resetAt: resetAt && !Number.isNaN(resetAt.getTime()) ? resetAt : null,
    },
    actor: callActorFromLabel(record.actor),
    requestId: record.correlationId,
  };
}

/**
 * Records an action's provider request: appended before the promise resolves (actions are never
 * batched), so an executor that awaits it answers only once its calls are on the log. Wire it as
 * `onCallFinished: (record) => recordActionCall(callRecorder, record)`.
 */
export function recordActionCall(
  recorder: Pick<CallRecorder, 'record'>,
  record: ActionCallRecord,
  now: () => number = Date.now,
): Promise<void> {
  return recorder.record(record.tenantId, record.connectionId, actionProviderCall(record, now()));
}
