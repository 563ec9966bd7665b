import { afterAll, beforeAll, expect, it } from 'vitest';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

async function post(hub: TestHub, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...asOperator(),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text };
}

const query = (source: string) => JSON.stringify({ query: source });

describeWithPostgres('abuse limits (PostgreSQL)', () => {
  let hub: TestHub;
  /** On PostgreSQL, NODE_ENV unset, introspection not asked for: a production deployment's defaults. */
  let production: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      env: { SWITCHBOARD_GRAPHQL_INTROSPECTION: 'true' },
      limits: { maxDepth: 4, maxAliases: 3, maxBatch: 2 },
      bodyLimit: 64 * 1024,
    });
    production = await startTestHub();
  });
  afterAll(async () => {
    await hub?.close();
    await production?.close();
  });

  it('refuses a query deeper than the limit with a clear error', async () => {
    const deep = await post(hub, query('{ auditLog { edges { node { metadata { tenantId } } } } }'));
    expect(deep.status).toBe(400);
    expect(deep.body).toMatch(/depth/i);
    expect(JSON.parse(deep.body).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses too many aliases', async () => {
    const aliased = await post(
      hub,
      query('{ a: providers { id } b: providers { id } c: providers { id } d: providers { id } }'),
    );
    expect(aliased.status).toBe(400);
    expect(aliased.body).toMatch(/alias/i);
  });

  it('refuses a batch larger than the limit', async () => {
    const batch = JSON.stringify([
      { query: '{ providers { id } }' },
      { query: '{ providers { id } }' },
      { query: '{ providers { id } }' },
    ]);
    const result = await post(hub, batch);
    // Yoga answers an over-long batch as a payload that is too large.
    expect(result.status).toBe(413);
    expect(result.body).toMatch(/batch/i);
    expect(
      (
        await post(
          hub,
          JSON.stringify([{ query: '{ providers { id } }' }, { query: '{ providers { id } }' }]),
        )
      ).status,
    ).toBe(200);
  });

  it('answers 413 for a body over the limit and 400 for malformed JSON', async () => {
    const big = await post(hub, query(`{ providers { id } } # ${'x'.repeat(70 * 1024)}`));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ status: 413 });
    const malformed = await post(hub, '{"query": ');
    expect(malformed.status).toBe(400);
  });

  it('keeps introspection and GraphiQL off on PostgreSQL even with NODE_ENV unset, unless turned on', async () => {
    const introspection = query('{ __schema { queryType { name } } }');
    expect((await post(hub, introspection)).status).toBe(200);
    const refused = await post(production, introspection);
    expect(refused.body).toMatch(/introspection/i);
    expect(refused.body).not.toContain('"queryType"');
    const graphiql = (target: TestHub) =>
      fetch(`${target.url}/graphql`, { headers: { accept: 'text/html' } });
    const served = await graphiql(hub);
    expect(served.headers.get('content-type')).toContain('text/html');
    expect(await served.text()).toContain('GraphiQL');
    const withheld = await graphiql(production);
    expect(withheld.headers.get('content-type')).not.toContain('text/html');
    expect(await withheld.text()).not.toContain('GraphiQL');
  });

  it('never leaks internals in an error', async () => {
    const result = await post(
      hub,
      query('{ streamEvents(stream: "tenant-x.profile", first: 1) { edges { cursor } } }'),
      { 'x-tenant-id': 'x' },
    );
    expect(result.body).not.toMatch(/prisma|SELECT|at .*\.ts:/i);
  });
});
