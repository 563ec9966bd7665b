import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadProvidersFile, ProviderCatalog, ProvidersFileError } from '../../src/connectors/catalog.js';
import { manifestSchema } from '../../src/connectors/sdk/manifest.js';
import { NotFoundError } from '../../src/shared/errors.js';

/** The smallest custom provider issue 4 allows: a loopback OIDC server, as its e2e test declares. */
const acme = {
  id: 'acme-tasks',
  displayName: 'Acme Tasks',
  categories: ['productivity'],
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'http://127.0.0.1:4555/auth',
    tokenUrl: 'http://127.0.0.1:4555/token',
    revocationUrl: 'http://127.0.0.1:4555/token/revocation',
  },
  scopes: [
    { id: 'tasks:read', description: 'Read tasks' },
    { id: 'tasks:admin', description: 'Everything' },
  ],
  api: { baseUrl: 'http://127.0.0.1:4555/api' },
};

const second = { ...acme, id: 'acme-crm', displayName: 'Acme CRM', categories: ['crm'] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-providers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function failure(file: string): Promise<ProvidersFileError> {
  const error = await loadProvidersFile(file).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProvidersFileError);
  return error as ProvidersFileError;
}

describe('providers file', () => {
  it('loads JSON and fills the safe defaults', async () => {
    const [manifest] = await loadProvidersFile(
      await write('providers.json', JSON.stringify({ providers: [acme] })),
    );
    expect(manifest).toMatchObject({
      id: 'acme-tasks',
      auth: {
        pkce: true,
        scopeSeparator: ' ',
        clientAuth: 'client_secret_basic',
        tokenResponse: { accessTokenPath: 'access_token' },
      },
      scopePolicy: { internal: {}, overBroad: {}, alwaysRequest: [] },
      api: { pagination: { style: 'none' } },
      capabilities: { webhooks: false, sync: false, actions: false },
    });
    // The shorthand revocationUrl becomes the one place revocation is read from.
    expect(manifest?.auth.revocation).toMatchObject({
      kind: 'rfc7009',
      url: 'http://127.0.0.1:4555/token/revocation',
    });
    // A loaded manifest is valid input again, so the catalog can re-validate it.
    expect(manifestSchema.parse(manifest)).toEqual(manifest);
  });

  it('accepts a data-only webhook scheme and checks its signed-payload template', async () => {
    const webhooks = {
      scheme: 'hmac_sha256',
      signature: { header: 'X-Acme-Signature', encoding: 'base64', signedPayload: '{timestamp}.{body}' },
      timestamp: { header: 'X-Acme-Timestamp' },
      routing: { paths: ['account.id'], idKind: 'account' },
    };
    const file = await write('hooks.yaml', stringify({ providers: [{ ...acme, webhooks }] }));
    const [manifest] = await loadProvidersFile(file);
    expect(manifest?.capabilities.webhooks).toBe(true);
    expect(manifest?.webhooks).toMatchObject({
      secret: { perConnection: true },
      timestamp: { toleranceSeconds: 300 },
    });

    const bad = { ...webhooks, signature: { ...webhooks.signature, signedPayload: '{nonce}' } };
    const file2 = await write('bad-hooks.yaml', stringify({ providers: [{ ...acme, webhooks: bad }] }));
    expect((await failure(file2)).problems).toEqual([
      { path: 'providers[0].webhooks.signature.signedPayload', message: 'must include {body}' },
      {
        path: 'providers[0].webhooks.signature.signedPayload',
        message: 'may only use {body}, {timestamp}, {method}, {url}',
      },
    ]);
  });

  it('checks that an account verification fills its placeholders from the callback or the token response', async () => {
    const auth = { ...acme.auth, callbackParams: ['realmId'] };
    const api = { baseUrl: 'http://127.0.0.1:4555/v3/company/{realmId}' };
    const good = { ...acme, auth: { ...auth, accountVerification: { path: '/companyinfo/{realmId}' } }, api };
    const [manifest] = await loadProvidersFile(
      await write('verify.json', JSON.stringify({ providers: [good] })),
    );
    expect(manifest?.auth.accountVerification).toEqual({
      method: 'GET',
      path: '/companyinfo/{realmId}',
      expectedStatus: 200,
      headers: {},
    });
    const typo = { ...good, auth: { ...auth, accountVerification: { path: '/companyinfo/{realmID}' } } };
    const file = await write('verify-typo.json', JSON.stringify({ providers: [typo] }));
    expect((await failure(file)).problems).toEqual([
      {
        path: 'providers[0].auth.accountVerification.path',
        message: '{realmID} is neither a callbackParam nor an accountField',
      },
    ]);
  });

  it('loads YAML to the same manifests, by extension or by sniffing the content', async () => {
    const fromJson = await loadProvidersFile(
      await write('both.json', JSON.stringify({ providers: [acme, second] })),
    );
    const yaml = stringify({ providers: [acme, second] });
    expect(await loadProvidersFile(await write('both.yaml', yaml))).toEqual(fromJson);
    expect(await loadProvidersFile(await write('both.yml', yaml))).toEqual(fromJson);
    expect(await loadProvidersFile(await write('both-yaml', yaml))).toEqual(fromJson);
    expect(
      await loadProvidersFile(await write('both-json', JSON.stringify({ providers: [acme, second] }))),
    ).toEqual(fromJson);
  });

  it('names the file and the exact bad path', async () => {
    const broken = { ...second, auth: { ...second.auth, tokenUrl: 'not a url' } };
    const file = await write('bad-url.json', JSON.stringify({ providers: [acme, broken] }));
    const error = await failure(file);
    expect(error.code).toBe('PROVIDERS_FILE_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toContain('providers[1].auth.tokenUrl: Invalid URL');
    expect(error.problems).toEqual([{ path: 'providers[1].auth.tokenUrl', message: 'Invalid URL' }]);
  });

  it('reports every problem at once, unknown keys included', async () => {
    const { displayName: _dropped, ...withoutName } = acme;
    const typo = { ...second, auth: { ...second.auth, pkec: false }, scopes: [{ id: 'x' }] };
    const file = await write(
      'many.yaml',
      stringify({ providers: [withoutName, typo, { ...acme, id: 'github' }] }),
    );
    const paths = (await failure(file)).problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'providers[0].displayName',
        'providers[1].auth',
        'providers[1].scopes[0].description',
        'providers[2].id',
      ]),
    );
    const unknownKey = (await failure(file)).problems.find((problem) => problem.path === 'providers[1].auth');
    expect(unknownKey?.message).toContain('pkec');
  });

  it('refuses a custom id that collides with a built-in provider or repeats in the file', async () => {
    const file = await write(
      'collide.json',
      JSON.stringify({ providers: [{ ...acme, id: 'github' }, second, second] }),
    );
    expect((await failure(file)).problems).toEqual([
      { path: 'providers[0].id', message: '"github" is a built-in provider; choose another id' },
      { path: 'providers[2].id', message: '"acme-crm" is already used by providers[1]' },
    ]);
  });

  it('checks the same cross-field rules as built-in manifests', async () => {
    const bad = {
      ...acme,
      auth: { mode: 'oauth2', tokenUrl: 'https://acme.test/token' },
      scopePolicy: {
        internal: { 'tasks.read': ['tasks:write'] },
        overBroad: { 'tasks:admin': { suggest: ['tasks:all'], reason: 'everything' } },
      },
    };
    const problems = (await failure(await write('rules.json', JSON.stringify({ providers: [bad] }))))
      .problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'providers[0].auth.authorizationUrl', message: 'is required when auth.mode is oauth2' },
        {
          path: 'providers[0].scopePolicy.internal["tasks.read"][0]',
          message: '"tasks:write" is not in the scope catalog',
        },
        {
          path: 'providers[0].scopePolicy.overBroad["tasks:admin"].suggest[0]',
          message: '"tasks:all" is not in the scope catalog',
        },
      ]),
    );
  });

  it('wants an issuer to compare iss with when the provider declares it always sends one (RFC 9207)', async () => {
    const declared = {
      ...acme,
      auth: { ...acme.auth, issuer: 'http://127.0.0.1:4555', issParameterSupported: true },
    };
    expect(manifestSchema.parse(declared).auth).toMatchObject({
      issuer: 'http://127.0.0.1:4555',
      issParameterSupported: true,
    });
    expect(manifestSchema.parse(acme).auth.issParameterSupported).toBe(false);
    const bad = { ...acme, auth: { ...acme.auth, issParameterSupported: true } };
    const problems = (await failure(await write('iss.json', JSON.stringify({ providers: [bad] })))).problems;
    expect(problems).toEqual([
      { path: 'providers[0].auth.issuer', message: 'is required when auth.issParameterSupported is true' },
    ]);
  });

  it('explains a file that is not valid YAML, not an object, or not there', async () => {
    expect((await failure(await write('syntax.yaml', 'providers: [\n  - id: x\n'))).message).toMatch(
      /is not valid YAML/,
    );
    expect((await failure(await write('syntax.json', '{"providers": ['))).message).toMatch(
      /is not valid JSON/,
    );
    expect((await failure(await write('list.json', '[]'))).problems[0]?.path).toBe('(root)');
    expect((await failure(path.join(dir, 'missing.json'))).message).toMatch(/cannot be read/);
  });
});

describe('ProviderCatalog', () => {
  it('lists built-ins first, then custom providers, and finds each by id', async () => {
    const file = await write('catalog.json', JSON.stringify({ providers: [acme] }));
    const catalog = await ProviderCatalog.load(file);
    const ids = catalog.list().map((manifest) => manifest.id);
    expect(ids[0]).toBe('github');
    expect(ids.at(-1)).toBe('acme-tasks');
    expect(catalog.get('acme-tasks')?.displayName).toBe('Acme Tasks');
    expect(catalog.get('slack')?.displayName).toBe('Slack');
    expect(catalog.isBuiltIn('slack')).toBe(true);
    expect(catalog.isBuiltIn('acme-tasks')).toBe(false);
    expect(catalog.get('nope')).toBeUndefined();
  });

  it('answers PROVIDER_NOT_SUPPORTED for an unknown provider', () => {
    const error = (() => {
      try {
        new ProviderCatalog().require('nope');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_SUPPORTED', status: 404 });
  });

  it('serves only the built-ins when no providers file is configured', async () => {
    expect((await ProviderCatalog.load()).list()).toHaveLength(new ProviderCatalog().list().length);
  });
});
