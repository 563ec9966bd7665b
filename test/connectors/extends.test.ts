import { type ExecutionResult, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MANIFESTS, ProviderCatalog, ProvidersFileError } from '../../src/connectors/catalog.js';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { microsoft365Manifest } from '../../src/connectors/microsoft-365/manifest.js';
import { parseProvidersFile } from '../../src/connectors/providers-file.js';
import {
  declarationOf,
  defineManifest,
  manifestSchema,
  type ProviderManifest,
  type ProviderManifestInput,
} from '../../src/connectors/sdk/manifest.js';
import type { ManifestProblem } from '../../src/connectors/sdk/problems.js';
import { slackManifest } from '../../src/connectors/slack/manifest.js';
import { ProvidersDocument, type ProvidersQuery } from '../../src/generated/graphql.js';
import { schema } from '../../src/resolvers/index.js';

/** The entry issue 16 gives: a GitHub Enterprise Server instance. */
const gheAcme = {
  id: 'ghe-acme',
  extends: 'github',
  displayName: 'GitHub Enterprise (Acme)',
  api: { baseUrl: 'https://ghe.acme.com/api/v3' },
  auth: {
    authorizationUrl: 'https://ghe.acme.com/login/oauth/authorize',
    tokenUrl: 'https://ghe.acme.com/login/oauth/access_token',
  },
};

/** Microsoft 365 in the US Government (GCC High) cloud: https://learn.microsoft.com/en-us/graph/deployments */
const m365Gov = {
  id: 'microsoft-365-gcc-high',
  extends: 'microsoft-365',
  displayName: 'Microsoft 365 (US Government L4)',
  auth: {
    authorizationUrl: 'https://login.microsoftonline.us/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.us/common/oauth2/v2.0/token',
  },
  api: { baseUrl: 'https://graph.microsoft.us/v1.0' },
};

function load(providers: unknown[], builtIns?: readonly ProviderManifest[]): ProviderManifest[] {
  return parseProvidersFile('providers.json', JSON.stringify({ providers }), builtIns ? { builtIns } : {});
}

function problems(providers: unknown[], builtIns?: readonly ProviderManifest[]): ManifestProblem[] {
  try {
    load(providers, builtIns);
  } catch (error) {
    expect(error).toBeInstanceOf(ProvidersFileError);
    return (error as ProvidersFileError).problems;
  }
  throw new Error('the file loaded');
}

/** A built-in GitHub that declares an issues sync, whatever the real one declares today. */
const issuesSync: NonNullable<ProviderManifestInput['syncs']>[number] = {
  resource: 'issues',
  model: 'Ticket',
  description: 'Issues and pull requests of the chosen repositories.',
  defaultFrequency: '15m',
  cursor: 'updated_since',
  deletes: 'none',
  scopes: ['issues.read'],
};
const githubWithSyncs = defineManifest({ ...declarationOf(githubManifest), syncs: [issuesSync] });
const withSyncs = [githubWithSyncs, slackManifest];

