import { randomUUID } from 'node:crypto';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import websocket from '@fastify/websocket';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ExecutionArgs, GraphQLError, type ValidationContext } from 'graphql';
import { CloseCode, type Context } from 'graphql-ws';
import { type Extra as FastifyWsExtra, makeHandler } from 'graphql-ws/use/@fastify/websocket';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { HubMetrics } from '../observability/metrics/index.js';
import type { Logger } from '../platform/logger.js';
import { type ApiServices, createContext, type GraphQLContext } from '../resolvers/context.js';
import { schema } from '../resolvers/index.js';
import { SwitchboardError } from '../shared/errors.js';
import { graphiqlPage, useGraphiQLPolicy } from './graphiql-page.js';
import { createMaskError } from './graphql-errors.js';
import { useOperationMetrics } from './graphql-metrics.js';
import { useOperationSpans } from './graphql-tracing.js';
import { useRequestIdOnErrors } from './request-id-plugin.js';
import { authenticateRequest } from './request-principal.js';
import { useSafeTextInputs } from './safe-text-inputs.js';
import { guardSocketCredential, type SocketCredential } from './ws-auth.js';
import {
  DEFAULT_WS_LIMITS,
  isSlowConsumer,
  SocketsPerOwner,
  socketOwner,
  tooManySubscriptions,
  type WebSocketLimits,
  WsCloseCode,
} from './ws-limits.js';

export interface GraphQLOptions {
  services: ApiServices;
  authenticator: Authenticator;
  /** Operation timings go to the hub's metrics (catalog.ts). */
  metrics: Pick<HubMetrics, 'graphqlOperation'>;
  /** GraphiQL and introspection; off in production unless asked for. */
  graphiql: boolean;
  introspection: boolean;
  limits?: Partial<GraphQLLimits>;
  webSocket?: Partial<WebSocketLimits>;
  /** A span per operation (graphql-tracing.ts): only when tracing is on. */
  tracing?: boolean;
}

export interface GraphQLLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxBatch: number;
}

export const DEFAULT_LIMITS: GraphQLLimits = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 25,
  maxTokens: 2000,
  maxBatch: 10,
};

/** What Yoga receives per request: from Fastify over HTTP, from graphql-ws over a websocket. */
interface ServerContext {
  req?: FastifyRequest;
  reply?: FastifyReply;
  /** Set by the websocket connection after connection_init. */
  ws?: { principal: Principal | null; tenantId: string | undefined; connectionId: string };
}

/** How often an open socket's send queue is looked at for a reader that stopped reading. */
const SLOW_CONSUMER_CHECK_MS = 250;

const header = (request: Request, name: string) => request.headers.get(name) ?? undefined;

/**
 * Armor's validation rules either throw (which skips Yoga's validation-error handling, so the
 * answer would be a 200) or call onReject. Reporting through the validation context makes a
 * rejected operation an ordinary validation error: 400, with a stable code.
 */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        }),
      ),
  ],
};

function createServerYoga(options: GraphQLOptions): YogaServerInstance<ServerContext, GraphQLContext> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.services.logger;
  const graphiql = options.graphiql ? graphiqlPage({ subscriptionsProtocol: 'WS' }) : null;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: graphiql !== null,
    // The page its Content-Security-Policy was computed for, byte for byte.
    renderGraphiQL: () => graphiql?.html ?? '',
    landingPage: false,
    // Yoga's default reflects any Origin with credentials; cors.ts answers for /graphql instead.
    cors: false,
    batching: { limit: limits.maxBatch },
    maskedErrors: { maskError: createMaskError(logger) },
    // Yoga reports every error a client caused at its error level; the ones that matter to an
    // operator (unexpected ones) are logged by maskError with the request id.
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.debug(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.debug(args.map(String).join(' ')),
    },
    plugins: [
      ...(options.tracing ? [useOperationSpans()] : []),
      ...(graphiql ? [useGraphiQLPolicy(graphiql)] : []),
      useRequestIdOnErrors(),
      useSafeTextInputs(),
      maxDepthPlugin({ n: limits.maxDepth, ...reportAsValidationError }),
      costLimitPlugin({ maxCost: limits.maxCost, ...reportAsValidationError }),
      maxAliasesPlugin({ n: limits.maxAliases, ...reportAsValidationError }),
      maxDirectivesPlugin({ n: limits.maxDirectives, ...reportAsValidationError }),
      // Counted while parsing, before validation exists: a rejection is a parse error (400).
      maxTokensPlugin({ n: limits.maxTokens, propagateOnRejection: true }),
      // Without introspection, "Did you mean …?" would leak the schema field by field.
      ...(options.introspection ? [] : [blockFieldSuggestionsPlugin(), useDisableIntrospection()]),
      useOperationMetrics(options.metrics),
    ],
    context: async (initial): Promise<GraphQLContext> => {
      if (initial.ws) {
        return createContext(options.services, {
          requestId: `${initial.ws.connectionId}:${randomUUID().slice(0, 8)}`,
          principal: initial.ws.principal,
          requestedTenantId: initial.ws.tenantId,
        });
      }
      const requestId = initial.req?.id ?? randomUUID();
      try {
        // Authenticated once per request: the rate limit's hook may have done it already.
        const principal = await (initial.req
          ? authenticateRequest(options.authenticator, initial.req)
          : options.authenticator.authenticate(header(initial.request, 'authorization')));
        return createContext(options.services, {
          requestId,
          principal,
          requestedTenantId: header(initial.request, 'x-tenant-id'),
          log: initial.req?.log as Logger | undefined,
        });
      } catch (error) {
        if (error instanceof SwitchboardError && error.expose) {
          throw new GraphQLError(error.message, {
            extensions: { code: error.code, requestId, http: { status: error.status } },
          });
        }
        throw error;
      }
    },
  });
}

