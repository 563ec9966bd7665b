import type { FastifyInstance, FastifyReply } from 'fastify';
import { consoleShell, consoleUnavailable } from '../web/console/shell.js';
import { newNonce, pagePolicy } from '../web/page-policy.js';
import { WEB_ASSETS_MISSING, type WebAssets } from './web-assets.js';

export interface ConsoleRouteOptions {
  /** Null when dist/web is missing: the console answers 503 with how to build it. */
  assets: WebAssets | null;
  oidc: { issuer: string; audience: string; clientId: string } | null;
}

/**
 * /console and every path under it answer the console's shell (the client routes inside), never
 * cached, under a policy that runs only the shell's own bundle. With OIDC the browser also talks
 * to the issuer (discovery and the code exchange), so its origin joins connect-src.
 */
export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): void {
  const issuerOrigin = options.oidc ? new URL(options.oidc.issuer).origin : null;
  const answer = (reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    if (!options.assets) return reply.code(503).send(consoleUnavailable(WEB_ASSETS_MISSING).toString());
    const nonce = newNonce();
    reply.header(
      'content-security-policy',
      pagePolicy({ nonce, connect: issuerOrigin ? [issuerOrigin] : [], formAction: ["'none'"] }),
    );
    return reply.send(
      consoleShell({
        nonce,
        scriptUrl: options.assets.url('console.js'),
        styleUrl: options.assets.url('console.css'),
        oidc: options.oidc,
      }).toString(),
    );
  };
  app.get('/console', async (_request, reply) => answer(reply));
  app.get('/console/*', async (_request, reply) => answer(reply));
}
