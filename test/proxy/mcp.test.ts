import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listActions } from '../../src/proxy/actions/index.js';
import { type ActionWorld, startActionWorld } from '../support/action-world.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { OPERATOR_TOKEN } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

/**
 * /mcp/:connectionId over a real hub (PostgreSQL, the vault, the provider client) with the MCP
 * SDK's own Client and StreamableHTTPClientTransport, against loopback fakes of GitHub and Todoist
 * and a real OIDC provider for JWT callers. Every HTTP answer the client received is kept, to
 * prove that no provider token or caller token is ever in one.
 */
let world: ActionWorld;
let github: GithubApiFake;
let todoist: TodoistApiFake;
let idp: OidcProviderHarness;
const REPO = 'octo-org/mcp';
const answers: string[] = [];
/** JWTs minted for callers here: they must not come back in an answer either. */
const callerTokens: string[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  [github, todoist, idp] = await Promise.all([
    startGithubApiFake(),
    startTodoistApiFake(),
    startOidcProvider(),
  ]);
  github.addRepository(REPO);
  world = await startActionWorld(
    [
      { base: 'github', baseUrl: github.origin, token: github.token },
      { base: 'todoist', baseUrl: todoist.url, token: todoist.token },
    ],
    { env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience } },
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await world?.close();
  await Promise.all([github?.close(), todoist?.close(), idp?.close()]);
});

const endpoint = (connectionId: string) => new URL(`/mcp/${connectionId}`, world.hub.url);

/** Keeps every answer's status, headers and body as text. */
const recordingFetch: FetchLike = async (url, init) => {
  const response = await fetch(url, init);
  const headers = JSON.stringify([...response.headers.entries()]);
  answers.push(`${response.status} ${headers} ${await response.clone().text()}`);
  return response;
};

async function connect(connectionId: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(endpoint(connectionId), {
      requestInit: { headers },
      fetch: recordingFetch,
    }),
  );
  clients.push(client);
  return client;
}

const asOperator = (tenantId: string) => ({
  authorization: `Bearer ${OPERATOR_TOKEN}`,
  'x-tenant-id': tenantId,
});

