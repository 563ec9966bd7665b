import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake provider sees it: its path split from the query, and the raw body. */
export interface FakeRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoopbackServer {
  origin: string;
  close(): Promise<void>;
}

/** A provider fake's HTTP side on 127.0.0.1 (random port); a reply body is sent as JSON. */
export async function startLoopbackServer(
  handle: (request: FakeRequest) => FakeReply | Promise<FakeReply>,
): Promise<LoopbackServer> {
  const server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    let reply: FakeReply;
    try {
      reply = await handle({
        method: incoming.method ?? 'GET',
        pathname: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    } catch (error) {
      reply = { status: 500, body: { error: (error as Error).message } };
    }
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    outgoing.writeHead(reply.status, {
      ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    });
    outgoing.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parameters from the query and a form or JSON body, as Slack's and Todoist's APIs accept either. */
export function paramsOf(request: FakeRequest): Map<string, string> {
  const params = new Map(request.query);
  const type = String(request.headers['content-type'] ?? '');
  if (request.body === '') return params;
  if (type.startsWith('application/json')) {
    const json = JSON.parse(request.body) as Record<string, unknown>;
    for (const [name, value] of Object.entries(json)) {
      params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  } else {
    for (const [name, value] of new URLSearchParams(request.body)) params.set(name, value);
  }
  return params;
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerOf(request: FakeRequest): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''));
  return match?.[1] ?? null;
}
