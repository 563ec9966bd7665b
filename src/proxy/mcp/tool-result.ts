import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DependencyError, SwitchboardError } from '../../shared/errors.js';
import type { ActionResult } from '../actions/index.js';
import { META } from './action-tool.js';

/**
 * The action's output as structured content (checked by clients against the tool's outputSchema)
 * and as JSON text for clients that read only `content`; the provider's status, rate-limit window
 * and whether this was a replay go in `_meta`.
 */
export function successResult(result: ActionResult): CallToolResult {
  const output = result.output;
  return {
    content: [{ type: 'text', text: JSON.stringify(output ?? null) }],
    ...(isPlainObject(output) ? { structuredContent: output } : {}),
    _meta: {
      [META.action]: result.action,
      [META.providerStatus]: result.providerStatus,
      [META.rateLimit]: {
        remaining: result.rateLimit.remaining,
        resetAt: result.rateLimit.resetAt?.toISOString() ?? null,
      },
      [META.replayed]: result.replayed,
    },
  };
}

export interface ToolFailure {
  result: CallToolResult;
  /** True when the failure is not one raised on purpose: the caller logs it. */
  unexpected: boolean;
}

/**
 * A failed invocation as a tool result with `isError`, so the model reads why and may correct its
 * call: the text starts with the stable code (`BAD_USER_INPUT: Invalid input for … input.title: …`),
 * and `_meta` carries the code with the same client-safe extensions GraphQL sends (the input path,
 * the missing scopes, the declared reason). Errors not raised on purpose are masked. The actions'
 * 5xx errors (PROVIDER_UNAVAILABLE, PROVIDER_RESPONSE_INVALID) have messages written for
 * callers; a dependency's (the database) does not, and is told as SERVICE_UNAVAILABLE.
 */
export function failureResult(error: unknown, requestId: string): ToolFailure {
  if (error instanceof DependencyError)
    return failure(
      'SERVICE_UNAVAILABLE',
      'A service Switchboard depends on is unavailable; try again shortly',
      {
        requestId,
      },
    );
  if (error instanceof SwitchboardError && (error.expose || isProviderSide(error.status)))
    return failure(error.code, error.message, { ...error.extensions, requestId });
  return {
    ...failure('INTERNAL_SERVER_ERROR', `Unexpected error (request ${requestId})`, { requestId }),
    unexpected: true,
  };
}

const isProviderSide = (status: number) => status === 502 || status === 503 || status === 504;

function failure(code: string, message: string, extensions: Record<string, unknown>): ToolFailure {
  return {
    result: {
      isError: true,
      content: [{ type: 'text', text: `${code}: ${message}` }],
      _meta: { [META.error]: { code, message, ...extensions } },
    },
    unexpected: false,
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
