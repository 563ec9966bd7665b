import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { AccountDiscovery } from '../../connectors/sdk/schema/account-discovery.js';
import type { ProviderAccount, TokenSet } from '../../oauth/index.js';
import { readPath, readString, valuesAt } from '../../shared/json-path.js';

export type DiscoveryOutcome = { ok: true; account: ProviderAccount } | { ok: false; detail: string };

/**
 * The manifest's account discovery (Atlassian's accessible-resources) with the new access token:
 * the account it chooses replaces the id and name the token response gave, and its fields join the
 * account's values. Without a discovery the token's account stands. The answer is never logged,
 * and a failure is told in our words only.
 */
export async function discoverAccount(
  manifest: ProviderManifest,
  tokens: Pick<TokenSet, 'accessToken' | 'scopes' | 'account'>,
  timeoutMs: number,
): Promise<DiscoveryOutcome> {
  const discovery = manifest.auth.accountDiscovery;
  if (!discovery) return { ok: true, account: tokens.account };
  // Headers, not an object: the manifest's `Accept` must replace our `accept`, not add to it.
  const headers = new Headers({ accept: 'application/json' });
  for (const [name, value] of Object.entries(discovery.headers)) headers.set(name, value);
  headers.set('authorization', `Bearer ${tokens.accessToken}`);
  let body: unknown;
  try {
    const response = await fetch(discovery.url, {
      method: discovery.method,
      headers,
      // A redirect would carry the token to wherever the answer points.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, detail: `the account discovery answered HTTP ${response.status}` };
    }
    body = await response.json();
  } catch (error) {
    const name = (error as Error).name;
    return {
      ok: false,
      detail:
        name === 'TimeoutError'
          ? 'the account discovery timed out'
          : name === 'SyntaxError'
            ? 'the account discovery answered no JSON'
            : 'the account discovery failed',
    };
  }
  const fields = chooseAccount(discovery, body, tokens.scopes);
  if (!fields) return { ok: false, detail: 'the account discovery listed no account' };
  const name = discovery.nameField === undefined ? undefined : fields[discovery.nameField];
  return {
    ok: true,
    account: {
      id: fields[discovery.idField]!,
      idSource: 'account_discovery',
      name: name ?? tokens.account.name,
      fields: { ...tokens.account.fields, ...fields },
    },
  };
}

/**
 * The fields of the account the grant is for: among the listed accounts that carry the id, the one
 * holding the most of the granted scopes (when the manifest says where an account's scopes are),
 * the first listed on a tie. Null when no account carries an id.
 */
export function chooseAccount(
  discovery: AccountDiscovery,
  body: unknown,
  grantedScopes: readonly string[],
): Record<string, string> | null {
  const listed = discovery.accountsPath === undefined ? [body] : valuesAt(body, discovery.accountsPath);
  const granted = new Set(grantedScopes);
  let best: { fields: Record<string, string>; score: number } | null = null;
  for (const item of listed) {
    const fields = fieldsOf(discovery, item);
    if (fields[discovery.idField] === undefined) continue;
    const score = scopesOf(discovery, item).filter((scope) => granted.has(scope)).length;
    if (best === null || score > best.score) best = { fields, score };
  }
  return best?.fields ?? null;
}

function fieldsOf(discovery: AccountDiscovery, item: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, path] of Object.entries(discovery.fields)) {
    const value = readString(item, path);
    if (value !== null) fields[name] = value;
  }
  return fields;
}

function scopesOf(discovery: AccountDiscovery, item: unknown): string[] {
  if (discovery.scopesPath === undefined) return [];
  const scopes = readPath(item, discovery.scopesPath);
  return Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [];
}
