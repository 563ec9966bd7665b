import { html, raw } from '../html.js';
import { connectLayout } from './layout.js';

export type ResultView =
  | {
      kind: 'connected';
      connectionId: string;
      providerName: string;
      /** The redirectUri with connection_id, or null to stay here. */
      redirect: string | null;
      /** Origins window.opener may be told at (never '*'). */
      openerOrigins: string[];
    }
  | { kind: 'failed'; message: string; retryPath: string };

/**
 * "Connected": tells a popup's opener (postMessage to the product's origin only), then sends the
 * user on to the redirectUri; without script, a link and a meta refresh do the second part.
 * "Not connected": the reason in words, and a link back to the list.
 */
export function resultPage(nonce: string, view: ResultView): string {
  if (view.kind === 'failed') {
    const body = html`<h1>Not connected</h1>
<p class="problem" role="alert">${view.message}</p>
<a class="button" href="${view.retryPath}">Try again</a>`;
    return connectLayout({ nonce, title: 'Not connected', body });
  }
  const data = { connectionId: view.connectionId, redirect: view.redirect, origins: view.openerOrigins };
  const head = html`${view.redirect ? html`<noscript><meta http-equiv="refresh" content="0;url=${view.redirect}"></noscript>` : null}
<script type="application/json" id="connect-result">${raw(scriptSafeJson(data))}</script>
<script nonce="${nonce}">${raw(NOTIFY_SCRIPT)}</script>`;
  const body = html`<h1><span aria-hidden="true">✓</span> Connected</h1>
<p role="status">Your ${view.providerName} account is connected.</p>
${view.redirect ? html`<a class="button" href="${view.redirect}">Continue</a>` : html`<p class="hint">You can close this window.</p>`}`;
  return connectLayout({ nonce, title: 'Connected', body, head });
}

const NOTIFY_SCRIPT = `
document.addEventListener('DOMContentLoaded', function () {
  var data = JSON.parse(document.getElementById('connect-result').textContent);
  if (window.opener && window.opener !== window) {
    data.origins.forEach(function (origin) {
      window.opener.postMessage({ type: 'switchboard:connected', connectionId: data.connectionId }, origin);
    });
  }
  if (data.redirect) window.location.replace(data.redirect);
});`;

/** JSON inside a script element: nothing in it may close the element or open a comment. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
