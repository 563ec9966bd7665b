import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { OAuthErrorDetail, OAuthOperation } from './errors.js';
import type { OAuthCallOptions } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** One provider call: who it is for, what it does, its limits, and what it must never repeat. */
export interface CallContext {
  manifest: ProviderManifest;
  operation: OAuthOperation;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The client secret, code, verifier and tokens of this call: scrubbed from provider text. */
  secrets: ReadonlyArray<string | null | undefined>;
}

export function callContext(
  manifest: ProviderManifest,
  operation: OAuthOperation,
  options: OAuthCallOptions,
  secrets: ReadonlyArray<string | null | undefined>,
): CallContext {
  return {
    manifest,
    operation,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: options.signal,
    secrets,
  };
}

export function detailOf(context: CallContext, extra: Partial<OAuthErrorDetail> = {}): OAuthErrorDetail {
  return { provider: context.manifest.id, operation: context.operation, ...extra };
}
