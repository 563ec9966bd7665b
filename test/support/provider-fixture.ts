import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineManifest, type ProviderManifest } from '../../src/connectors/sdk/manifest.js';

/**
 * A stand-in for a provider's HTTP endpoints on 127.0.0.1 (random port): it records every request
 * and answers what the test scripts, byte for byte, so a payload copied from a provider's docs is
 * exactly what the code under test parses.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FixtureReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export type FixtureHandler = (request: RecordedRequest) => FixtureReply | Promise<FixtureReply>;

export interface ProviderFixture {
  origin: string;
  requests: RecordedRequest[];
  /** Replaces the handler (one fixture per suite, one script per test). */
  reply(handler: FixtureHandler): void;
  close(): Promise<void>;
}

export async function startProviderFixture(): Promise<ProviderFixture> {
  const requests: RecordedRequest[] = [];
  let handler: FixtureHandler = () => ({ status: 500, body: 'no reply scripted' });
  const server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const reply = await handler(request);
    if (reply.hang) return;
    outgoing.writeHead(reply.status, reply.headers ?? {});
    outgoing.end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    reply(next) {
      handler = next;
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers in order, repeating the last one: "503, then 200". */
export function inSequence(...replies: FixtureReply[]): FixtureHandler {
  let index = 0;
  return () => replies[Math.min(index++, replies.length - 1)]!;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FixtureReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A built-in manifest with its OAuth endpoints moved to the fixture (same paths, so a test reads
 * like the real provider). OIDC discovery is dropped: the fixture is not an OpenID provider.
 */
export function atFixture(manifest: ProviderManifest, origin: string): ProviderManifest {
  const move = <T extends string | undefined>(url: T): T =>
    (url === undefined ? url : url.replace(/^https?:\/\/[^/]+/, origin)) as T;
  const { oidcIssuer: _issuer, oidcDiscoveryUrl: _discovery, ...auth } = manifest.auth;
  return defineManifest({
    ...manifest,
    auth: {
      ...auth,
      authorizationUrl: move(auth.authorizationUrl),
      tokenUrl: move(auth.tokenUrl),
      revocationUrl: move(auth.revocationUrl),
      revocation:
        auth.revocation.kind === 'none'
          ? auth.revocation
          : { ...auth.revocation, url: move(auth.revocation.url) },
    },
  });
}
