import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantStreamPrefixes } from '../../src/events/streams.js';
import { ConnectionsDocument, CreateWebhookConnectionDocument } from '../../src/generated/graphql.js';
import { findUnsafeLiteral, findUnsafeVariable, unsafeTextProblem } from '../../src/http/safe-text-inputs.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { connectWs, runWs, type WsConnection } from '../support/ws-client.js';

describe('the safe-text check', () => {
  it('finds NUL and lone surrogates, and only them', () => {
    expect(unsafeTextProblem('plain text, émoji 😀, tab\tand newline\n')).toBeNull();
    expect(unsafeTextProblem('evil\u0000name')).toBe('a NUL character');
    expect(unsafeTextProblem('high \ud800 alone')).toBe('a lone surrogate');
    expect(unsafeTextProblem('low \udc00 alone')).toBe('a lone surrogate');
    expect(unsafeTextProblem('reversed \udc00\ud800')).toBe('a lone surrogate');
    expect(unsafeTextProblem('\ud83d')).toBe('a lone surrogate');
  });

  it('walks nested variables, lists and keys, and names where it found one', () => {
    expect(findUnsafeVariable({ input: { provider: 'github', scopes: ['a', 'b'] }, first: 5 })).toBeNull();
    expect(findUnsafeVariable({ input: { displayName: 'evil\u0000' } })).toEqual({
      where: '$input.displayName',
      problem: 'a NUL character',
    });
    expect(findUnsafeVariable({ types: ['ok', 'x\ud800'] })?.where).toBe('$types[1]');
    expect(findUnsafeVariable({ input: { params: { 'i\u0000ss': 'x' } } })?.where).toBe(
      'a key in $input.params',
    );
    expect(findUnsafeVariable(null)).toBeNull();
  });

  it('survives variables nested far deeper than the call stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findUnsafeVariable({ deep })?.problem).toBe('a NUL character');
  });

  it('finds unsafe string literals in a document, escapes included', () => {
    expect(findUnsafeLiteral(parse('{ connection(id: "conn_1") { id } }'))).toBeNull();
    expect(findUnsafeLiteral(parse('{ connection(id: "conn\\u0000x") { id } }'))?.problem).toBe(
      'a NUL character',
    );
    expect(
      findUnsafeLiteral(parse('{ signals(filter: { provider: """a\u0001""" }) { edges { cursor } } }')),
    ).toBeNull();
  });
});

const TENANT = 'nul-a';

/** Each field the issue named, by variables and by inline literal: all must be refused up front. */
const CASES: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
  {
    name: 'connection(id:) variable',
    query: 'query ($id: ID!) { connection(id: $id) { id } }',
    variables: { id: 'conn_\u0000' },
  },
  { name: 'connection(id:) literal', query: '{ connection(id: "conn_\\u0000") { id } }' },
  {
    name: 'signals(filter: {provider}) variable',
    query: 'query ($f: SignalFilter) { signals(filter: $f) { edges { cursor } } }',
    variables: { f: { provider: 'git\u0000hub' } },
  },
  {
    name: 'signals(filter: {provider}) literal',
    query: '{ signals(filter: { provider: "git\\u0000hub" }) { edges { cursor } } }',
  },
  {
    name: 'signals(filter: {connectionId}) lone surrogate',
    query: 'query ($f: SignalFilter) { signals(filter: $f) { edges { cursor } } }',
    variables: { f: { connectionId: 'conn_\ud800' } },
  },
  {
    name: 'auditLog(types:) variable',
    query: 'query ($types: [String!]) { auditLog(types: $types) { edges { cursor } } }',
    variables: { types: ['TenantRegistered', 'Tenant\u0000Renamed'] },
  },
  {
    name: 'auditLog(types:) literal',
    query: '{ auditLog(types: ["Tenant\\u0000Renamed"]) { edges { cursor } } }',
  },
  {
    name: 'streamEvents(stream:) variable',
    query: 'query ($s: String!) { streamEvents(stream: $s) { edges { cursor } } }',
    variables: { s: `tenant-${TENANT}.profile\u0000` },
  },
  {
    name: 'streamEvents(stream:) literal',
    query: `{ streamEvents(stream: "tenant-${TENANT}.profile\\u0000") { edges { cursor } } }`,
  },
  {
    name: 'createWebhookConnection displayName literal',
    query:
      'mutation { createWebhookConnection(input: { provider: "github", displayName: "evil\\u0000name" }) { url } }',
  },
  {
    name: 'createWebhookConnection displayName variable',
    query:
      'mutation ($input: CreateWebhookConnectionInput!) { createWebhookConnection(input: $input) { url } }',
    variables: { input: { provider: 'github', displayName: 'evil\u0000name' } },
  },
  {
    name: 'createWebhookConnection displayName lone surrogate',
    query:
      'mutation ($input: CreateWebhookConnectionInput!) { createWebhookConnection(input: $input) { url } }',
    variables: { input: { provider: 'github', displayName: 'evil\udfffname' } },
  },
  {
    name: 'completeConnection params key (JSON scalar)',
    query: 'mutation ($input: CompleteConnectionInput!) { completeConnection(input: $input) { id } }',
    variables: { input: { state: 's', code: 'c', params: { 'i\u0000ss': 'https://x' } } },
  },
  {
    name: 'renameTenant name',
    query: 'mutation ($input: RenameTenantInput!) { renameTenant(input: $input) { id } }',
    variables: { input: { id: TENANT, name: 'Nul\u0000 A' } },
  },
  {
    name: 'subscription signals(filter: {provider})',
    query: 'subscription { signals(filter: { provider: "x\\u0000" }) { id } }',
  },
];

describeWithPostgres('NUL and lone surrogates in GraphQL inputs (PostgreSQL)', () => {
  let hub: TestHub;
  let ws: WsConnection;

  const tenantEventCount = async () => {
    let count = 0;
    for await (const _ of hub.runtime.eventStore.readAll({
      filter: { streamPrefixes: tenantStreamPrefixes(TENANT) },
    }))
      count++;
    return count;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    await registerTenant(hub, TENANT);
    ws = connectWs(hub.wsUrl, { authorization: asOperator().authorization, tenantId: TENANT });
    await ws.acknowledged;
  });
  afterAll(async () => {
    await ws?.client.dispose();
    await hub?.close();
  });

  it.each(CASES)(
    'refuses $name over HTTP with BAD_USER_INPUT, appending nothing',
    async ({ query, variables }) => {
      const before = await tenantEventCount();
      const response = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...asOperator(TENANT),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as {
        data?: unknown;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      expect(response.status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(await tenantEventCount()).toBe(before);
    },
  );

  it.each(CASES)(
    'refuses $name over graphql-ws with BAD_USER_INPUT, appending nothing',
    async ({ query, variables }) => {
      const before = await tenantEventCount();
      const result = await runWs(ws.client, { query, variables });
      expect(result.data ?? undefined).toBeUndefined();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(await tenantEventCount()).toBe(before);
    },
  );

  it('still takes ordinary text, and the connections projection keeps going', async () => {
    const displayName = 'Repo hooks ✓ 😀';
    await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github', displayName } },
      asOperator(TENANT),
    );
    const deadline = Date.now() + 30_000;
    const names = async () =>
      (
        await hub.request(ConnectionsDocument, { first: 100 }, asOperator(TENANT))
      ).data?.connections.edges.map((edge) => edge.node.displayName) ?? [];
    while (!(await names()).includes(displayName)) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
