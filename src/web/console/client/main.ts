import { whenUnauthenticated } from './api.js';
import { alertBox, h, show } from './dom.js';
import { navigate } from './navigation.js';
import { CALLBACK_PATH, finishOidcSignIn, oidcSettings } from './oidc.js';
import type { Page } from './page.js';
import { auditLogPage, proxyCallsPage } from './pages/audit-log.js';
import { auditSealsPage } from './pages/audit-seals.js';
import { connectionsPage } from './pages/connections.js';
import { deadLettersPage } from './pages/dead-letters.js';
import { readinessPage } from './pages/readiness.js';
import { signInPage } from './pages/sign-in.js';
import { signalsPage } from './pages/signals.js';
import { syncsPage } from './pages/syncs.js';
import { tenantsPage } from './pages/tenants.js';
import { session } from './session.js';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const oidc = oidcSettings(document.body);

/** Paths under /console; `:tenant` is a path segment. The first match wins. */
const ROUTES: [RegExp, Page][] = [
  [/^\/console\/tenants\/?$/, tenantsPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/?(connections)?$/, connectionsPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/signals$/, signalsPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/dead-letters$/, deadLettersPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/audit-log$/, auditLogPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/syncs$/, syncsPage],
  [/^\/console\/tenants\/(?<tenant>[^/]+)\/proxy-calls$/, proxyCallsPage],
  [/^\/console\/audit-seals$/, auditSealsPage],
  [/^\/console\/readiness$/, readinessPage],
];

let leaving: (() => void)[] = [];

function renderNav(signedIn: boolean): void {
  if (!signedIn) {
    show(nav);
    return;
  }
  const link = (href: string, label: string) =>
    h('li', {}, h('a', { href, 'aria-current': location.pathname.startsWith(href) ? 'page' : null }, label));
  show(
    nav,
    h(
      'ul',
      {},
      link('/console/tenants', 'Tenants'),
      link('/console/audit-seals', 'Audit seals'),
      link('/console/readiness', 'Readiness'),
      h('li', {}, h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out')),
    ),
  );
}

function signOut(): void {
  session.signOut();
  navigate('/console', true);
}

async function route(): Promise<void> {
  for (const stop of leaving) stop();
  leaving = [];
  const path = location.pathname;
  if (path === CALLBACK_PATH) return completeOidc();
  const signedIn = session.token() !== null;
  renderNav(signedIn);
  if (!signedIn) return signInPage(oidc)({ main });
  if (path === '/console' || path === '/console/') return navigate('/console/tenants', true);
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
    return page({ main, params, onLeave: (stop) => leaving.push(stop) });
  }
  show(
    main,
    h('h1', { tabindex: -1 }, 'Not found'),
    h('p', {}, h('a', { href: '/console/tenants' }, 'Tenants')),
  );
}

async function completeOidc(): Promise<void> {
  show(main, h('h1', { tabindex: -1 }, 'Signing in…'));
  try {
    if (!oidc) throw new Error('No OIDC issuer is configured on this hub.');
    session.signIn(await finishOidcSignIn(oidc, new URL(location.href)));
    navigate('/console/tenants', true);
  } catch (error) {
    show(
      main,
      h('h1', { tabindex: -1 }, 'Sign-in failed'),
      alertBox((error as Error).message),
      h('p', {}, h('a', { href: '/console' }, 'Back to sign-in')),
    );
  }
}

// Links inside the console navigate without a reload (and keep live subscriptions to one page).
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element).closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  // In-page links (the skip link) keep the browser's own behaviour.
  if (anchor.getAttribute('href')?.startsWith('#')) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console')) return;
  event.preventDefault();
  navigate(url.pathname);
});

whenUnauthenticated(() => {
  session.signOut();
  navigate('/console', true);
});
addEventListener('popstate', () => void route());
void route();
