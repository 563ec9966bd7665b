import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvidersDocument } from '../../src/generated/graphql.js';
import { registerConsoleRoutes } from '../../src/http/console.js';
import { registerSecurityHeaders } from '../../src/http/security-headers.js';
import {
  IMMUTABLE,
  loadWebAssets,
  registerWebAssets,
  WEB_ASSETS_MISSING,
} from '../../src/http/web-assets.js';
import { startTestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

async function appWith(
  dir: string,
  oidc: { issuer: string; audience: string; clientId: string } | null = null,
) {
  const app = Fastify();
  registerSecurityHeaders(app);
  const web = loadWebAssets(dir);
  if (web) registerWebAssets(app, web.files);
  registerConsoleRoutes(app, { assets: web?.assets ?? null, oidc });
  await app.ready();
  return app;
}

describe('the console and its assets over HTTP', () => {
  let built: string;
  let empty: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    built = await mkdtemp(path.join(tmpdir(), 'switchboard-assets-'));
    empty = await mkdtemp(path.join(tmpdir(), 'switchboard-no-assets-'));
    await writeFile(path.join(built, 'console-ABCDEFGH.js'), 'console.log("console")');
    await writeFile(path.join(built, 'console-IJKLMNOP.css'), 'body{}');
    await writeFile(path.join(built, 'secret.txt'), 'not in the manifest');
    await writeFile(
      path.join(built, 'manifest.json'),
      JSON.stringify({ 'console.js': 'console-ABCDEFGH.js', 'console.css': 'console-IJKLMNOP.css' }),
    );
    app = await appWith(built);
  });
  afterAll(async () => {
    await app.close();
    await rm(built, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('serves the hashed bundles for a year, immutable, with their types', async () => {
    const script = await app.inject('/assets/console-ABCDEFGH.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toBe(IMMUTABLE);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log("console")');
    const style = await app.inject('/assets/console-IJKLMNOP.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('serves nothing the manifest does not name', async () => {
    for (const name of ['secret.txt', 'manifest.json', '..%2Fmanifest.json', 'console-00000000.js'])
      expect((await app.inject(`/assets/${name}`)).statusCode).toBe(404);
  });

  it('answers every /console path with the shell, never cached, running only its nonced bundle', async () => {
    for (const url of ['/console', '/console/tenants/acme/signals']) {
      const response = await app.inject(url);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const policy = String(response.headers['content-security-policy']);
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(response.body).toContain(
        `<script type="module" nonce="${nonce}" src="/assets/console-ABCDEFGH.js">`,
      );
      expect(response.body).toContain('href="/assets/console-IJKLMNOP.css"');
      expect(policy).toContain("'strict-dynamic'");
      expect(policy).toContain("connect-src 'self';");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.body).toContain('name="viewport"');
    }
    const [first, second] = await Promise.all([app.inject('/console'), app.inject('/console')]);
    expect(first.headers['content-security-policy']).not.toBe(second.headers['content-security-policy']);
  });

  it('lets the shell reach the OIDC issuer when one is configured, and tells the page about it', async () => {
    const withOidc = await appWith(built, {
      issuer: 'https://login.example.test/realms/ops',
      audience: 'https://hub.example.test',
      clientId: 'switchboard-console',
    });
    const response = await withOidc.inject('/console');
    expect(String(response.headers['content-security-policy'])).toContain(
      "connect-src 'self' https://login.example.test;",
    );
    expect(response.body).toContain('data-oidc-issuer="https://login.example.test/realms/ops"');
    expect(response.body).toContain('data-oidc-client-id="switchboard-console"');
    await withOidc.close();
  });

  it('answers 503 saying how to build when dist/web is missing; assets are then 404', async () => {
    expect(loadWebAssets(empty)).toBeNull();
    const unbuilt = await appWith(empty);
    const response = await unbuilt.inject('/console/tenants');
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('npm run build:web');
    expect(WEB_ASSETS_MISSING).toContain('npm run build:web');
    expect((await unbuilt.inject('/assets/console-ABCDEFGH.js')).statusCode).toBe(404);
    await unbuilt.close();
  });

  it('treats a manifest naming a missing file as no build at all', async () => {
    await writeFile(
      path.join(empty, 'manifest.json'),
      JSON.stringify({ 'console.js': 'console-GONE0000.js' }),
    );
    expect(loadWebAssets(empty)).toBeNull();
  });
});

describeWithPostgres('a hub started without the console build (PostgreSQL)', () => {
  it('says how to build it, answers /console with 503, and serves everything else', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'switchboard-unbuilt-'));
    const lines: string[] = [];
    const hub = await startTestHub({
      webAssetsDir: empty,
      env: { LOG_LEVEL: 'warn' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    try {
      expect(lines.some((line) => line.includes('npm run build:web'))).toBe(true);
      expect((await fetch(`${hub.url}/console`)).status).toBe(503);
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
      const providers = await hub.request(ProvidersDocument);
      expect(providers.data?.providers.length).toBeGreaterThan(0);
    } finally {
      await hub.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
