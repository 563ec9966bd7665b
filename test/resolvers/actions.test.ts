import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsStream } from '../../src/events/provider-call.js';
import { ActionsDocument, InvokeActionDocument, ProviderDocument } from '../../src/generated/graphql.js';
import { type ActionWorld, startActionWorld } from '../support/action-world.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { type SlackApiFake, startSlackApiFake } from '../support/fakes/slack-api.js';
import { holdAppends } from '../support/held-appends.js';
import { asOperator, bearer, codes } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

/** The action catalog and invokeAction over GraphQL (and GET /catalog) on a real hub. */
let world: ActionWorld;
let github: GithubApiFake;
let slack: SlackApiFake;
let idp: OidcProviderHarness;

beforeAll(async () => {
  [github, slack, idp] = await Promise.all([startGithubApiFake(), startSlackApiFake(), startOidcProvider()]);
  github.addRepository('octo-org/graphql');
  world = await startActionWorld(
    [
      { base: 'github', baseUrl: github.origin, token: github.token },
      { base: 'slack', baseUrl: slack.url, token: slack.token },
    ],
    { env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience } },
  );
}, 120_000);

afterAll(async () => {
  await world?.close();
  await Promise.all([github?.close(), slack?.close(), idp?.close()]);
});

const createIssue = (title: string, extra: Record<string, unknown> = {}) => ({
  input: {
    connectionId: world.connections['github']!,
    action: 'github.create_issue',
    input: { repository: 'octo-org/graphql', title },
    ...extra,
  },
});

