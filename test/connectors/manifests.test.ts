import { describe, expect, it } from 'vitest';
import { BUILT_IN_MANIFESTS } from '../../src/connectors/catalog.js';
import { authModesOf, manifestSchema, type ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import { resolveScopes } from '../../src/connectors/sdk/scopes.js';
import { RESOURCE_SYNCS } from '../../src/connectors/syncs.js';

/** The one test that loads every built-in manifest through the schema (STYLE.md, Nango habit). */

const REQUIRED_PROVIDERS = [
  'github',
  'slack',
  'jira',
  'google-calendar',
  'gmail',
  'google-directory',
  'microsoft-365',
  'todoist',
  'notion',
  'quickbooks',
  'linear',
  'dropbox',
  'zoom',
  'hubspot',
];

/** Providers whose docs describe no PKCE; anything else must keep the default. */
const WITHOUT_PKCE = ['jira', 'notion', 'quickbooks', 'todoist'];

function byId(id: string): ProviderManifest {
  const manifest = BUILT_IN_MANIFESTS.find((candidate) => candidate.id === id);
  if (!manifest) throw new Error(`no built-in manifest "${id}"`);
  return manifest;
}

/** Every string under a key named url, *Url or *Urls, with its path. */
function urlsOf(value: unknown, path = ''): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => urlsOf(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    if (typeof child === 'string' && /(^url$|Url$)/.test(key))
      return [[childPath, child] as [string, string]];
    return urlsOf(child, childPath);
  });
}

