import { html, raw, type SafeHtml } from '../html.js';

/**
 * The Connect pages' shell: one column that fits a 375 px phone, system fonts (nothing fetched),
 * text and buttons at 4.5:1 contrast or more, a visible focus ring, and the style by nonce.
 */
const STYLE = raw(`
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1rem; }
main { max-width: 28rem; margin: 0 auto; padding: 2rem 1rem; }
.card { background: #fff; border: 1px solid #d1d5db; border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.375rem; margin: 0 0 .5rem; }
p { margin: .5rem 0; }
.providers { list-style: none; padding: 0; margin: 1.25rem 0 0; display: grid; gap: .75rem; }
.providers form { margin: 0; }
button, .button { display: flex; align-items: center; justify-content: center; gap: .75rem; width: 100%;
  min-height: 48px; padding: .75rem 1rem; font: inherit; font-weight: 600; border-radius: 8px;
  border: 2px solid #1d4ed8; background: #1d4ed8; color: #fff; cursor: pointer; text-decoration: none; }
.providers button { background: #fff; color: #111827; border-color: #6b7280; justify-content: flex-start; }
.providers button:hover { border-color: #1d4ed8; }
button:hover { filter: brightness(0.95); }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 3px; }
.logo, .monogram { width: 28px; height: 28px; flex: none; border-radius: 6px; }
.monogram { display: inline-grid; place-items: center; background: #374151; color: #fff; font-size: .875rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input { width: 100%; min-height: 48px; padding: .5rem .75rem; font: inherit; color: #111827;
  border: 1px solid #4b5563; border-radius: 8px; }
form > button { margin-top: 1.25rem; }
.status { font-size: 1.5rem; }
.problem { color: #b91c1c; }
.secondary { display: inline-block; margin-top: 1rem; color: #1d4ed8; font-weight: 600; }
.hint { color: #4b5563; font-size: .9375rem; }
`);

export function connectLayout(options: {
  nonce: string;
  title: string;
  body: SafeHtml;
  head?: SafeHtml;
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style nonce="${options.nonce}">${STYLE}</style>
${options.head}
</head>
<body>
<main><div class="card">${options.body}</div></main>
</body>
</html>`.value;
}
