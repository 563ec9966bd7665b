import { html, type SafeHtml } from '../html.js';

export interface ConsoleShellOptions {
  nonce: string;
  scriptUrl: string;
  styleUrl: string;
  /** Set when an OIDC issuer is configured: the console offers "Sign in with OIDC". */
  oidc: { issuer: string; audience: string; clientId: string } | null;
}

/**
 * The one page every /console URL answers with: the client routes inside it. What the browser
 * code needs to know from the configuration travels in data attributes (never a credential).
 */
export function consoleShell(options: ConsoleShellOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard console</title>
<link rel="stylesheet" href="${options.styleUrl}">
<script type="module" nonce="${options.nonce}" src="${options.scriptUrl}"></script>
</head>
<body data-oidc-issuer="${options.oidc?.issuer ?? ''}" data-oidc-audience="${options.oidc?.audience ?? ''}" data-oidc-client-id="${options.oidc?.clientId ?? ''}">
<a class="skip" href="#main">Skip to content</a>
<header class="bar"><span class="brand">Switchboard console</span><nav id="nav" aria-label="Console"></nav></header>
<main id="main" tabindex="-1"><p>Loading the console…</p></main>
<noscript><p>The operator console needs JavaScript.</p></noscript>
</body>
</html>
`;
}

/** What /console answers when the bundles were never built: the reason and the fix, readably. */
export function consoleUnavailable(message: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard console unavailable</title></head>
<body><main><h1>The console is unavailable</h1><p>${message}</p></main></body>
</html>
`;
}
