import { createHash } from 'node:crypto';
import { type GraphiQLOptions, type Plugin, renderGraphiQL } from 'graphql-yoga';

export interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
}

/**
 * Yoga's GraphiQL page, rendered once, and the Content-Security-Policy that lets exactly it run.
 * The page loads its code, stylesheet and editor workers from a CDN directory pinned to a version
 * (unpkg.com/@graphql-yoga/graphiql@x.y.z) and its icon from GitHub; the policy allows each of
 * those directories for what the page takes from it and nothing else; its inline scripts by hash;
 * the workers it builds from fetched code as blob: URLs; and the API (and graphql-ws) on this
 * origin. Computed from the page, so a Yoga upgrade that moves its CDN cannot break it silently.
 */
export function graphiqlPage(options: GraphiQLOptions): GraphiQLPage {
  const html = renderGraphiQL(options);
  const inlineScripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
  const hashes = inlineScripts.map(
    (script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`,
  );
  // Code from src= attributes; the stylesheet and icon from href=; the worker code the inline scripts fetch.
  const loaded = directoriesOf([...html.matchAll(/\ssrc=["']?(https:\/\/[^\s"'>]+)/g)]);
  const linked = directoriesOf([...html.matchAll(/\shref=["']?(https:\/\/[^\s"'>]+)/g)]);
  const fetched = directoriesOf(
    inlineScripts.flatMap((script) => [...script.matchAll(/["'](https:\/\/[^"']+)["']/g)]),
  );
  const directives = [
    "default-src 'none'",
    ['script-src', ...hashes, ...loaded].join(' '),
    // The editor injects style elements.
    ['style-src', "'unsafe-inline'", ...linked].join(' '),
    // The API and graphql-ws on this origin; the worker code, fetched to become blob: workers.
    ['connect-src', "'self'", ...fetched].join(' '),
    'worker-src blob:',
    ['img-src', 'data:', ...linked].join(' '),
    'font-src data:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  return { html, contentSecurityPolicy: directives.join('; ') };
}

/** The directories of the URLs matched, none inside another (a CSP source ending in `/` covers its subpaths). */
function directoriesOf(matches: RegExpMatchArray[]): string[] {
  const directories = [...new Set(matches.map((match) => dirname(match[1] ?? '')))];
  return directories
    .filter((directory) => !directories.some((other) => other !== directory && directory.startsWith(other)))
    .sort();
}

const dirname = (url: string) => url.slice(0, url.lastIndexOf('/') + 1);

/** Sends the page's policy with it (Yoga answers GraphiQL itself, as text/html). */
export function useGraphiQLPolicy(page: GraphiQLPage): Plugin {
  return {
    onResponse({ response }) {
      if (response.headers.get('content-type')?.startsWith('text/html'))
        response.headers.set('content-security-policy', page.contentSecurityPolicy);
    },
  };
}