describe('actions over GraphQL', () => {
  it('serves the catalog publicly, with JSON Schemas, and GET /catalog serves the same', async () => {
    const all = await world.hub.request(ActionsDocument, {});
    expect(all.errors).toBeUndefined();
    const ids = all.data!.actions.map((action) => `${action.provider}:${action.id}`);
    expect(ids).toEqual(
      expect.arrayContaining(['github:github.create_issue', 'github-local:github.create_issue']),
    );

    const local = await world.hub.request(ActionsDocument, { provider: 'slack-local' });
    expect(local.data!.actions).toHaveLength(1);
    const postMessage = local.data!.actions[0]!;
    expect(postMessage).toMatchObject({
      id: 'slack.post_message',
      name: 'post_message',
      scopes: ['messages.write'],
      providerScopes: ['chat:write'],
      hints: { readOnly: false, destructive: false, idempotent: false },
      providerIdempotency: false,
    });
    expect(postMessage.inputSchema).toMatchObject({ type: 'object', required: ['channel', 'text'] });
    expect(postMessage.errors.map((error) => error.code)).toContain('NOT_IN_CHANNEL');

    const rest = await fetch(`${world.hub.url}/catalog?provider=slack-local`);
    expect(rest.status).toBe(200);
    expect(rest.headers.get('content-type')).toContain('application/json');
    expect(await rest.json()).toEqual({ actions: local.data!.actions });

    const provider = await world.hub.request(ProviderDocument, { id: 'github' });
    expect(provider.errors).toBeUndefined();
  });

  it('invokes an action for the tenant and answers output, provider status and rate limit', async () => {
    const result = await world.hub.request(
      InvokeActionDocument,
      createIssue('Over GraphQL'),
      asOperator(world.tenantId),
    );
    expect(result.errors).toBeUndefined();
    const created = github.items('octo-org/graphql').find((item) => item.title === 'Over GraphQL')!;
    expect(result.data!.invokeAction).toMatchObject({
      action: 'github.create_issue',
      version: 1,
      output: { id: created.id, number: created.number },
      providerStatus: 201,
      replayed: false,
    });
    expect(result.data!.invokeAction.rateLimit.remaining).toBeGreaterThan(0);
    expect(Date.parse(String(result.data!.invokeAction.rateLimit.resetAt))).toBeGreaterThan(Date.now());
    expect(JSON.stringify(result)).not.toContain(github.token);
  });

  it('answers only once the provider call is on the log: a held calls-stream append holds the answer', async () => {
    const store = world.hub.runtime.eventStore;
    const { held, release, restore } = holdAppends(store, 'calls-');
    let answered = false;
    try {
      const pending = world.hub
        .request(InvokeActionDocument, createIssue('Recorded first'), asOperator(world.tenantId))
        .then((result) => {
          answered = true;
          return result;
        });
      const deadline = Date.now() + 5_000;
      while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const stream = callsStream(world.tenantId, world.connections['github']!);
      expect(held).toEqual([stream]);
      // GitHub has the issue; the hub holds the answer until the record is appended.
      expect(github.items('octo-org/graphql').some((item) => item.title === 'Recorded first')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      release();
      expect((await pending).errors).toBeUndefined();
      // Appended before the answer; readable once no earlier append is in flight (the SQL store
      // exposes positions below the oldest open transaction), hence the short wait.
      let records: unknown[] = [];
      for (const until = Date.now() + 5_000; records.length === 0 && Date.now() < until; ) {
        records = [];
        for await (const event of store.readStream(stream)) records.push(event.data);
        if (records.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(records).toContainEqual(
        expect.objectContaining({
          kind: 'action',
          actionId: 'github.create_issue',
          method: 'POST',
          status: 201,
        }),
      );
      expect(JSON.stringify(records)).not.toContain(github.token);
    } finally {
      restore();
    }
  });

  it('answers typed errors: BAD_USER_INPUT with the path, CONNECTION_NOT_FOUND across tenants, ACTION_FAILED with the reason', async () => {
    const before = github.calls.total;
    const bad = await world.hub.request(
      InvokeActionDocument,
      { input: { ...createIssue('x').input, input: { repository: 'octo-org/graphql' } } },
      asOperator(world.tenantId),
    );
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('input.title');

    const elsewhere = await world.hub.request(
      InvokeActionDocument,
      createIssue('Not yours'),
      asOperator(world.otherTenantId),
    );
    expect(codes(elsewhere)).toEqual(['CONNECTION_NOT_FOUND']);
    expect(github.calls.total).toBe(before);

    const channel = slack.addChannel({ is_member: false });
    const refused = await world.hub.request(
      InvokeActionDocument,
      {
        input: {
          connectionId: world.connections['slack']!,
          action: 'slack.post_message',
          input: { channel: channel.id, text: 'hello' },
        },
      },
      asOperator(world.tenantId),
    );
    expect(codes(refused)).toEqual(['ACTION_FAILED']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      reason: 'NOT_IN_CHANNEL',
      providerError: 'not_in_channel',
    });
  });

  it('needs proxy:invoke: a JWT with only connections:read is FORBIDDEN, one with proxy:invoke may', async () => {
    const reader = await idp.tokenFor({ scopes: ['tenants:all', 'connections:read'] });
    const forbidden = await world.hub.request(
      InvokeActionDocument,
      createIssue('Reader'),
      bearer(reader, world.tenantId),
    );
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);

    const invoker = await idp.tokenFor({ scopes: ['tenants:all', 'proxy:invoke'] });
    const allowed = await world.hub.request(
      InvokeActionDocument,
      createIssue('Invoker', { idempotencyKey: 'graphql-key-1' }),
      bearer(invoker, world.tenantId),
    );
    expect(allowed.errors).toBeUndefined();
    const replayed = await world.hub.request(
      InvokeActionDocument,
      createIssue('Invoker', { idempotencyKey: 'graphql-key-1' }),
      bearer(invoker, world.tenantId),
    );
    expect(replayed.data?.invokeAction).toEqual({ ...allowed.data!.invokeAction, replayed: true });
    expect(github.items('octo-org/graphql').filter((item) => item.title === 'Invoker')).toHaveLength(1);

    const anonymous = await world.hub.request(InvokeActionDocument, createIssue('Nobody'), {
      'x-tenant-id': world.tenantId,
    });
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
