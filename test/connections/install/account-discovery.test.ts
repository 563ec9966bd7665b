import type { AccessibleResource } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAccount, discoverAccount } from '../../../src/connections/install/account-discovery.js';
import { jiraManifest } from '../../../src/connectors/jira/manifest.js';
import { defineManifest, manifestSchema } from '../../../src/connectors/sdk/manifest.js';
import { accountDiscoverySchema } from '../../../src/connectors/sdk/schema/account-discovery.js';
import type { ProviderAccount } from '../../../src/oauth/index.js';
import { json, type ProviderFixture, startProviderFixture } from '../../support/provider-fixture.js';

const site = (id: string, scopes: string[], url = `https://${id}.atlassian.net`): AccessibleResource => ({
  id,
  name: `Site ${id}`,
  url,
  scopes,
  avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png',
});
const jiraDiscovery = jiraManifest.auth.accountDiscovery!;
const noAccount: ProviderAccount = { id: null, idSource: null, name: null, fields: {} };

describe('choosing the account among those a discovery lists', () => {
  it('takes the site holding the most granted scopes, the first listed on a tie', () => {
    const granted = ['read:jira-work', 'read:jira-user', 'offline_access'];
    const body = [
      site('wiki', ['read:confluence-content.all']),
      site('one', ['read:jira-work']),
      site('both', ['read:jira-user', 'read:jira-work', 'write:jira-work']),
      site('twin', ['read:jira-work', 'read:jira-user']),
    ];
    expect(chooseAccount(jiraDiscovery, body, granted)).toEqual({
      cloudId: 'both',
      siteUrl: 'https://both.atlassian.net',
      siteName: 'Site both',
    });
    // No listed site holds a granted scope: the first one.
    expect(chooseAccount(jiraDiscovery, body, ['offline_access'])?.cloudId).toBe('wiki');
  });

  it('passes over entries without the id field and finds none in an empty or foreign answer', () => {
    const withoutId = { name: 'Nameless', url: 'https://x.atlassian.net', scopes: ['read:jira-work'] };
    expect(chooseAccount(jiraDiscovery, [withoutId, site('real', [])], ['read:jira-work'])?.cloudId).toBe(
      'real',
    );
    expect(chooseAccount(jiraDiscovery, [], ['read:jira-work'])).toBeNull();
    expect(chooseAccount(jiraDiscovery, { error: 'nope' }, ['read:jira-work'])).toBeNull();
  });

  it('reads one account when the answer is the account itself (no accountsPath)', () => {
    const metadata = accountDiscoverySchema.parse({
      url: 'https://login.example.com/oauth2/metadata',
      fields: { dc: 'dc', apiEndpoint: 'api_endpoint', accountName: 'accountname' },
      idField: 'dc',
      nameField: 'accountName',
    });
    const body = {
      dc: 'us6',
      api_endpoint: 'https://us6.api.example.com',
      accountname: 'Acme',
      role: 'owner',
    };
    expect(chooseAccount(metadata, body, [])).toEqual({
      dc: 'us6',
      apiEndpoint: 'https://us6.api.example.com',
      accountName: 'Acme',
    });
  });
});

describe('the account discovery declaration', () => {
  it('must name its id and name among its fields', () => {
    const result = accountDiscoverySchema.safeParse({
      url: 'https://api.example.com/me',
      fields: { cloudId: 'id' },
      idField: 'siteId',
      nameField: 'siteName',
    });
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['idField', '"siteId" is not one of fields'],
      ['nameField', '"siteName" is not one of fields'],
    ]);
  });

  it('belongs to authorization code providers only', () => {
    const result = manifestSchema.safeParse({
      id: 'keys-only',
      displayName: 'Keys only',
      categories: ['testing'],
      auth: {
        mode: 'api_key',
        accountDiscovery: { url: 'https://api.example.com/me', fields: { id: 'id' }, idField: 'id' },
      },
      scopes: [],
      api: { baseUrl: 'https://api.example.com' },
    });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['auth.accountDiscovery']);
  });
});

describe('discoverAccount against a loopback accessible-resources', () => {
  let fixture: ProviderFixture;
  let manifest: typeof jiraManifest;
  beforeAll(async () => {
    fixture = await startProviderFixture();
    manifest = defineManifest({
      ...jiraManifest,
      auth: {
        ...jiraManifest.auth,
        accountDiscovery: { ...jiraDiscovery, url: `${fixture.origin}/oauth/token/accessible-resources` },
      },
    });
  });
  afterAll(async () => fixture?.close());
  const tokens = { accessToken: 'new-access-token', scopes: ['read:jira-work'], account: noAccount };

  it('asks with the new token and makes the chosen site the account, its fields the values', async () => {
    fixture.reply((request) =>
      request.headers.authorization === 'Bearer new-access-token'
        ? json(200, [site('acme', ['read:jira-work'])])
        : json(401, { code: 401, message: 'Unauthorized' }),
    );
    expect(await discoverAccount(manifest, tokens, 5_000)).toEqual({
      ok: true,
      account: {
        id: 'acme',
        idSource: 'account_discovery',
        name: 'Site acme',
        fields: { cloudId: 'acme', siteUrl: 'https://acme.atlassian.net', siteName: 'Site acme' },
      },
    });
    expect(fixture.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/oauth/token/accessible-resources',
      headers: { accept: 'application/json' },
    });
    expect(await discoverAccount(manifest, { ...tokens, accessToken: 'other' }, 5_000)).toEqual({
      ok: false,
      detail: 'the account discovery answered HTTP 401',
    });
  });

  it('keeps what the token response said beside what it finds', async () => {
    fixture.reply(() => json(200, [site('acme', [])]));
    const account: ProviderAccount = {
      id: 'user-1',
      idSource: 'token_response',
      name: 'Alice',
      fields: { userId: 'user-1' },
    };
    const outcome = await discoverAccount(manifest, { ...tokens, account }, 5_000);
    expect(outcome.ok && outcome.account.fields).toEqual({
      userId: 'user-1',
      cloudId: 'acme',
      siteUrl: 'https://acme.atlassian.net',
      siteName: 'Site acme',
    });
  });

  it('follows no redirect and says so when the answer is not JSON or lists nothing', async () => {
    fixture.reply(() => ({
      status: 302,
      headers: { location: 'https://elsewhere.example/steal' },
      body: '',
    }));
    expect(await discoverAccount(manifest, tokens, 5_000)).toEqual({
      ok: false,
      detail: 'the account discovery answered HTTP 302',
    });
    fixture.reply(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>' }));
    expect(await discoverAccount(manifest, tokens, 5_000)).toEqual({
      ok: false,
      detail: 'the account discovery answered no JSON',
    });
    fixture.reply(() => json(200, []));
    expect(await discoverAccount(manifest, tokens, 5_000)).toEqual({
      ok: false,
      detail: 'the account discovery listed no account',
    });
  });

  it('leaves the token response account alone when the manifest declares no discovery', async () => {
    const { accountDiscovery: _none, ...auth } = manifest.auth;
    const plain = defineManifest({ ...manifest, auth });
    const before = fixture.requests.length;
    expect(await discoverAccount(plain, tokens, 5_000)).toEqual({ ok: true, account: noAccount });
    expect(fixture.requests.length).toBe(before);
  });
});
