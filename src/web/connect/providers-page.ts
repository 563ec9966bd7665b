import type { ConnectableProvider } from '../../connections/index.js';
import { html } from '../html.js';
import { connectLayout } from './layout.js';

/**
 * The session's providers, a button each. An OAuth button posts (with the CSRF token) and is sent
 * on to the provider; an API key or basic button opens the credentials form.
 */
export function providersPage(options: {
  nonce: string;
  token: string;
  csrf: string;
  providers: readonly ConnectableProvider[];
}): string {
  const items = options.providers.map(({ manifest, method }) => {
    const action = `/connect/${options.token}/providers/${encodeURIComponent(manifest.id)}`;
    const button = html`<button type="submit">${providerMark(manifest.displayName)}<span>${manifest.displayName}</span></button>`;
    return method === 'oauth2'
      ? html`<li><form method="post" action="${action}"><input type="hidden" name="csrf" value="${options.csrf}">${button}</form></li>`
      : html`<li><form method="get" action="${action}">${button}</form></li>`;
  });
  const body =
    items.length === 0
      ? html`<h1>Nothing to connect</h1><p>This link offers no provider that can be connected right now. Ask the app that sent you here for a new link.</p>`
      : html`<h1>Connect an account</h1>
<p class="hint">Choose the service to connect. You will sign in there or enter its credentials.</p>
<ul class="providers">${items}</ul>`;
  return connectLayout({ nonce: options.nonce, title: 'Connect an account', body });
}

/** A letter in a tile where a logo would go (no manifest declares one yet, and none may be fetched offsite). */
export const providerMark = (displayName: string) =>
  html`<span class="monogram" aria-hidden="true">${displayName.slice(0, 1).toUpperCase()}</span>`;
