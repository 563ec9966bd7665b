import { describe, expect, it } from 'vitest';
import { PROVIDER_ACTIONS } from '../../src/connectors/actions.js';
import { BUILT_IN_MANIFESTS, ProviderCatalog } from '../../src/connectors/catalog.js';
import { listActions } from '../../src/proxy/actions/index.js';

/** The action registry against the manifests: every declared action is one its provider can run. */
describe('connector actions', () => {
  const catalog = new ProviderCatalog();

  it('registers actions only under built-in implementations, each id prefixed by its implementation', () => {
    for (const [implementation, actions] of Object.entries(PROVIDER_ACTIONS)) {
      expect(catalog.get(implementation), implementation).toBeDefined();
      const ids = actions.map((action) => action.id);
      expect(new Set(ids).size, implementation).toBe(ids.length);
      for (const id of ids) expect(id, implementation).toMatch(new RegExp(`^${implementation}\\.[a-z_]+$`));
    }
  });

  it('declares capabilities.actions exactly where the registry has actions', () => {
    for (const manifest of BUILT_IN_MANIFESTS) {
      const has = (PROVIDER_ACTIONS[manifest.implementation] ?? []).length > 0;
      expect(manifest.capabilities.actions, manifest.id).toBe(has);
    }
  });

  it('uses only internal scopes the manifest maps, documents when to use it, and names distinct error codes', () => {
    for (const [implementation, actions] of Object.entries(PROVIDER_ACTIONS)) {
      const internal = catalog.require(implementation).scopePolicy.internal;
      for (const action of actions) {
        expect(action.scopes.length, action.id).toBeGreaterThan(0);
        for (const scope of action.scopes) expect(Object.keys(internal), action.id).toContain(scope);
        expect(action.description.length, action.id).toBeGreaterThan(40);
        const codes = action.errors.map((error) => error.code);
        expect(new Set(codes).size, action.id).toBe(codes.length);
        expect(action.hints.readOnly && action.hints.destructive, action.id).toBe(false);
      }
    }
  });

  it('publishes object JSON Schemas with the required fields of each input', () => {
    const entries = listActions(catalog);
    expect(entries.map((entry) => entry.id)).toEqual(
      expect.arrayContaining([
        'github.create_issue',
        'github.comment_on_issue',
        'slack.post_message',
        'jira.transition_issue',
        'gmail.send_message',
        'quickbooks.create_invoice',
        'todoist.close_task',
      ]),
    );
    const createIssue = entries.find((entry) => entry.id === 'github.create_issue')!;
    expect(createIssue.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['repository', 'title'],
      properties: { labels: { type: 'array', items: { type: 'string' } } },
    });
    expect(createIssue.outputSchema).toMatchObject({ type: 'object', required: ['id', 'number', 'url'] });
    expect(createIssue.providerScopes).toEqual(['public_repo']);
    for (const entry of entries) {
      expect(entry.inputSchema['type'], entry.id).toBe('object');
      expect(entry.outputSchema['type'], entry.id).toBe('object');
    }
  });

  it('lists an extension under its own id with its base’s actions, and nothing for an unknown provider', () => {
    const extended = new ProviderCatalog([
      { ...catalog.require('slack'), id: 'slack-eu', extends: 'slack', implementation: 'slack' },
    ]);
    expect(listActions(extended, 'slack-eu').map((entry) => [entry.provider, entry.id])).toEqual([
      ['slack-eu', 'slack.post_message'],
    ]);
    expect(listActions(extended, 'nope')).toEqual([]);
  });
});
