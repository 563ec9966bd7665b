import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../src/commands/deps.js';
import type { ProviderHttp, ProviderRequest } from '../../../src/connectors/sdk/provider-http.js';
import { type ActionDeps, type ActionInvocation, invokeAction } from '../../../src/proxy/actions/index.js';
import { providerKey, withIdempotencyKey } from '../../../src/proxy/actions/provider-idempotency.js';
import { SwitchboardError } from '../../../src/shared/errors.js';
import { type ActionWorld, startActionWorld } from '../../support/action-world.js';
import { type GithubApiFake, startGithubApiFake } from '../../support/fakes/github-api.js';
import { dumpEverything } from '../../support/loopback-providers.js';

/**
 * invokeAction's own rules, the same for every action: tenant scoping, input validation before
 * any call, the grant's scopes, idempotency, and no token anywhere it answers or records.
 */
let world: ActionWorld;
let github: GithubApiFake;
const caller = systemCaller('test', randomUUID());
const REPO = 'octo-org/rules';
/** Everything the hub logged, at debug level. */
const logs: string[] = [];

beforeAll(async () => {
  github = await startGithubApiFake();
  github.addRepository(REPO);
  world = await startActionWorld([{ base: 'github', baseUrl: github.origin, token: github.token }], {
    env: { LOG_LEVEL: 'debug' },
    logDestination: { write: (line: string) => void logs.push(line) },
  });
}, 120_000);

afterAll(async () => {
  await world?.close();
  await github?.close();
});

const invoke = (
  invocation: Partial<ActionInvocation>,
  tenantId = world.tenantId,
  deps: Partial<ActionDeps> = {},
) =>
  invokeAction({ ...world.hub.runtime.actions, ...deps }, caller, tenantId, {
    connectionId: world.connections['github']!,
    action: 'github.create_issue',
    input: { repository: REPO, title: 'A title' },
    ...invocation,
  });

async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}

