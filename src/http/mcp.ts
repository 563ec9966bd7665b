import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import { requirePermission, resolveTenant } from '../auth/tenancy.js';
import type { Logger } from '../platform/logger.js';
import type { ActionDeps } from '../proxy/actions/index.js';
import { createConnectionServer, findMcpConnection } from '../proxy/mcp/index.js';
import { actorOf } from '../resolvers/context.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { bindRequestLog } from './log-bindings.js';

export interface McpRouteOptions {
  actions: ActionDeps;
  authenticator: Authenticator;
  tenants: Pick<TenantDirectory, 'assertActive'>;
  logger: Logger;
}

type McpRequest = FastifyRequest<{ Params: { connectionId: string } }>;

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * `/mcp/:connectionId`: MCP's streamable HTTP transport, stateless (no session: every POST carries
 * the credentials and is answered on its own, so any instance serves any request). The caller is
 * checked as /graphql's invokeAction checks it (a bearer token with `proxy:invoke`, X-Tenant-Id,
 * an active tenant, the tenant's connection) and refused with problem+json before the MCP layer
 * sees a byte. GET (a stream for server-initiated messages) and DELETE (ending a session) mean
 * nothing without sessions: 405, which MCP clients take as "not offered".
 *
 * No Origin check against DNS rebinding: the endpoint takes no ambient credentials (no cookie), so
 * a page that rebinds a name to it has no token to send.
 */
export function registerMcpRoute(app: FastifyInstance, options: McpRouteOptions): void {
  app.route<{ Params: { connectionId: string } }>({
    method: ['POST', 'GET', 'DELETE'],
    url: '/mcp/:connectionId',
    handler: async (request: McpRequest, reply: FastifyReply) => {
      const principal = await options.authenticator.authenticate(header(request, 'authorization'));
      requirePermission(principal, 'proxy:invoke');
      const tenantId = resolveTenant(principal, header(request, 'x-tenant-id'));
      bindRequestLog(request.log, { tenantId, connectionId: request.params.connectionId });
      await options.tenants.assertActive(tenantId);
      const connection = await findMcpConnection(
        options.actions.prisma,
        tenantId,
        request.params.connectionId,
      );
      if (request.method !== 'POST') {
        return reply.code(405).header('allow', 'POST').type('application/problem+json').send({
          type: 'about:blank',
          title: 'This MCP endpoint is stateless: POST only',
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
          requestId: request.id,
        });
      }

      const server = createConnectionServer({
        actions: options.actions,
        caller: { actor: actorOf(principal), correlationId: request.id },
        tenantId,
        connection,
        logger: options.logger,
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      // From here the SDK writes the answer on the raw response; Fastify's onSend hooks do not run.
      reply.hijack();
      reply.raw.setHeader('x-request-id', request.id);
      reply.raw.setHeader('x-content-type-options', 'nosniff');
      reply.raw.setHeader('cache-control', 'no-store');
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'MCP request failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/problem+json' });
          reply.raw.end(
            JSON.stringify({
              type: 'about:blank',
              title: 'Internal Server Error',
              status: 500,
              code: 'INTERNAL_SERVER_ERROR',
              requestId: request.id,
            }),
          );
        } else reply.raw.end();
      }
    },
  });
}
