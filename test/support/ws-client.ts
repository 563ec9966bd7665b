import type { GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { OPERATOR_TOKEN } from './hub.js';

export interface WsConnection {
  client: Client;
  /** The close code, once the socket closes. */
  closed: Promise<number>;
  /** Resolves with the client's WebSocket once connection_ack arrived; rejects if it closes first. */
  acknowledged: Promise<WebSocket>;
}

/** A graphql-ws client that connects now, never retries, and reports how its socket ended. */
export function connectWs(
  wsUrl: string,
  connectionParams: Record<string, unknown> = { authorization: `Bearer ${OPERATOR_TOKEN}` },
): WsConnection {
  let onClosed: (code: number) => void = () => {};
  let onAck: (socket: WebSocket) => void = () => {};
  let onRefused: (error: Error) => void = () => {};
  const closed = new Promise<number>((resolve) => {
    onClosed = resolve;
  });
  const acknowledged = new Promise<WebSocket>((resolve, reject) => {
    onAck = resolve;
    onRefused = reject;
  });
  acknowledged.catch(() => {});
  let socket: WebSocket | undefined;
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    // Reported through `closed` instead of graphql-ws's default console.error.
    onNonLazyError: () => {},
    on: {
      connected: (opened) => {
        socket = opened as WebSocket;
        onAck(socket);
      },
      closed: (event) => {
        const code = (event as { code: number }).code;
        onRefused(new Error(`closed with ${code} before connection_ack`));
        onClosed(code);
      },
    },
  });
  return { client, closed, acknowledged };
}

export interface WsResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** One operation over the socket: its single result, or the errors an `error` message carried. */
export function runWs(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    let result: WsResult | undefined;
    const dispose = client.subscribe(payload, {
      next: (value) => {
        result = value as WsResult;
        // A subscription that was accepted keeps going: its first result is the answer here.
        dispose();
        resolve(result);
      },
      error: (error) => {
        if (Array.isArray(error)) resolve({ errors: error as GraphQLFormattedError[] });
        else reject(error);
      },
      complete: () => resolve(result ?? {}),
    });
  });
}