describe('invokeAction', () => {
  it("answers CONNECTION_NOT_FOUND for another tenant's connection, and calls nobody", async () => {
    const before = github.calls.total;
    const error = await failure(invoke({}, world.otherTenantId));
    expect(error.code).toBe('CONNECTION_NOT_FOUND');
    expect(github.calls.total).toBe(before);
  });

  it('answers ACTION_NOT_FOUND for an action the provider does not offer', async () => {
    const error = await failure(
      invoke({ action: 'slack.post_message', input: { channel: 'C1', text: 'x' } }),
    );
    expect(error.code).toBe('ACTION_NOT_FOUND');
  });

  it('refuses bad input with BAD_USER_INPUT naming the JSON path, before any call', async () => {
    const before = github.calls.total;
    const error = await failure(invoke({ input: { repository: REPO, title: 'ok', labels: ['bug', 7] } }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'input.labels[1]' });
    expect(error.message).toContain('input.labels[1]');

    const missing = await failure(invoke({ input: { repository: 'not a repository' } }));
    expect(missing.message).toContain('input.repository');
    expect(missing.message).toContain('input.title');
    expect(github.calls.total).toBe(before);
  });

  it('refuses an OAuth connection whose grant lacks the scopes, naming the provider scopes to add', async () => {
    const connectionId = await world.installOAuth({
      base: 'github',
      accessToken: github.token,
      scopes: ['read:user'],
    });
    const before = github.calls.total;
    const error = await failure(invoke({ connectionId }));
    expect(error.code).toBe('MISSING_SCOPES');
    expect(error.status).toBe(403);
    expect(error.extensions).toMatchObject({
      missingScopes: ['public_repo'],
      internalScopes: ['issues.write'],
    });
    expect(github.calls.total).toBe(before);

    // Granted, the same call goes through.
    const granted = await world.installOAuth({
      base: 'github',
      accessToken: github.token,
      scopes: ['public_repo', 'read:user'],
    });
    const result = await invoke({ connectionId: granted, input: { repository: REPO, title: 'Granted' } });
    expect(result.providerStatus).toBe(201);
  });

  it('dedupes a repeated idempotency key: one issue, the first result, CONFLICT for other input', async () => {
    const key = `key-${randomUUID()}`;
    const input = { repository: REPO, title: `Once ${key}` };
    const first = await invoke({ input, idempotencyKey: key });
    const second = await invoke({ input: { title: input.title, repository: REPO }, idempotencyKey: key });
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ ...first, replayed: true });
    expect(github.items(REPO).filter((item) => item.title === input.title)).toHaveLength(1);

    const other = await failure(invoke({ input: { repository: REPO, title: 'Else' }, idempotencyKey: key }));
    expect(other.code).toBe('CONFLICT');
    const malformed = await failure(invoke({ idempotencyKey: 'has a space' }));
    expect(malformed.code).toBe('BAD_USER_INPUT');
  });

  it('releases the key of a failed invocation so a retry can succeed', async () => {
    const key = `retry-${randomUUID()}`;
    github.failNext(10, 503);
    // The provider client's backoff between its retries, without the waiting.
    const noWaits = { http: { sleep: async () => {} } };
    const failed = await failure(invoke({ idempotencyKey: key }, world.tenantId, noWaits));
    expect(failed.code).toBe('PROVIDER_UNAVAILABLE');
    github.failNext(0);
    const retried = await invoke({ idempotencyKey: key });
    expect(retried.replayed).toBe(false);
    expect(retried.providerStatus).toBe(201);
  });

  it('leaves no token in results, errors, read models, the event log or the logs', async () => {
    const result = await invoke({ input: { repository: REPO, title: 'Secret check' } });
    const error = await failure(invoke({ input: { repository: 'octo-org/missing', title: 'x' } }));
    expect(error.extensions).toMatchObject({ reason: 'REPOSITORY_NOT_FOUND' });
    const dump = await dumpEverything(world.hub.databaseUrl, world.hub.runtime.eventStore);
    expect(logs.length).toBeGreaterThan(0);
    for (const text of [
      JSON.stringify(result),
      JSON.stringify(error),
      error.message,
      dump,
      logs.join('\n'),
    ]) {
      expect(text).not.toContain(github.token);
    }
  });
  it('maps a secondary rate limit to RATE_LIMITED with retryAt (last: the hold outlives the test)', async () => {
    github.secondaryRateLimit({ retryAfterSeconds: 120, status: 403 });
    const limited = await failure(invoke({ input: { repository: REPO, title: 'Limited' } }));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(Date.parse(String(limited.extensions?.['retryAt']))).toBeGreaterThan(Date.now() + 60_000);
    github.liftRateLimits();
  });
});

describe('provider idempotency keys', () => {
  it('go on writes only, in the header or query the action names, shortened to what the provider takes', async () => {
    const seen: unknown[] = [];
    // Records what the action's requests became; answers nothing in particular.
    const http: ProviderHttp = {
      request: async <Body>(request: ProviderRequest) => {
        seen.push(request);
        return { status: 200, headers: new Headers(), body: null as Body, url: 'http://x/' };
      },
      paginate: async function* () {},
    };
    const keyed = withIdempotencyKey(http, { query: 'requestid', maxLength: 50 }, 'k'.repeat(80));
    await keyed.request({ path: '/read' });
    await keyed.request({ method: 'POST', path: '/invoice', query: { minorversion: '75' } });
    expect(seen[0]).toEqual({ path: '/read' });
    expect(seen[1]).toEqual({
      method: 'POST',
      path: '/invoice',
      query: { minorversion: '75', requestid: providerKey('k'.repeat(80), 50) },
    });
    expect(providerKey('k'.repeat(80), 50)).toHaveLength(43);
    expect(providerKey('short', 50)).toBe('short');
    const headed = withIdempotencyKey(http, { header: 'X-Request-Id' }, 'abc');
    await headed.request({ method: 'POST', path: '/close' });
    expect(seen[2]).toEqual({ method: 'POST', path: '/close', headers: { 'X-Request-Id': 'abc' } });
  });
});
