import type { ConnectableProvider } from '../../connections/index.js';
import { html } from '../html.js';
import { connectLayout } from './layout.js';

/** An API key, or a username and password, posted back to this origin with the CSRF token. */
export function credentialsPage(options: {
  nonce: string;
  token: string;
  csrf: string;
  provider: ConnectableProvider;
}): string {
  const { manifest, method } = options.provider;
  const fields =
    method === 'api_key'
      ? html`<label for="api-key">API key</label>
<input id="api-key" name="apiKey" type="password" autocomplete="off" spellcheck="false" required autofocus>`
      : html`<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>`;
  const body = html`<h1>Connect ${manifest.displayName}</h1>
<p class="hint">${method === 'api_key' ? `Paste an API key from your ${manifest.displayName} account.` : `Sign in with your ${manifest.displayName} account.`} It is checked with ${manifest.displayName} and stored encrypted.</p>
<form method="post" action="/connect/${options.token}/providers/${encodeURIComponent(manifest.id)}">
<input type="hidden" name="csrf" value="${options.csrf}">
${fields}
<button type="submit">Connect</button>
</form>
<a class="secondary" href="/connect/${options.token}">Back to the list</a>`;
  return connectLayout({ nonce: options.nonce, title: `Connect ${manifest.displayName}`, body });
}