/** Mounts Yoga at /graphql (GET, POST) and graphql-ws on the same port and path. */
export async function registerGraphQL(
  app: FastifyInstance,
  options: GraphQLOptions,
): Promise<YogaServerInstance<ServerContext, GraphQLContext>> {
  const yoga = createServerYoga(options);
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  const wsLimits = { ...DEFAULT_WS_LIMITS, ...options.webSocket };
  const sockets = new SocketsPerOwner(wsLimits.maxSocketsPerTenant);

  type Extra = { state: ServerContext['ws']; credential: SocketCredential };
  type WsContext = Context<Record<string, unknown>, FastifyWsExtra & Partial<Extra>>;
  /** Closes now and stops producing: graphql-ws ends operations only once the close completes. */
  const closeAndStop = (ctx: WsContext, code: number, reason: string) => {
    ctx.extra.socket.close(code, reason);
    for (const operation of Object.values(ctx.subscriptions)) {
      if (operation && 'return' in operation) void operation.return(undefined);
    }
  };

  const slowConsumer = (ctx: WsContext) => {
    const socket = ctx.extra.socket;
    if (socket.readyState !== socket.OPEN || !isSlowConsumer(socket, wsLimits.maxBufferedBytes)) return;
    // A client that does not read would hold the close (and its operations) until ws's close timeout.
    closeAndStop(ctx, WsCloseCode.SlowConsumer, 'Slow consumer');
  };
  /**
   * graphql-ws waits for each frame to be written before it asks for the next, so once a reader
   * stops and the kernel's buffers are full every operation waits on its send and no onNext comes
   * to see the pile: a timer looks at the socket's queue as well.
   */
  const watchForSlowConsumer = (ctx: WsContext) => {
    const timer = setInterval(() => slowConsumer(ctx), SLOW_CONSUMER_CHECK_MS);
    timer.unref();
    ctx.extra.socket.once('close', () => clearInterval(timer));
  };

  const wsHandler = makeHandler<Record<string, unknown>, Extra>({
    connectionInitWaitTimeout: wsLimits.connectionInitTimeoutMs,
    // Authentication at connection_init: 4401 without valid credentials, 4403 for a tenant the
    // credentials may not use. The credential is judged again later (ws-auth.ts).
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
      const tenantId = typeof params.tenantId === 'string' ? params.tenantId : undefined;
      let principal: Principal | null;
      try {
        principal = await options.authenticator.authenticate(authorization);
      } catch {
        ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      }
      if (!principal) {
        ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      }
      if (principal.kind === 'jwt' && principal.tenantId && tenantId && principal.tenantId !== tenantId) {
        ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
        return false;
      }
      if (!sockets.admit(socketOwner(principal, tenantId), ctx.extra.socket)) {
        ctx.extra.socket.close(WsCloseCode.TooManySockets, 'Too many sockets for this tenant');
        return false;
      }
      ctx.extra.state = { principal, tenantId, connectionId: ctx.extra.request.id };
      ctx.extra.credential = guardSocketCredential({
        socket: ctx.extra.socket,
        authorization,
        principal,
        authenticator: options.authenticator,
        end: (reason) => closeAndStop(ctx, CloseCode.Unauthorized, reason),
      });
      watchForSlowConsumer(ctx);
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      // graphql-ws lets no subscribe through before onConnect accepted the socket and set this.
      if (!ctx.extra.credential) throw new Error('subscribe on a socket without a credential');
      const unauthorized = await ctx.extra.credential.recheck();
      if (unauthorized) return unauthorized;
      // ctx.subscriptions already holds this operation's id.
      const refused = tooManySubscriptions(Object.keys(ctx.subscriptions).length, wsLimits.maxSubscriptions);
      if (refused) return refused;
      const {
        schema: enveloped,
        execute,
        subscribe,
        contextFactory,
        parse,
        validate,
      } = yoga.getEnveloped({
        ws: ctx.extra.state,
        params: payload,
      } as ServerContext);
      let document: ReturnType<typeof parse>;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [error as GraphQLError];
      }
      const errors = validate(enveloped, document);
      if (errors.length > 0) return errors;
      const args: ExecutionArgs & { rootValue: { execute: typeof execute; subscribe: typeof subscribe } } = {
        schema: enveloped,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      return args;
    },
    onNext: (ctx) => slowConsumer(ctx),
    execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
    subscribe: (args) =>
      (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
  });

  const httpHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply });
    reply.header('x-request-id', request.id);
    for (const [key, value] of response.headers) reply.header(key, value);
    reply.status(response.status);
    // Yoga answers a query with its JSON as a string: sent as one write, not piped through a stream
    // (incremental delivery and SSE bodies are streams, and stay so).
    const text = (response as { bodyInit?: unknown }).bodyInit;
    reply.send(typeof text === 'string' || Buffer.isBuffer(text) ? text : response.body);
    return reply;
  };
  // @fastify/websocket takes the upgrade on the GET route; plain GETs (queries, GraphiQL) go to Yoga.
  app.route({ url: '/graphql', method: 'GET', handler: httpHandler, wsHandler });
  app.route({ url: '/graphql', method: ['POST', 'OPTIONS'], handler: httpHandler });
  return yoga;
}
