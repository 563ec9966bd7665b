import type { CallContext } from '../context.js';
import { type ProviderResponse, transportError } from './classify.js';

/**
 * What callers pass: openid-client hands over Uint8Array bodies, which Node's fetch accepts though
 * the DOM typings of BodyInit (TypeScript 5.9's generic typed arrays) say otherwise.
 */
export type ProviderInit = Omit<RequestInit, 'body' | 'headers'> & {
  headers?: Record<string, string>;
  body?: BodyInit | Uint8Array | null | undefined;
};

/**
 * Every request to a provider goes through here: a deadline on each one (AbortSignal.timeout), the
 * caller's cancellation, no redirects followed (a token endpoint that redirects is misconfigured,
 * and following would resend credentials elsewhere), and failures below HTTP turned into
 * ProviderTransientError.
 */
export async function providerFetch(
  context: CallContext,
  url: string | URL,
  init: ProviderInit,
): Promise<Response> {
  const signal = requestSignal(context, init.signal ?? undefined);
  try {
    return await fetch(url, {
      ...init,
      body: init.body as BodyInit | null | undefined,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw failure(context, error);
  }
}

export async function providerRequest(
  context: CallContext,
  url: string | URL,
  init: ProviderInit,
): Promise<ProviderResponse> {
  const signal = requestSignal(context, init.signal ?? undefined);
  try {
    const response = await fetch(url, {
      ...init,
      body: init.body as BodyInit | null | undefined,
      redirect: 'manual',
      signal,
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  } catch (error) {
    throw failure(context, error);
  }
}

function requestSignal(context: CallContext, extra: AbortSignal | undefined): AbortSignal {
  const signals = [AbortSignal.timeout(context.timeoutMs)];
  if (context.signal) signals.push(context.signal);
  if (extra) signals.push(extra);
  return AbortSignal.any(signals);
}

/** The caller's own cancellation is not a provider failure: it propagates as the caller's reason. */
function failure(context: CallContext, error: unknown): unknown {
  if (context.signal?.aborted) return context.signal.reason;
  return transportError(context, error);
}

/** Header sets merged case-insensitively, later ones winning (a manifest's `Accept` replaces ours). */
export function mergeHeaders(
  ...sets: ReadonlyArray<Readonly<Record<string, string>> | undefined>
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const set of sets) {
    for (const [name, value] of Object.entries(set ?? {})) merged[name.toLowerCase()] = value;
  }
  return merged;
}
