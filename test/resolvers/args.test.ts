import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPageSize, connectionIdArg, positionCursor, uuidArg } from '../../src/resolvers/args.js';
import { BadUserInputError } from '../../src/shared/errors.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

describe('shared argument checks', () => {
  it('takes page sizes from 1 to the maximum, and refuses the rest', () => {
    expect(() => assertPageSize({ first: 1 }, 100)).not.toThrow();
    expect(() => assertPageSize({ first: 100, last: null }, 100)).not.toThrow();
    expect(() => assertPageSize({}, 100)).not.toThrow();
    for (const args of [{ first: 0 }, { first: -1 }, { first: 101 }, { last: 0 }, { last: 101 }]) {
      expect(() => assertPageSize(args, 100)).toThrow(BadUserInputError);
    }
  });

  it('knows the shape of connection ids, UUIDs and log positions', () => {
    expect(connectionIdArg('conn_0123456789abcdef01234567', 'id')).toBe('conn_0123456789abcdef01234567');
    for (const bad of ['', 'a b', 'tenant.x', '-x', 'x'.repeat(129)]) {
      expect(() => connectionIdArg(bad, 'id')).toThrow(BadUserInputError);
    }
    expect(uuidArg('0b8f5d5e-1d1c-4b8e-9a53-3f1c2a9e2c11', 'id')).toBe(
      '0b8f5d5e-1d1c-4b8e-9a53-3f1c2a9e2c11',
    );
    expect(() => uuidArg('not-a-uuid', 'id')).toThrow(BadUserInputError);
    expect(positionCursor('9223372036854775807', 'after')).toBe(9223372036854775807n);
    for (const bad of ['9223372036854775808', '99999999999999999999', '-1', '1e3', '']) {
      expect(() => positionCursor(bad, 'after')).toThrow(BadUserInputError);
    }
  });
});

const TENANT = 'page-a';

/** Every paginated field, with its maximum page size (and the arguments it needs). */
const PAGINATED = [
  { field: 'tenants', max: 100 },
  { field: 'connections', max: 100 },
  { field: 'signals', max: 100 },
  { field: 'webhookDeadLetters', max: 100 },
  { field: 'auditLog', max: 500 },
  { field: 'streamEvents', max: 500, needs: `stream: "tenant-${TENANT}.profile"` },
].map(({ field, max, needs }) => ({
  field,
  max,
  call: (args: string) => {
    const all = [needs, args].filter(Boolean).join(', ');
    return `{ ${field}${all ? `(${all})` : ''} { edges { cursor } } }`;
  },
}));

const BAD_PAGE_ARGS = (max: number) => [
  'first: -1',
  'first: 0',
  `first: ${max + 1}`,
  'last: -1',
  `last: ${max + 1}`,
  'after: "not a cursor"',
  'after: "Zm9v"',
  'before: "99999999999999999999"',
];

const TABLE = PAGINATED.flatMap(({ field, max, call }) =>
  BAD_PAGE_ARGS(max).map((args) => ({ name: `${field}(${args})`, query: call(args) })),
);

/** Ids of the wrong shape, wherever an id is taken. */
const BAD_IDS = [
  { name: 'connection(id: "a b")', query: '{ connection(id: "a b") { id } }' },
  { name: 'signal(id: "x")', query: '{ signal(id: "x") { id } }' },
  { name: 'webhookDeadLetter(id: "x")', query: '{ webhookDeadLetter(id: "x") { id } }' },
  {
    name: 'signals(filter: { connectionId: "../x" })',
    query: '{ signals(filter: { connectionId: "../x" }) { edges { cursor } } }',
  },
  {
    name: 'webhookDeadLetters(connectionId: "a.b")',
    query: '{ webhookDeadLetters(connectionId: "a.b") { edges { cursor } } }',
  },
  { name: 'refreshConnection(id: "a b")', query: 'mutation { refreshConnection(id: "a b") { id } }' },
  {
    name: 'revokeConnection(id: "a b")',
    query: 'mutation { revokeConnection(id: "a b") { status } }',
  },
  {
    name: 'configureWebhook(connectionId: "a b")',
    query: 'mutation { configureWebhook(input: { connectionId: "a b" }) { url } }',
  },
  {
    name: 'streamEvents(fromRevision: -1)',
    query: `{ streamEvents(stream: "tenant-${TENANT}.profile", fromRevision: -1) { edges { cursor } } }`,
  },
];

describeWithPostgres('argument validation on every paginated field and id (PostgreSQL)', () => {
  let hub: TestHub;
  const ask = async (query: string) => {
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asOperator(TENANT) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
  };

  beforeAll(async () => {
    hub = await startTestHub();
    await registerTenant(hub, TENANT);
  });
  afterAll(async () => hub?.close());

  it.each(TABLE)('$name is BAD_USER_INPUT', async ({ query }) => {
    const result = await ask(query);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it.each(BAD_IDS)('$name is BAD_USER_INPUT', async ({ query }) => {
    const result = await ask(query);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it.each(PAGINATED)(
    '$field answers a full page of its maximum size, and the default',
    async ({ max, call }) => {
      expect((await ask(call(`first: ${max}`))).errors).toBeUndefined();
      expect((await ask(call(''))).errors).toBeUndefined();
    },
  );

  it('still answers well-formed ids that name nothing with null or CONNECTION_NOT_FOUND', async () => {
    const missing = await ask(
      '{ connection(id: "conn_missing") { id } signal(id: "0b8f5d5e-1d1c-4b8e-9a53-3f1c2a9e2c11") { id } }',
    );
    expect(missing).toEqual({ data: { connection: null, signal: null } });
    const refresh = await ask('mutation { refreshConnection(id: "conn_missing") { id } }');
    expect(refresh.errors?.map((error) => error.extensions?.code)).toEqual(['CONNECTION_NOT_FOUND']);
  });
});
