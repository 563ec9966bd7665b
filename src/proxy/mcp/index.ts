/**
 * `/mcp/:connectionId`: a connection's declared actions as MCP tools (tool names in
 * tool-names.ts), each call an invokeAction. The HTTP route authenticates and finds the
 * connection; this folder knows MCP.
 */
export { findMcpConnection, type McpConnection } from './connection.js';
export { createConnectionServer } from './connection-server.js';
export { toolNameOf } from './tool-names.js';
