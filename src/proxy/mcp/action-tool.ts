import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ActionCatalogEntry } from '../actions/index.js';
import { toolNameOf } from './tool-names.js';

/** `_meta` keys the hub adds to tools and results (MCP asks for a prefix on implementation keys). */
export const META = {
  action: 'switchboard/action',
  version: 'switchboard/version',
  providerStatus: 'switchboard/providerStatus',
  rateLimit: 'switchboard/rateLimit',
  replayed: 'switchboard/replayed',
  error: 'switchboard/error',
  idempotencyKey: 'switchboard/idempotencyKey',
} as const;

/**
 * One catalog entry as an MCP tool: its description, the input JSON Schema the catalog publishes
 * (the one invokeAction validates against), the output schema when it describes an object (MCP's
 * structuredContent must be one), and the action's hints as annotations. Every action reaches a
 * provider, so each is open-world.
 */
export function actionTool(entry: ActionCatalogEntry): Tool {
  return {
    name: toolNameOf(entry.id),
    description: entry.description,
    inputSchema: entry.inputSchema as Tool['inputSchema'],
    ...(isObjectSchema(entry.outputSchema)
      ? { outputSchema: entry.outputSchema as Tool['outputSchema'] }
      : {}),
    annotations: {
      readOnlyHint: entry.hints.readOnly,
      destructiveHint: entry.hints.destructive,
      idempotentHint: entry.hints.idempotent,
      openWorldHint: true,
    },
    _meta: { [META.action]: entry.id, [META.version]: entry.version },
  };
}

export const isObjectSchema = (schema: Record<string, unknown>) => schema['type'] === 'object';
