import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { readSeconds, readString } from '../shared/json-path.js';
import { type CallContext, detailOf } from './context.js';
import { ProviderUnexpectedResponseError } from './errors.js';
import type { NestedUserToken, ProviderAccount, TokenSet } from './types.js';

export interface TokenResponseInput {
  /** The decoded success body (JSON, or a form decoded into strings). */
  body: Record<string, unknown>;
  now: Date;
  /** The refresh token just used: kept when a refresh returns none (issue 4, item 5). */
  previousRefreshToken?: string | null | undefined;
  /** Used when the response does not say what was granted: RFC 6749 §5.1 says it is what was asked. */
  requestedScopes?: readonly string[] | undefined;
  /** The callback's query parameters (QuickBooks' realmId names the company). */
  callbackParams?: Readonly<Record<string, string>> | undefined;
  /** Validated ID token claims, when openid-client checked one against a discovered issuer. */
  idTokenClaims?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Applies the manifest's tokenResponse rules to a success body. Pure, and the same for both paths
 * (openid-client's parsed body and our own fetch), so a quirk lives in the manifest only.
 */
export function normalizeTokenResponse(context: CallContext, input: TokenResponseInput): TokenSet {
  const { manifest } = context;
  const rules = manifest.auth.tokenResponse;
  const { body, now } = input;
  const nested = nestedUserToken(manifest, body, now);
  const topLevel = readString(body, rules.accessTokenPath);
  if (topLevel === null && nested === null) {
    throw new ProviderUnexpectedResponseError(
      `${manifest.displayName} answered without an access token`,
      502,
      detailOf(context, { reason: `no string at ${rules.accessTokenPath}`, fields: Object.keys(body) }),
    );
  }

  // Slack installs that ask only for user scopes get no bot token: the user token is the token.
  const primary: NestedUserToken & { tokenType: string } =
    topLevel === null && nested !== null
      ? { ...nested, tokenType: 'user' }
      : {
          accessToken: topLevel!,
          refreshToken: readString(body, rules.refreshTokenPath),
          expiresAt: expiry(now, readSeconds(body, rules.expiresInPath)),
          scopes: splitScopes(manifest, readString(body, rules.scopePath)),
          userId: null,
          tokenType: (readString(body, 'token_type') ?? 'bearer').toLowerCase(),
        };

  return {
    accessToken: primary.accessToken,
    refreshToken: primary.refreshToken ?? input.previousRefreshToken ?? null,
    expiresAt: primary.expiresAt,
    refreshTokenExpiresAt: expiry(now, readSeconds(body, rules.refreshTokenExpiresInPath)),
    scopes: primary.scopes.length > 0 ? primary.scopes : [...(input.requestedScopes ?? [])],
    tokenType: primary.tokenType,
    account: accountOf(manifest, body, input),
    userToken: topLevel === null ? null : nested,
  };
}

function nestedUserToken(
  manifest: ProviderManifest,
  body: Record<string, unknown>,
  now: Date,
): NestedUserToken | null {
  const rules = manifest.auth.tokenResponse.nestedUserToken;
  if (!rules) return null;
  const accessToken = readString(body, rules.accessTokenPath);
  if (accessToken === null) return null;
  return {
    accessToken,
    refreshToken: readString(body, rules.refreshTokenPath),
    expiresAt: expiry(now, readSeconds(body, rules.expiresInPath)),
    scopes: splitScopes(manifest, readString(body, rules.scopePath)),
    userId: readString(body, rules.userIdPath),
  };
}

/**
 * The account a connection is about. The callback's parameters come first (QuickBooks' realmId is
 * the company), then the manifest's accountFields (the first `…Id` and `…Name` present: Slack's
 * team, Notion's workspace, HubSpot's hub), then a validated ID token's subject. `idSource` says
 * which, because only the last two are the provider's word (connections/provider-accounts.ts).
 */
function accountOf(
  manifest: ProviderManifest,
  body: Record<string, unknown>,
  input: TokenResponseInput,
): ProviderAccount {
  const fields: Record<string, string> = {};
  for (const name of manifest.auth.callbackParams) {
    const value = input.callbackParams?.[name];
    if (value) fields[name] = value;
  }
  for (const [name, path] of Object.entries(manifest.auth.tokenResponse.accountFields)) {
    const value = readString(body, path);
    if (value !== null) fields[name] = value;
  }
  const fromCallback = manifest.auth.callbackParams.map((name) => fields[name]).find(Boolean);
  const named = (suffix: string) =>
    Object.keys(manifest.auth.tokenResponse.accountFields)
      .filter((name) => name.endsWith(suffix))
      .map((name) => fields[name])
      .find(Boolean);
  const claims = input.idTokenClaims;
  const fromResponse = named('Id');
  const fromIdToken = claimString(claims, 'sub');
  return {
    id: fromCallback ?? fromResponse ?? fromIdToken,
    idSource: fromCallback ? 'callback' : fromResponse ? 'token_response' : fromIdToken ? 'id_token' : null,
    name: named('Name') ?? claimString(claims, 'name') ?? claimString(claims, 'email'),
    fields,
  };
}

/**
 * Granted scopes in the provider's own separator (GitHub and Slack answer "repo,gist" even where
 * requests are space-separated); blanks around separators are dropped.
 */
export function splitScopes(manifest: ProviderManifest, value: string | null): string[] {
  if (value === null) return [];
  const separator = manifest.auth.tokenResponse.grantedScopeSeparator ?? manifest.auth.scopeSeparator;
  const parts = separator.trim() === '' ? value.split(/\s+/) : value.split(separator);
  return [...new Set(parts.map((part) => part.trim()).filter((part) => part.length > 0))];
}

function expiry(now: Date, seconds: number | null): Date | null {
  return seconds === null ? null : new Date(now.getTime() + seconds * 1000);
}

function claimString(claims: Readonly<Record<string, unknown>> | undefined, name: string): string | null {
  const value = claims?.[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}
