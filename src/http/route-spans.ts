import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracer } from '../observability/tracing/spans.js';

/**
 * A server span per HTTP request, named `METHOD /route/:pattern` (never the raw URL: paths carry
 * connection ids and query strings may carry OAuth codes). Our own hooks rather than
 * @opentelemetry/instrumentation-http: that one knows no Fastify route, so it would name spans by
 * method alone and record the raw target. Websocket upgrades are left out: each graphql-ws
 * operation has a span of its own (graphql-tracing.ts), and the socket lives for hours.
 *
 * The span's context is entered again before the handler (preHandler): the body arrives in stream
 * callbacks that run in the socket's async context, not the one onRequest entered.
 */
export function registerRouteSpans(app: FastifyInstance): void {
  const contexts = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.upgrade) return done();
    const route = request.routeOptions.url ?? 'unmatched';
    // A caller's traceparent (Core, a worker) makes this request part of its trace.
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    contexts.set(request, { span, context: active });
    context.with(active, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = contexts.get(request);
    if (!entry) return done();
    context.with(entry.context, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const entry = contexts.get(request);
    if (entry) {
      contexts.delete(request);
      entry.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
    }
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const entry = contexts.get(request);
    if (entry) {
      contexts.delete(request);
      entry.span.setAttribute('error.type', 'aborted');
      entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
    }
    done();
  });
}
