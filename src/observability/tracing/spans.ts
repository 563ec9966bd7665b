import {
  type Attributes,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { TRACER_NAME } from './attributes.js';
import { isTracing } from './state.js';

export const tracer = () => trace.getTracer(TRACER_NAME);

/** Marks a span failed with the error's class and code, never its message (it may quote input). */
export function recordFailure(span: Span, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', typeof code === 'string' ? code : ((error as Error)?.name ?? 'Error'));
}

/**
 * Runs `work` in a child span of the active one. With no active span it just runs `work`: a span
 * with no parent here would be an orphan nobody asked for (a background loop's own step).
 */
export async function inChildSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!trace.getActiveSpan()) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs `work` as the root span of a trace of its own: a unit of background work (a sync run, a
 * proactive token refresh) whose provider calls, appends and projections belong together. Tracing
 * off: just `work`.
 */
export function inRootSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!isTracing()) return work();
  return tracer().startActiveSpan(name, { root: true, kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