describe('built-in provider manifests', () => {
  it('ship every provider the connection and API issues need, with unique kebab-case ids', () => {
    const ids = BUILT_IN_MANIFESTS.map((manifest) => manifest.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED_PROVIDERS));
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  describe.each(BUILT_IN_MANIFESTS.map((manifest) => [manifest.id, manifest] as const))(
    '%s',
    (_id, manifest) => {
      it('passes the schema, and parsing it again changes nothing', () => {
        const result = manifestSchema.safeParse(manifest);
        expect(result.error?.issues ?? []).toEqual([]);
        expect(result.data).toEqual(manifest);
      });

      it('runs its own code: a built-in extends nothing', () => {
        expect(manifest.extends).toBeUndefined();
        expect(manifest.implementation).toBe(manifest.id);
      });

      it('uses https for every URL and cites its docs', () => {
        expect(manifest.docsUrl).toBeDefined();
        const urls = urlsOf(manifest);
        expect(urls.length).toBeGreaterThan(2);
        for (const [path, url] of urls) {
          expect(url.startsWith('https://'), `${path} = ${url}`).toBe(true);
          expect(() => new URL(url), path).not.toThrow();
        }
      });

      it('maps every internal scope to catalog scopes that are not over-broad', () => {
        const catalog = new Set(manifest.scopes.map((scope) => scope.id));
        for (const [name, targets] of Object.entries(manifest.scopePolicy.internal)) {
          expect(catalog.has(name), `${name} shadows a provider scope`).toBe(false);
          for (const target of targets) {
            expect(catalog.has(target), `${name} → ${target}`).toBe(true);
            expect(manifest.scopePolicy.overBroad[target], `${name} → ${target}`).toBeUndefined();
          }
          // The resolver must accept every internal scope on its own.
          expect(() => resolveScopes(manifest, [name])).not.toThrow();
        }
      });

      it('suggests only catalog scopes in place of over-broad ones, and explains why', () => {
        const catalog = new Set(manifest.scopes.map((scope) => scope.id));
        for (const [scope, policy] of Object.entries(manifest.scopePolicy.overBroad)) {
          expect(catalog.has(scope), scope).toBe(true);
          expect(policy.reason.length).toBeGreaterThan(10);
          for (const suggestion of policy.suggest) {
            expect(catalog.has(suggestion), `${scope} → ${suggestion}`).toBe(true);
            expect(manifest.scopePolicy.overBroad[suggestion]).toBeUndefined();
          }
        }
        for (const scope of manifest.scopePolicy.alwaysRequest) expect(catalog.has(scope), scope).toBe(true);
      });

      it('turns PKCE off only where the provider does not support it', () => {
        expect(manifest.auth.pkce).toBe(!WITHOUT_PKCE.includes(manifest.id));
      });

      it('names its OAuth endpoints and what revocation really does', () => {
        expect(manifest.auth.mode).toBe('oauth2');
        expect(manifest.auth.authorizationUrl).toBeDefined();
        expect(manifest.auth.tokenUrl).toBeDefined();
        const { revocation } = manifest.auth;
        expect(revocation.docsUrl, 'revocation.docsUrl').toBeDefined();
        if (revocation.kind === 'none') expect(revocation.reason.length).toBeGreaterThan(20);
      });

      it('can route every app-level webhook it cannot receive per connection', () => {
        const { webhooks } = manifest;
        expect(manifest.capabilities.webhooks).toBe(webhooks !== undefined);
        if (!webhooks || !('secret' in webhooks) || webhooks.secret.perConnection) return;
        expect(webhooks.secret.appLevel).toBeDefined();
        expect(webhooks.routing, 'routing').toBeDefined();
      });

      it('confirms an account id that comes through the browser before webhooks are routed by it', () => {
        const { routing } = manifest.webhooks ?? {};
        if (!routing || manifest.auth.callbackParams.length === 0) return;
        // A callbackParam is what the user's browser says; only the provider's answer binds it.
        expect(manifest.auth.accountVerification, 'auth.accountVerification').toBeDefined();
      });

      it('verifies api_key and basic alternatives with a test request', () => {
        for (const alternative of manifest.auth.alternatives) {
          if (alternative.mode === 'api_key' || alternative.mode === 'basic')
            expect(alternative.testRequest).toBeDefined();
        }
      });
    },
  );

  it('declare the webhook schemes the gateway verifies', () => {
    expect(byId('github').webhooks).toMatchObject({
      scheme: 'github_hmac_sha256',
      signature: { header: 'X-Hub-Signature-256', prefix: 'sha256=' },
      deliveryId: { header: 'X-GitHub-Delivery' },
      routing: { paths: ['installation.id'] },
    });
    expect(byId('slack').webhooks).toMatchObject({
      scheme: 'slack_v0',
      signature: { signedPayload: 'v0:{timestamp}:{body}' },
      timestamp: { toleranceSeconds: 300 },
      handshake: 'slack_url_verification',
    });
    expect(byId('jira').webhooks?.scheme).toBe('atlassian');
    expect(byId('microsoft-365').webhooks).toMatchObject({
      scheme: 'microsoft_graph',
      validationTokenParam: 'validationToken',
    });
    expect(byId('google-calendar').webhooks?.scheme).toBe('google_channel_token');
  });

  it('carry the token quirks the OAuth broker depends on', () => {
    const slack = byId('slack').auth.tokenResponse;
    expect(slack.errorInBody).toEqual({ okPath: 'ok', errorPath: 'error' });
    expect(slack.nestedUserToken?.accessTokenPath).toBe('authed_user.access_token');

    const github = byId('github').auth;
    expect(github.tokenResponse.format).toBe('form_or_json');
    expect(github.tokenRequestHeaders).toEqual({ Accept: 'application/json' });
    expect(github.revocation.kind).toBe('github_grant');

    for (const id of ['google-calendar', 'gmail', 'google-directory']) {
      expect(byId(id).auth.authorizationParams).toMatchObject({ access_type: 'offline', prompt: 'consent' });
    }
    expect(byId('jira').auth.tokenResponse.refreshTokenRotation).toBe('rotating');
    expect(byId('jira').scopePolicy.alwaysRequest).toEqual(['offline_access']);
    expect(byId('notion').auth).toMatchObject({
      clientAuth: 'client_secret_basic',
      tokenResponse: { accessTokenExpires: false },
    });
    expect(byId('quickbooks').auth.callbackParams).toEqual(['realmId']);
    expect(byId('quickbooks').auth.accountVerification).toMatchObject({
      method: 'GET',
      path: '/companyinfo/{realmId}',
      expectedStatus: 200,
    });
  });

  it('declare every resource sync that has code, with code of the same model for every declared one', () => {
    for (const manifest of BUILT_IN_MANIFESTS) {
      const code = RESOURCE_SYNCS[manifest.id] ?? {};
      expect(manifest.syncs.map((sync) => sync.resource).sort(), manifest.id).toEqual(
        Object.keys(code).sort(),
      );
      for (const declaration of manifest.syncs) {
        expect(code[declaration.resource]?.model, `${manifest.id} ${declaration.resource}`).toBe(
          declaration.model,
        );
      }
    }
    expect(
      Object.keys(RESOURCE_SYNCS).filter((id) => !BUILT_IN_MANIFESTS.some((each) => each.id === id)),
    ).toEqual([]);
  });

  it('list every auth mode a provider accepts', () => {
    expect(authModesOf(byId('github'))).toEqual(['oauth2', 'api_key', 'app_jwt']);
    expect(authModesOf(byId('slack'))).toEqual(['oauth2']);
  });
});