describe('custom providers that extend a built-in', () => {
  it('inherit everything they do not override, objects merged key by key, code by implementation', () => {
    const githubBefore = structuredClone(githubManifest);
    const [ghe, gov] = load([gheAcme, m365Gov]);
    expect(ghe).toEqual({
      ...githubManifest,
      id: 'ghe-acme',
      extends: 'github',
      implementation: 'github',
      displayName: 'GitHub Enterprise (Acme)',
      api: { ...githubManifest.api, baseUrl: 'https://ghe.acme.com/api/v3' },
      auth: {
        ...githubManifest.auth,
        authorizationUrl: 'https://ghe.acme.com/login/oauth/authorize',
        tokenUrl: 'https://ghe.acme.com/login/oauth/access_token',
      },
    });
    // Syncs, webhook verification and scopes are GitHub's, so capabilities are too.
    expect(ghe?.webhooks).toEqual(githubManifest.webhooks);
    expect(ghe?.syncs).toEqual(githubManifest.syncs);
    expect(ghe?.capabilities).toEqual(githubManifest.capabilities);

    expect(gov).toMatchObject({
      implementation: 'microsoft-365',
      api: { baseUrl: 'https://graph.microsoft.us/v1.0', rateLimit: microsoft365Manifest.api.rateLimit },
      auth: { tokenUrl: 'https://login.microsoftonline.us/common/oauth2/v2.0/token' },
      webhooks: microsoft365Manifest.webhooks,
      scopePolicy: microsoft365Manifest.scopePolicy,
    });

    // The base is untouched, and a loaded extension is valid input again.
    expect(githubManifest).toEqual(githubBefore);
    expect(manifestSchema.parse(ghe)).toEqual(ghe);
  });

  it('replace arrays whole, remove what null names, and re-derive what follows from the change', () => {
    const [ghe] = load([
      {
        ...gheAcme,
        categories: ['developer-tools'],
        api: { ...gheAcme.api, headers: { 'X-GitHub-Api-Version': null } },
        auth: {
          ...gheAcme.auth,
          revocation: { url: 'https://ghe.acme.com/api/v3/applications/{clientId}/grant' },
          alternatives: [],
        },
        webhooks: null,
      },
    ]);
    expect(ghe?.categories).toEqual(['developer-tools']);
    expect(ghe?.auth.alternatives).toEqual([]);
    expect(ghe?.api.headers).toEqual({ Accept: 'application/vnd.github+json' });
    expect(ghe?.auth.revocation).toEqual({
      ...githubManifest.auth.revocation,
      url: 'https://ghe.acme.com/api/v3/applications/{clientId}/grant',
    });
    // Patched onto GitHub's declaration, not its parsed manifest: no webhooks, so the capability goes.
    expect(ghe?.webhooks).toBeUndefined();
    expect(ghe?.capabilities.webhooks).toBe(false);
  });

  it('report every problem at its exact path, and leave good entries alone', () => {
    const { id: _id, ...withoutId } = gheAcme;
    const found = problems([
      { ...gheAcme, extends: 'gitlab' },
      { ...gheAcme, id: 'ghe-b', extends: 'ghe-acme-2' },
      { ...gheAcme, id: 'ghe-acme-2' },
      { ...gheAcme, id: 'github' },
      withoutId,
      { ...gheAcme, id: 'ghe-c', api: { baseUrl: 'not a url' } },
      { ...gheAcme, id: 'ghe-d', scopes: [{ id: 'repo', description: 'Everything' }] },
      { ...gheAcme, id: 'ghe-e', implementation: 'slack' },
      { ...gheAcme, id: 'ghe-f', autth: {} },
      { ...gheAcme, id: 'ghe-g', extends: 7 },
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'providers[0].extends', message: '"gitlab" is not a built-in provider' },
        {
          path: 'providers[1].extends',
          message: '"ghe-acme-2" is a custom provider; only built-in providers can be extended',
        },
        { path: 'providers[3].extends', message: 'names the provider itself' },
        { path: 'providers[3].id', message: '"github" is a built-in provider; choose another id' },
        { path: 'providers[4].id', message: expect.stringContaining('expected string') },
        { path: 'providers[5].api.baseUrl', message: 'Invalid URL' },
        // Scopes replaced whole: GitHub's inherited scope policy now names scopes that are gone.
        {
          path: 'providers[6].scopePolicy.internal["issues.read"][0]',
          message: '"public_repo" is not in the scope catalog',
        },
        {
          path: 'providers[7].implementation',
          message: 'is derived from extends (or id), so it can only be "github"; leave it out',
        },
        { path: 'providers[8]', message: expect.stringContaining('autth') },
        { path: 'providers[9].extends', message: 'must be the id of a built-in provider' },
      ]),
    );
    const indexes = new Set(found.map((problem) => Number(/^providers\[(\d+)\]/.exec(problem.path)?.[1])));
    expect([...indexes].sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('run only the syncs their base has code for, as that code expects them', () => {
    const [inherits, retuned, none] = load(
      [
        gheAcme,
        { ...gheAcme, id: 'ghe-b', syncs: [{ ...issuesSync, defaultFrequency: '1h' }] },
        { ...gheAcme, id: 'ghe-c', syncs: [] },
      ],
      withSyncs,
    );
    expect(inherits?.syncs).toEqual(githubWithSyncs.syncs);
    expect(inherits?.capabilities.sync).toBe(true);
    expect(retuned?.syncs[0]?.defaultFrequency).toBe('1h');
    expect(none?.capabilities.sync).toBe(false);

    expect(
      problems(
        [
          { ...gheAcme, syncs: [{ ...issuesSync, resource: 'wikis' }] },
          { ...gheAcme, id: 'ghe-b', syncs: [{ ...issuesSync, model: 'Message', cursor: 'etag' }] },
          {
            ...declarationOf(slackManifest),
            id: 'slack-copy',
            scopePolicy: { internal: { 'issues.read': ['channels:read'] } },
            syncs: [issuesSync],
          },
        ],
        withSyncs,
      ),
    ).toEqual([
      { path: 'providers[0].syncs[0].resource', message: '"wikis" is not a resource github syncs' },
      {
        path: 'providers[1].syncs[0].model',
        message: `must stay "Ticket": github's issues sync relies on it`,
      },
      {
        path: 'providers[1].syncs[0].cursor',
        message: `must stay "updated_since": github's issues sync relies on it`,
      },
      {
        path: 'providers[2].syncs',
        message: 'a custom provider has no sync code; extend a built-in provider to run its syncs',
      },
    ]);
  });

  it('are listed by the GraphQL catalog with what they extend and the sync capability of their base', async () => {
    const custom = load([gheAcme], withSyncs);
    const catalog = new ProviderCatalog(custom, withSyncs);
    const result = await execute({
      schema,
      document: parse(
        '{ providers { id builtIn extends capabilities { sync webhooks } } provider(id: "ghe-acme") { id extends } }',
      ),
      contextValue: { catalog, principal: null },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      providers: [
        { id: 'github', builtIn: true, extends: null, capabilities: { sync: true, webhooks: true } },
        { id: 'slack', builtIn: true, extends: null, capabilities: { sync: true, webhooks: true } },
        { id: 'ghe-acme', builtIn: false, extends: 'github', capabilities: { sync: true, webhooks: true } },
      ],
      provider: { id: 'ghe-acme', extends: 'github' },
    });
    // The operation Core uses asks for it too.
    const typed = (await execute({
      schema,
      document: ProvidersDocument,
      contextValue: { catalog, principal: null },
    })) as ExecutionResult<ProvidersQuery>;
    expect(typed.data?.providers.at(-1)?.extends).toBe('github');
  });

  it('need their base in the catalog', () => {
    const [ghe] = load([gheAcme]);
    expect(() => new ProviderCatalog([ghe!], BUILT_IN_MANIFESTS)).not.toThrow();
    expect(() => new ProviderCatalog([ghe!], [slackManifest])).toThrow(
      /extends "github", which is not built in/,
    );
  });
});
