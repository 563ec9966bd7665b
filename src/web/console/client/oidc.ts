/**
 * Sign-in through the configured OIDC issuer: authorization code with PKCE (S256), the console as
 * a public client (no secret: a browser cannot keep one). The verifier and state wait in this
 * tab's sessionStorage for the callback; the access token goes where an operator token would.
 */
export interface OidcSettings {
  issuer: string;
  audience: string;
  clientId: string;
}

/** The hub's permissions, asked for as scopes (the hub maps scopes named after them). */
const SCOPES = 'openid tenants:all tenants:admin connections:read connections:write signals:read audit:read';
const PENDING_KEY = 'switchboard.console.oidc';
export const CALLBACK_PATH = '/console/oidc/callback';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

export function oidcSettings(body: HTMLElement): OidcSettings | null {
  const { oidcIssuer, oidcAudience, oidcClientId } = body.dataset;
  return oidcIssuer && oidcClientId
    ? { issuer: oidcIssuer, audience: oidcAudience ?? '', clientId: oidcClientId }
    : null;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`The identity provider's discovery answered ${response.status}.`);
  return (await response.json()) as Discovery;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const redirectUri = () => new URL(CALLBACK_PATH, location.origin).href;

/** An audience that is a URL is asked for as an RFC 8707 resource, which JWT access tokens carry. */
const resourceOf = (audience: string) => (/^https?:\/\//.test(audience) ? audience : null);

export async function startOidcSignIn(settings: OidcSettings): Promise<void> {
  const discovery = await discover(settings.issuer);
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  const resource = resourceOf(settings.audience);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: SCOPES,
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
    ...(resource ? { resource } : {}),
  }).toString();
  location.assign(url.href);
}

/** On the callback page: checks state, exchanges the code at the token endpoint, answers the access token. */
export async function finishOidcSignIn(settings: OidcSettings, callback: URL): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  const error = callback.searchParams.get('error');
  if (error) throw new Error(callback.searchParams.get('error_description') ?? error);
  if (!pending || callback.searchParams.get('state') !== pending.state)
    throw new Error('This sign-in did not start in this tab (state mismatch). Sign in again.');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error('The identity provider sent no authorization code.');
  const discovery = await discover(settings.issuer);
  const resource = resourceOf(settings.audience);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: settings.clientId,
      code_verifier: pending.verifier,
      ...(resource ? { resource } : {}),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token)
    throw new Error(
      body.error_description ?? body.error ?? `The token endpoint answered ${response.status}.`,
    );
  return body.access_token;
}
