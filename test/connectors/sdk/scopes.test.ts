import { describe, expect, it } from 'vitest';
import { ProviderCatalog } from '../../../src/connectors/catalog.js';
import { joinScopes, resolveScopes } from '../../../src/connectors/sdk/scopes.js';
import { BadUserInputError } from '../../../src/shared/errors.js';

const catalog = new ProviderCatalog();
const provider = (id: string) => catalog.require(id);

function refusal(run: () => unknown): BadUserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error('expected a BadUserInputError');
}

describe('resolveScopes', () => {
  it('maps internal scopes to provider scopes through the manifest', () => {
    expect(resolveScopes(provider('github'), ['issues.read', 'user.email']).providerScopes).toEqual([
      'public_repo',
      'user:email',
    ]);
    expect(resolveScopes(provider('google-calendar'), ['calendar.read']).providerScopes).toEqual([
      'https://www.googleapis.com/auth/calendar.readonly',
    ]);
  });

  it('passes catalog scopes through, de-duplicates, and puts always-requested scopes first', () => {
    const { providerScopes } = resolveScopes(provider('jira'), [
      'issues.read',
      'read:jira-work',
      'issues.write',
    ]);
    expect(providerScopes).toEqual(['offline_access', 'read:jira-work', 'write:jira-work']);
  });

  it('groups scopes by authorization parameter (Slack user scopes go in user_scope)', () => {
    const resolved = resolveScopes(provider('slack'), ['messages.write', 'search:read']);
    expect(resolved.byParam).toEqual({ scope: ['chat:write'], user_scope: ['search:read'] });
  });

  it('refuses scopes outside the catalog, listing every unknown one', () => {
    const error = refusal(() =>
      resolveScopes(provider('github'), ['issues.read', 'repo:everything', 'tickets.read']),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('repo:everything, tickets.read');
    expect(error.detail).toEqual({ provider: 'github', unknown: ['repo:everything', 'tickets.read'] });
  });

  it('refuses over-broad scopes and names the narrower ones to ask for', () => {
    const github = refusal(() => resolveScopes(provider('github'), ['repo']));
    expect(github.message).toContain('"repo" is over-broad');
    expect(github.message).toContain('Ask for public_repo instead');
    expect(github.detail).toEqual({ provider: 'github', overBroad: { repo: ['public_repo'] } });

    const gmail = refusal(() => resolveScopes(provider('gmail'), ['https://mail.google.com/']));
    expect(gmail.message).toContain('https://www.googleapis.com/auth/gmail.readonly');

    const slack = refusal(() => resolveScopes(provider('slack'), ['channels:read', 'admin']));
    expect(slack.message).toContain('"admin" is over-broad');
    expect(slack.message).toContain('team:read or users:read');
  });

  it('reports every over-broad scope in one refusal', () => {
    const error = refusal(() =>
      resolveScopes(provider('microsoft-365'), ['Mail.ReadWrite', 'Files.ReadWrite.All']),
    );
    expect(Object.keys(error.detail?.overBroad as object)).toEqual(['Mail.ReadWrite', 'Files.ReadWrite.All']);
  });
});

describe('joinScopes', () => {
  it("uses the manifest's separator", () => {
    expect(joinScopes(provider('slack'), ['chat:write', 'channels:read'])).toBe('chat:write,channels:read');
    expect(joinScopes(provider('todoist'), ['data:read', 'task:add'])).toBe('data:read,task:add');
    expect(joinScopes(provider('github'), ['read:user', 'user:email'])).toBe('read:user user:email');
  });
});
