import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { ALL_PERMISSIONS } from '../../src/auth/principal.js';
import { graphqlRateKey, webhookRateKey } from '../../src/http/rate-limits.js';
import { post, webhookConnection } from '../e2e/webhooks-support.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const operator: Principal = { kind: 'operator', id: 'abcd1234', permissions: ALL_PERMISSIONS };
const jwt = (tenantId: string | null): Principal => ({
  kind: 'jwt',
  subject: 'worker',
  clientId: 'worker-client',
  permissions: ALL_PERMISSIONS,
  tenantId,
  expiresAt: new Date(Date.now() + 60_000),
});

describe('rate limit keys', () => {
  it('spends the tenant budget only for an authenticated caller; the token tenant wins over the header', () => {
    expect(graphqlRateKey(operator, 'acme', '10.0.0.1')).toBe('tenant:acme');
    expect(graphqlRateKey(jwt('acme'), 'other', '10.0.0.1')).toBe('tenant:acme');
    expect(graphqlRateKey(jwt(null), 'acme', '10.0.0.1')).toBe('tenant:acme');
    expect(graphqlRateKey(null, 'acme', '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it('falls back to the caller without a (well-formed) tenant', () => {
    expect(graphqlRateKey(operator, undefined, '10.0.0.1')).toBe('operator:abcd1234');
    expect(graphqlRateKey(jwt(null), 'not a tenant id!', '10.0.0.1')).toBe('client:worker-client');
  });

  it('spends a connection budget per delivery URL, a provider budget for app-level deliveries', () => {
    expect(webhookRateKey({ provider: 'github', connectionId: 'c-1' })).toBe('connection:github:c-1');
    expect(webhookRateKey({ provider: 'github' })).toBe('provider:github');
  });
});

describeWithPostgres('request rate limits (PostgreSQL)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      env: {
        SWITCHBOARD_RATE_LIMIT_GRAPHQL_PER_MINUTE: '4',
        SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE: '2',
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
  });

  const graphql = async (query: string, headers: Record<string, string>) => {
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...headers,
      },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      contentType: response.headers.get('content-type'),
      body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> },
    };
  };

  it('answers a tenant over its GraphQL budget 429 RATE_LIMITED with Retry-After; other tenants go on', async () => {
    for (const id of ['rl-a', 'rl-b']) {
      const created = await graphql(
        `mutation { registerTenant(input: { id: "${id}", name: "${id}" }) { id } }`,
        asOperator(),
      );
      expect(created.body.errors).toBeUndefined();
    }
    // registerTenant spent nothing of rl-a's budget: it named no tenant (the operator's own budget).
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await graphql('{ tenant { id } }', asOperator('rl-a')));
    expect(answers.slice(0, 4).map((a) => a.body.errors)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const limited = answers[4]!;
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(limited.contentType).toContain('application/graphql-response+json');
    expect(limited.body.errors?.map((error) => error.extensions.code)).toEqual(['RATE_LIMITED']);

    expect((await graphql('{ tenant { id } }', asOperator('rl-b'))).body.errors).toBeUndefined();
    // Naming a tenant without credentials spends the caller's own (address) budget, not the tenant's.
    expect((await graphql('{ providers { id } }', { 'x-tenant-id': 'rl-b' })).status).toBe(200);
  });

  it('answers deliveries over a connection budget 429 problem+json with Retry-After; other connections go on', async () => {
    const [first, second] = [
      await webhookConnection(hub, 'rl-a', 'github'),
      await webhookConnection(hub, 'rl-b', 'github'),
    ];
    const deliver = (connection: typeof first, n: number) => {
      const body = JSON.stringify({ zen: `rate limit ${n}`, hook_id: n });
      return post(
        `${hub.url}/webhooks/github/${connection.connectionId}`,
        githubHeaders(connection.secret, 'ping', body),
        body,
      );
    };
    const statuses = [];
    for (let n = 0; n < 3; n++) statuses.push(await deliver(first, n));
    expect(statuses.slice(0, 2).map((s) => s.status)).toEqual([200, 200]);
    expect(statuses[2]).toMatchObject({
      status: 429,
      contentType: 'application/problem+json; charset=utf-8',
      body: { status: 429, code: 'RATE_LIMITED' },
    });
    expect((await deliver(second, 9)).status).toBe(200);
  });
});
