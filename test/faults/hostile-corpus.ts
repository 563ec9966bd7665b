import { randomUUID } from 'node:crypto';
import { githubExample } from '../../scripts/github-example.js';
import { githubHeaders, githubSignature } from '../ingress/sign.js';

/** One hostile request and what a well-behaved hub may answer to it. */
export interface HostileRequest {
  name: string;
  method: 'POST' | 'GET';
  /** Path under the hub's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** HTTP statuses that count as a correct answer (never a 5xx). */
  statuses: readonly number[];
}

export interface WebhookTarget {
  connectionId: string;
  secret: string;
}

const NUL = '\u0000';

/** `{"a":{"a":…}}` `depth` levels deep: a parser accepts it, a recursive serializer may not. */
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** GitHub's delivery headers signed over the exact bytes; no event header when `eventName` is empty. */
function signed(target: WebhookTarget, eventName: string, body: string | Buffer): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': githubSignature(target.secret, body),
  };
  if (eventName) headers['x-github-event'] = eventName;
  return headers;
}

/** An issues.opened example whose title is replaced by `title` (bytes as given). */
function issueWithTitle(title: Buffer): Buffer {
  const payload = githubExample('issues', 'opened');
  (payload['issue'] as Record<string, unknown>)['title'] = 'TITLE_PLACEHOLDER';
  const [before, after] = JSON.stringify(payload).split('TITLE_PLACEHOLDER') as [string, string];
  return Buffer.concat([Buffer.from(before), title, Buffer.from(after)]);
}

/**
 * Webhook deliveries a provider, a fuzzer or an attacker may send: the cases issue 13 found (NUL in
 * a normalized field, NUL bytes in the body, 5,000 levels of nesting, invalid UTF-8, NUL in the
 * path) and their neighbours. Signed ones use the connection's own secret, so they pass
 * verification and reach normalization and the log.
 */
export function webhookCorpus(target: WebhookTarget): HostileRequest[] {
  const url = `/webhooks/github/${target.connectionId}`;
  const jsonHeaders = { 'content-type': 'application/json' };
  const signedJson = (name: string, eventName: string, body: string, statuses: number[]): HostileRequest => ({
    name,
    method: 'POST',
    path: url,
    headers: signed(target, eventName, body),
    body,
    statuses,
  });
  const signedRaw = (name: string, eventName: string, body: Buffer, statuses: number[]): HostileRequest => ({
    name,
    method: 'POST',
    path: url,
    headers: signed(target, eventName, body),
    body,
    statuses,
  });
  const nulTitle = githubExample('issues', 'opened');
  (nulTitle['issue'] as Record<string, unknown>)['title'] = `evil${NUL}title`;
  (nulTitle['sender'] as Record<string, unknown>)['login'] = `bad${NUL}login`;
  const surrogate = JSON.stringify(githubExample('issues', 'opened')).replace(
    '"Spelling error in the README file"',
    '"lone \\ud800 surrogate"',
  );
  return [
    signedJson('NUL in issue.title and sender.login', 'issues', JSON.stringify(nulTitle), [200]),
    signedJson('escaped lone surrogate in issue.title', 'issues', surrogate, [200]),
    signedRaw('raw bytes 00 41 42', 'issues', Buffer.from([0x00, 0x41, 0x42]), [400]),
    signedRaw(
      'invalid UTF-8 inside a JSON string',
      'issues',
      issueWithTitle(Buffer.from([0xc3, 0x28, 0xff])),
      [200, 400],
    ),
    signedJson('an object nested 5,000 levels', 'issues', nestedObject(5_000), [400]),
    signedJson('an array nested 5,000 levels', 'issues', nestedArray(5_000), [400]),
    signedJson('a JSON null', 'issues', 'null', [200, 400]),
    signedJson('a JSON number out of range', 'issues', '1e999999', [200, 400]),
    signedJson('an empty body', 'issues', '', [400]),
    signedJson(
      'a 900 KB string field',
      'issues',
      JSON.stringify({ action: 'x'.repeat(900_000) }),
      [200, 400],
    ),
    signedJson('no event type header', '', JSON.stringify(githubExample('issues', 'opened')), [400]),
    {
      name: 'unsigned delivery',
      method: 'POST',
      path: url,
      headers: { ...jsonHeaders, 'x-github-event': 'issues', 'x-github-delivery': randomUUID() },
      body: '{}',
      statuses: [401],
    },
    {
      name: 'signature of another secret',
      method: 'POST',
      path: url,
      headers: githubHeaders('not-the-secret', 'issues', '{}'),
      body: '{}',
      statuses: [401],
    },
    {
      name: 'NUL in the connection id',
      method: 'POST',
      path: `${url}%00`,
      headers: jsonHeaders,
      body: '{}',
      statuses: [404],
    },
    {
      name: 'NUL in the provider',
      method: 'POST',
      path: `/webhooks/git%00hub/${target.connectionId}`,
      headers: jsonHeaders,
      body: '{}',
      statuses: [404],
    },
    {
      name: 'a connection id that is not a UUID',
      method: 'POST',
      path: '/webhooks/github/%F0%9F%92%A9..%2F..',
      headers: jsonHeaders,
      body: '{}',
      statuses: [404],
    },
    {
      name: 'app-level route with a NUL installation id',
      method: 'POST',
      path: '/webhooks/github',
      headers: githubHeaders('no-app-secret', 'issues', JSON.stringify({ installation: { id: NUL } })),
      body: JSON.stringify({ installation: { id: NUL } }),
      statuses: [401, 404],
    },
    {
      name: 'a body over the 1 MiB limit',
      method: 'POST',
      path: url,
      headers: jsonHeaders,
      body: Buffer.alloc(1024 * 1024 + 10, 0x20),
      statuses: [413],
    },
  ];
}