/** A raw initialize request, for answers the MCP layer must never see. */
async function initialize(connectionId: string, headers: Record<string, string>) {
  const response = await recordingFetch(endpoint(connectionId), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe('/mcp/:connectionId (PostgreSQL, loopback GitHub and Todoist, oidc-provider)', () => {
  it("lists the connection's actions as tools with the catalog's schemas and hints as annotations", async () => {
    const client = await connect(world.connections['github']!, asOperator(world.tenantId));
    const { tools } = await client.listTools();
    const catalog = listActions(world.hub.runtime.catalog, world.providers['github']);
    expect(catalog.length).toBeGreaterThan(0);
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      catalog.map((entry) => entry.id.replace('.', '_')).sort(),
    );
    for (const entry of catalog) {
      const tool = tools.find((candidate) => candidate.name === entry.id.replace('.', '_'))!;
      expect(tool.description).toBe(entry.description);
      expect(tool.inputSchema).toEqual(entry.inputSchema);
      expect(tool.outputSchema).toEqual(entry.outputSchema);
      expect(tool.annotations).toEqual({
        readOnlyHint: entry.hints.readOnly,
        destructiveHint: entry.hints.destructive,
        idempotentHint: entry.hints.idempotent,
        openWorldHint: true,
      });
      expect(tool._meta?.['switchboard/action']).toBe(entry.id);
    }
    const createIssue = tools.find((tool) => tool.name === 'github_create_issue')!;
    expect(createIssue.inputSchema.required).toEqual(['repository', 'title']);
    expect(Object.keys(createIssue.inputSchema.properties ?? {})).toEqual([
      'repository',
      'title',
      'body',
      'labels',
    ]);
  });

  it('calls github create_issue at the fake and answers the output as structured content', async () => {
    const client = await connect(world.connections['github']!, asOperator(world.tenantId));
    const result = await client.callTool({
      name: 'github_create_issue',
      arguments: { repository: REPO, title: 'Opened over MCP', labels: ['agent'] },
    });
    const created = github.items(REPO).find((item) => item.title === 'Opened over MCP');
    expect(created).toBeDefined();
    expect(github.writes.labels.get(created!.id)).toEqual(['agent']);
    const output = {
      id: created!.id,
      number: created!.number,
      url: `https://github.com/${REPO}/issues/${created!.number}`,
    };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(output);
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(output) }]);
    expect(result._meta).toMatchObject({ 'switchboard/providerStatus': 201, 'switchboard/replayed': false });
  });

  it('calls todoist close_task, and forwards an idempotency key given in _meta', async () => {
    const item = todoist.addTask({ content: 'Water the plants' });
    const client = await connect(world.connections['todoist']!, asOperator(world.tenantId));
    const call = () =>
      client.callTool({
        name: 'todoist_close_task',
        arguments: { taskId: item.id },
        _meta: { 'switchboard/idempotencyKey': `close-${item.id}` },
      });
    const first = await call();
    expect(first.structuredContent).toEqual({ taskId: item.id, closed: true });
    expect(todoist.closes).toEqual([{ taskId: item.id, requestId: `close-${item.id}` }]);
    const again = await call();
    expect(again._meta?.['switchboard/replayed']).toBe(true);
    expect(todoist.closes).toHaveLength(1);
  });

  it('answers bad input as a tool error with BAD_USER_INPUT and the path, and calls nobody', async () => {
    const client = await connect(world.connections['github']!, asOperator(world.tenantId));
    const before = github.calls.total;
    const result = await client.callTool({
      name: 'github_create_issue',
      arguments: { repository: REPO, title: 'Labels', labels: ['ok', 42] },
    });
    expect(result.isError).toBe(true);
    const [text] = result.content as { type: string; text: string }[];
    expect(text!.text).toMatch(/^BAD_USER_INPUT: /);
    expect(text!.text).toContain('input.labels[1]');
    expect(result._meta?.['switchboard/error']).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.labels[1]',
    });
    expect(github.calls.total).toBe(before);
  });

  it("answers a grant without the action's scopes as a tool error with MISSING_SCOPES, and calls nobody", async () => {
    const connectionId = await world.installOAuth({
      base: 'github',
      accessToken: github.token,
      scopes: ['read:user'],
    });
    const client = await connect(connectionId, asOperator(world.tenantId));
    const before = github.calls.total;
    const result = await client.callTool({
      name: 'github_create_issue',
      arguments: { repository: REPO, title: 'Scoped' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^MISSING_SCOPES: .*public_repo/);
    expect(result._meta?.['switchboard/error']).toMatchObject({
      code: 'MISSING_SCOPES',
      missingScopes: ['public_repo'],
      internalScopes: ['issues.write'],
    });
    expect(github.calls.total).toBe(before);
  });

  it("answers a provider's refusal as a tool error with ACTION_FAILED and the declared reason", async () => {
    const client = await connect(world.connections['github']!, asOperator(world.tenantId));
    const result = await client.callTool({
      name: 'github_create_issue',
      arguments: { repository: 'octo-org/nowhere', title: 'Lost' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^ACTION_FAILED: /);
    expect(result._meta?.['switchboard/error']).toMatchObject({
      code: 'ACTION_FAILED',
      reason: 'REPOSITORY_NOT_FOUND',
      providerStatus: 404,
    });
  });

  it('answers tools/list in one POST without initialize (stateless), as the README shows with curl', async () => {
    const response = await recordingFetch(endpoint(world.connections['todoist']!), {
      method: 'POST',
      headers: {
        ...asOperator(world.tenantId),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = (await response.json()) as { result: { tools: { name: string }[] } };
    expect(body.result.tools.map((tool) => tool.name)).toEqual(['todoist_close_task']);
  });

  it('answers an unknown tool as a JSON-RPC error', async () => {
    const client = await connect(world.connections['github']!, asOperator(world.tenantId));
    await expect(client.callTool({ name: 'github_delete_everything', arguments: {} })).rejects.toThrow(
      /Unknown tool: github_delete_everything/,
    );
  });

  it('accepts a JWT with proxy:invoke, and refuses one without it with 403 before MCP', async () => {
    const allowed = await idp.tokenFor({ scopes: ['tenants:all', 'proxy:invoke'] });
    const client = await connect(world.connections['github']!, {
      authorization: `Bearer ${allowed}`,
      'x-tenant-id': world.tenantId,
    });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);

    const readOnly = await idp.tokenFor({ scopes: ['tenants:all', 'connections:read'] });
    const refused = await initialize(world.connections['github']!, {
      authorization: `Bearer ${readOnly}`,
      'x-tenant-id': world.tenantId,
    });
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', title: 'Missing permission: proxy:invoke' });
    callerTokens.push(allowed, readOnly);
  });

  it('answers 401 problem+json without credentials or with a bad token, and the SDK client fails to connect', async () => {
    const missing = await initialize(world.connections['github']!, { 'x-tenant-id': world.tenantId });
    expect(missing.status).toBe(401);
    expect(missing.type).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const bad = await initialize(world.connections['github']!, {
      authorization: 'Bearer not-the-operator-token',
      'x-tenant-id': world.tenantId,
    });
    expect(bad.status).toBe(401);
    await expect(connect(world.connections['github']!, { 'x-tenant-id': world.tenantId })).rejects.toThrow();
  });

  it('asks for X-Tenant-Id, and answers 404 CONNECTION_NOT_FOUND to another tenant', async () => {
    const noTenant = await initialize(world.connections['github']!, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
    });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body).toMatchObject({ code: 'TENANT_HEADER_REQUIRED' });

    const before = github.calls.total;
    const other = await initialize(world.connections['github']!, asOperator(world.otherTenantId));
    expect(other.status).toBe(404);
    expect(other.type).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    await expect(connect(world.connections['github']!, asOperator(world.otherTenantId))).rejects.toThrow();
    expect(github.calls.total).toBe(before);
  });

  it('refuses GET and DELETE (stateless: no stream, no session) with 405', async () => {
    const response = await fetch(endpoint(world.connections['github']!), {
      headers: { ...asOperator(world.tenantId), accept: 'text/event-stream' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('never puts a provider token or a caller token in an answer', () => {
    expect(answers.length).toBeGreaterThan(10);
    expect(callerTokens).toHaveLength(2);
    const text = answers.join('\n');
    for (const secret of [github.token, todoist.token, OPERATOR_TOKEN, ...callerTokens])
      expect(text).not.toContain(secret);
  });
});
