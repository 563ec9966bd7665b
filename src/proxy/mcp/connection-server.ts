import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../../commands/deps.js';
import type { Logger } from '../../platform/logger.js';
import { type ActionDeps, invokeAction, listActions } from '../actions/index.js';
import { actionTool, META } from './action-tool.js';
import type { McpConnection } from './connection.js';
import { toolNameIndex } from './tool-names.js';
import { failureResult, successResult } from './tool-result.js';

export interface ConnectionServerOptions {
  actions: ActionDeps;
  /** The authenticated caller and the tenant it acts on, checked before this server exists. */
  caller: Caller;
  tenantId: string;
  connection: McpConnection;
  logger: Logger;
}

const SERVER_INFO = { name: 'switchboard', version: '1.0.0' };

/**
 * An MCP server for one request to one connection: its provider's actions as tools, each call an
 * invokeAction with the request's caller and tenant (the same rules as GraphQL's invokeAction).
 * The low-level Server, not McpServer, because the tools' schemas are the catalog's JSON Schemas,
 * not zod shapes, and invokeAction already validates the input against them.
 */
export function createConnectionServer(options: ConnectionServerOptions): Server {
  const { actions, caller, tenantId, connection } = options;
  const entries = listActions(actions.catalog, connection.provider);
  const tools = entries.map(actionTool);
  const actionByTool = toolNameIndex(entries.map((entry) => entry.id));

  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: `Actions of the ${connection.provider} connection ${connection.id}, run with its stored credentials. A failed call answers isError with a stable code first (BAD_USER_INPUT, MISSING_SCOPES, ACTION_FAILED, RATE_LIMITED …).`,
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const action = actionByTool.get(request.params.name);
    if (action === undefined)
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    const idempotencyKey = request.params._meta?.[META.idempotencyKey];
    try {
      const result = await invokeAction(actions, caller, tenantId, {
        connectionId: connection.id,
        action,
        input: request.params.arguments ?? {},
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : null,
        signal: extra.signal,
      });
      return successResult(result);
    } catch (error) {
      const failure = failureResult(error, caller.correlationId);
      if (failure.unexpected)
        options.logger.error({ err: error, requestId: caller.correlationId, action }, 'MCP tool call failed');
      return failure.result;
    }
  });
  return server;
}
