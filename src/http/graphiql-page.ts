import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
}

const GRAPHIQL_TITLE = 'Switchboard';

/**
 * What the headers editor shows first: where the operator's token goes, left blank (the hub takes a
 * blank Authorization as no credentials, so the schema still loads and the public catalog answers;
 * a placeholder such as `Bearer <token>` would make both fail with 401 until replaced).
 */
const GRAPHIQL_DEFAULT_HEADERS = JSON.stringify({ Authorization: '' }, null, 2);

/**
 * GraphiQL from the hub's own bytes (@graphql-yoga/render-graphiql inlines its code, stylesheet,
 * fonts and editor workers into the page), rendered once, and the Content-Security-Policy that lets
 * exactly it run: its inline scripts by hash, the editor's workers as the blob: URLs it makes of
 * them, the API and graphql-ws on this origin, and no other origin at all, so it works offline and
 * no third party's code ever sees the operator's token.
 */
export function graphiqlPage(options: Pick<GraphiQLOptions, 'subscriptionsProtocol'>): GraphiQLPage {
  const html = renderGraphiQL({
    title: GRAPHIQL_TITLE,
    headers: GRAPHIQL_DEFAULT_HEADERS,
    // Yoga turns this on, and GraphiQL then keeps the headers (the token) in localStorage with its
    // tabs. (Its history would keep them whatever this says, but Yoga's GraphiQL has no history.)
    shouldPersistHeaders: false,
    ...options,
  });
  const hashes = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)].map(
    ([, script]) =>
      `'sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}'`,
  );
  const directives = [
    "default-src 'none'",
    ['script-src', ...hashes].join(' '),
    // The editor injects style elements and style attributes at run time, beyond the page's own.
    "style-src 'unsafe-inline'",
    // The API and graphql-ws ('self' covers ws: on this host).
    "connect-src 'self'",
    'worker-src blob:',
    // The icon and the stylesheet's images and fonts are data: URLs inside the page.
    'img-src data:',
    'font-src data:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ];
  return { html, contentSecurityPolicy: directives.join('; ') };
}

/** Sends the page's policy with it (Yoga answers GraphiQL itself, as text/html). */
export function useGraphiQLPolicy(page: GraphiQLPage): Plugin {
  return {
    onResponse({ response }) {
      if (response.headers.get('content-type')?.startsWith('text/html'))
        response.headers.set('content-security-policy', page.contentSecurityPolicy);
    },
  };
}
