import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the echo fake received, as it answers it back (and keeps it for assertions). */
export interface Echoed {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  body: string;
}

export interface EchoApi {
  origin: string;
  received: Echoed[];
  /** TCP connections accepted: zero proves a refusal happened before any socket. */
  connections: number;
  /** Bytes of `/bytes/N` bodies handed to the socket so far: what backpressure holds back shows here. */
  bytesSent: number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * A provider that says what it got: `/echo/...` answers the method, URL, headers and body (as a
 * JSON body, with a cookie and CORS headers the proxy must strip); `/bytes/N` streams N bytes;
 * `/status/N` answers N; `/slow/MS` answers after MS. Bodies are counted, never held, past 1 MiB.
 */
export async function startEchoApi(): Promise<EchoApi> {
  const api: EchoApi = { origin: '', received: [], connections: 0, bytesSent: 0, close: async () => {} };
  const server = http.createServer({ keepAlive: true }, async (request, response) => {
    let bodyBytes = 0;
    const kept: Buffer[] = [];
    for await (const chunk of request) {
      bodyBytes += (chunk as Buffer).length;
      if (bodyBytes <= 1024 * 1024) kept.push(chunk as Buffer);
    }
    const echoed: Echoed = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      bodyBytes,
      body: Buffer.concat(kept).toString('utf8'),
    };
    api.received.push(echoed);
    const path = (request.url ?? '').split('?')[0]!;
    const bytes = /\/bytes\/(\d+)$/.exec(path);
    if (bytes) {
      let left = Number(bytes[1]);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
      const write = () => {
        while (left > 0) {
          const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= chunk.length;
          api.bytesSent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', write);
        }
        response.end();
      };
      return write();
    }
    const status = /\/status\/(\d+)$/.exec(path);
    if (status) {
      response.writeHead(Number(status[1]), { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ status: Number(status[1]) }));
    }
    const slow = /\/slow\/(\d+)$/.exec(path);
    if (slow) await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
    response.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': 'session=provider-session; Path=/',
      'access-control-allow-origin': '*',
      'x-request-echo': 'yes',
    });
    response.end(JSON.stringify(echoed));
  });
  server.on('connection', () => {
    api.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return api;
}
