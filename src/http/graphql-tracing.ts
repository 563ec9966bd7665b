import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type DocumentNode, type ExecutionResult, type GraphQLError, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { tracer } from '../observability/tracing/spans.js';

/** `query GetSignals`, with the attributes a trace backend groups operations by. Never variables or the document. */
export function operationSpanName(document: DocumentNode, operationName?: string | null) {
  const operation = getOperationAST(document, operationName);
  const type = operation?.operation ?? 'unknown';
  const name = operation?.name?.value ?? 'anonymous';
  return {
    name: `${type} ${name}`,
    attributes: { 'graphql.operation.type': type, 'graphql.operation.name': name },
  };
}

/** The errors' stable codes (extensions.code), which say what went wrong without quoting input. */
export function errorCodes(errors: readonly GraphQLError[] | undefined): string[] {
  return [...new Set((errors ?? []).map((error) => String(error.extensions?.['code'] ?? 'INTERNAL')))];
}

function finish(span: Span, result: ExecutionResult | undefined): void {
  const codes = errorCodes(result?.errors);
  if (codes.length > 0) {
    span.setAttribute('graphql.error.codes', codes);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/**
 * A span per GraphQL operation, made active while it executes so the appends and reads a resolver
 * causes are its children. Over HTTP it is a child of the route span; over graphql-ws, of nothing
 * (the socket has no span). A subscription's span covers subscribing only: each pushed item has
 * its own span in the publisher's trace (observability/tracing/push-spans.ts).
 */
export function useOperationSpans(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const { name, attributes } = operationSpanName(args.document, args.operationName);
      const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes });
      const active = trace.setSpan(context.active(), span);
      setExecuteFn((executionArgs) => context.with(active, () => executeFn(executionArgs)));
      return {
        onExecuteDone({ result }) {
          finish(span, isAsyncIterable(result) ? undefined : result);
        },
      };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const { name, attributes } = operationSpanName(args.document, args.operationName);
      const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes });
      const active = trace.setSpan(context.active(), span);
      setSubscribeFn((subscribeArgs) => context.with(active, () => subscribeFn(subscribeArgs)));
      return {
        onSubscribeResult({ result }) {
          finish(span, isAsyncIterable(result) ? undefined : result);
        },
        onSubscribeError() {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}