/**
 * `refused`: the hub must answer a client error code (BAD_USER_INPUT and the like); otherwise any
 * answer without a 5xx or INTERNAL_SERVER_ERROR will do (a lookup of a malformed id may find nothing).
 */
const gql = (name: string, query: string, variables?: Record<string, unknown>, refused = true) => ({
  name,
  query,
  variables,
  refused,
});

/** GraphQL operations with hostile arguments; each must be refused with a client error code. */
export const graphqlCorpus = [
  gql(
    'NUL in createWebhookConnection.displayName',
    'mutation($n: String) { createWebhookConnection(input: { provider: "github", displayName: $n }) { url } }',
    {
      n: `evil${NUL}name`,
    },
  ),
  gql(
    'NUL inline in createWebhookConnection.displayName',
    'mutation { createWebhookConnection(input: { provider: "github", displayName: "evil\\u0000name" }) { url } }',
  ),
  gql(
    'lone surrogate in renameTenant.name',
    'mutation($n: String!) { renameTenant(input: { name: $n }) { id } }',
    {
      n: 'lone \ud800',
    },
  ),
  gql('NUL in connection(id:)', 'query($id: ID!) { connection(id: $id) { id } }', { id: `x${NUL}` }),
  gql(
    'NUL in signals.filter.provider',
    'query($p: ID) { signals(filter: { provider: $p }) { edges { node { id } } } }',
    {
      p: `git${NUL}hub`,
    },
  ),
  gql(
    'NUL in auditLog.types',
    'query { auditLog(types: ["Tenant\\u0000Registered"]) { edges { node { id } } } }',
  ),
  gql(
    'NUL in streamEvents.stream',
    'query($s: String!) { streamEvents(stream: $s) { edges { node { id } } } }',
    {
      s: `tenant-x${NUL}`,
    },
  ),
  gql('signals(first: -1)', '{ signals(first: -1) { edges { node { id } } } }'),
  gql('signals(first: 2147483647)', '{ signals(first: 2147483647) { edges { node { id } } } }'),
  gql('signals(after: garbage)', '{ signals(after: "not a cursor \\u0000") { edges { node { id } } } }'),
  gql('auditLog(first: -5)', '{ auditLog(first: -5) { edges { node { id } } } }'),
  gql('connections(first: -1)', '{ connections(first: -1) { edges { node { id } } } }'),
  gql('webhookDeadLetters(first: -1)', '{ webhookDeadLetters(first: -1) { edges { node { id } } } }'),
  gql('signal(id: not a uuid)', '{ signal(id: "../../etc") { id } }', undefined, false),
  gql('webhookDeadLetter(id: NUL)', 'query($id: ID!) { webhookDeadLetter(id: $id) { id } }', { id: NUL }),
  gql(
    'streamEvents(fromRevision: -1)',
    '{ streamEvents(stream: "tenant-x", fromRevision: -1) { edges { node { id } } } }',
  ),
  gql('revokeConnection(id: NUL)', 'mutation($id: ID!) { revokeConnection(id: $id) { connection { id } } }', {
    id: NUL,
  }),
];

/** Raw bodies for /graphql that are not even well-formed requests. */
export const malformedGraphqlBodies: Array<{ name: string; body: string; contentType: string }> = [
  { name: 'truncated JSON', body: '{"query":"{ tenant { id } }"', contentType: 'application/json' },
  { name: 'a JSON array of numbers', body: '[1,2,3]', contentType: 'application/json' },
  { name: 'a NUL byte as the body', body: NUL, contentType: 'application/json' },
  { name: 'query is a number', body: '{"query":42}', contentType: 'application/json' },
  {
    name: 'variables is a string',
    body: '{"query":"{ tenant { id } }","variables":"x"}',
    contentType: 'application/json',
  },
  {
    name: 'deeply nested variables',
    body: `{"query":"{ tenant { id } }","variables":${nestedObject(3_000)}}`,
    contentType: 'application/json',
  },
  {
    name: 'form-encoded',
    body: 'query=%7B%20tenant%20%7B%20id%20%7D%20%7D',
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    name: 'syntax error with NUL',
    body: JSON.stringify({ query: `{ tenant ${NUL} }` }),
    contentType: 'application/json',
  },
];
