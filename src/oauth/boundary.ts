import type { CallContext } from './context.js';
import { OAuthConfigurationError, OAuthProviderError } from './errors.js';
import { errorFromThrown } from './transport/library-errors.js';

/**
 * Where library errors become ours (STYLE.md rule 9): our own errors pass through, a caller's
 * abort propagates as the caller's reason (openid-client wraps it in its own error), and anything
 * else is classified.
 */
export async function atBoundary<T>(context: CallContext, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    if (error instanceof OAuthProviderError || error instanceof OAuthConfigurationError) throw error;
    throw errorFromThrown(context, error);
  }
}
