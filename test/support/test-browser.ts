import { CookieJar } from './cookie-jar.js';

/**
 * A user agent for OAuth tests: real HTTP requests, redirects followed one hop at a time with
 * cookies kept, HTML forms parsed and submitted, links followed. It stops at the redirect back to
 * the client (that URL is returned, never fetched), as a browser would hand it to the client app.
 */
export interface HtmlPage {
  url: URL;
  status: number;
  html: string;
}

export interface HtmlForm {
  action: URL;
  method: string;
  fields: Record<string, string>;
}

export type Landing = { kind: 'callback'; url: URL } | { kind: 'page'; page: HtmlPage };

export class TestBrowser {
  readonly jar = new CookieJar();
  /** Every URL requested, in order (tests assert the flow went through the provider's pages). */
  readonly visited: string[] = [];

  constructor(private readonly callbackPrefix: string) {}

  async open(url: string | URL): Promise<Landing> {
    return this.#go(new URL(url), { method: 'GET' });
  }

  async submit(form: HtmlForm, values: Record<string, string> = {}): Promise<Landing> {
    const body = new URLSearchParams({ ...form.fields, ...values });
    if (form.method === 'get') {
      const url = new URL(form.action);
      for (const [name, value] of body) url.searchParams.set(name, value);
      return this.#go(url, { method: 'GET' });
    }
    return this.#go(form.action, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async follow(page: HtmlPage, linkText: string): Promise<Landing> {
    const link = linksOf(page).find((candidate) => candidate.text.includes(linkText));
    if (!link) throw new Error(`no link "${linkText}" on ${page.url.pathname}`);
    return this.open(link.href);
  }

  async #go(
    start: URL,
    init: { method: string; body?: string; headers?: Record<string, string> },
  ): Promise<Landing> {
    let url = start;
    let request = init;
    for (let hop = 0; hop < 20; hop++) {
      if (url.href.startsWith(this.callbackPrefix)) return { kind: 'callback', url };
      this.visited.push(`${request.method} ${url.pathname}`);
      const cookie = this.jar.headerFor(url);
      const response = await fetch(url, {
        method: request.method,
        body: request.body,
        redirect: 'manual',
        headers: { accept: 'text/html', ...request.headers, ...(cookie ? { cookie } : {}) },
      });
      this.jar.store(url, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url);
        request = { method: 'GET' };
        continue;
      }
      return { kind: 'page', page: { url, status: response.status, html: await response.text() } };
    }
    throw new Error(`more than 20 redirects from ${start.href}`);
  }
}

/** Forms with their action resolved and every named input's value (hidden fields included). */
export function formsOf(page: HtmlPage): HtmlForm[] {
  return [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(
    ([, attributes = '', inner = '']) => {
      const fields: Record<string, string> = {};
      for (const [, input = ''] of inner.matchAll(/<input\b([^>]*)>/gi)) {
        const name = attribute(input, 'name');
        if (name !== undefined) fields[name] = attribute(input, 'value') ?? '';
      }
      return {
        action: new URL(attribute(attributes, 'action') ?? page.url.href, page.url),
        method: (attribute(attributes, 'method') ?? 'get').toLowerCase(),
        fields,
      };
    },
  );
}

export function linksOf(page: HtmlPage): Array<{ href: URL; text: string }> {
  return [...page.html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)].flatMap(
    ([, attributes = '', text = '']) => {
      const href = attribute(attributes, 'href');
      return href === undefined ? [] : [{ href: new URL(href, page.url), text: decodeEntities(text.trim()) }];
    },
  );
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(attributes);
  const value = match?.[1] ?? match?.[2];
  return value === undefined ? undefined : decodeEntities(value);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
