import { describe, expect, it } from 'vitest';
import type { ActionCatalogEntry } from '../../../src/proxy/actions/index.js';
import { actionTool } from '../../../src/proxy/mcp/action-tool.js';
import { toolNameIndex, toolNameOf } from '../../../src/proxy/mcp/tool-names.js';
import { failureResult } from '../../../src/proxy/mcp/tool-result.js';
import { BadUserInputError, DependencyError, SwitchboardError } from '../../../src/shared/errors.js';

const entry = (overrides: Partial<ActionCatalogEntry> = {}): ActionCatalogEntry => ({
  provider: 'jira',
  id: 'jira.transition_issue',
  name: 'transition_issue',
  version: 2,
  description: 'Move an issue.',
  inputSchema: { type: 'object', properties: { issueKey: { type: 'string' } }, required: ['issueKey'] },
  outputSchema: { type: 'object', properties: {} },
  scopes: [],
  providerScopes: [],
  hints: { readOnly: true, destructive: true, idempotent: true },
  errors: [],
  providerIdempotency: false,
  ...overrides,
});

describe('MCP tool names', () => {
  it('keeps legal characters and turns every other one into _', () => {
    expect(toolNameOf('github.create_issue')).toBe('github_create_issue');
    expect(toolNameOf('my-crm.contacts.upsert')).toBe('my-crm_contacts_upsert');
    expect(toolNameOf('acme.send message!')).toBe('acme_send_message_');
  });

  it('refuses names clients would refuse, and two actions sharing a name', () => {
    expect(() => toolNameOf('')).toThrow(/1 to 64/);
    expect(() => toolNameOf(`p.${'x'.repeat(63)}`)).toThrow(/1 to 64/);
    expect(() => toolNameIndex(['a.b_c', 'a_b.c'])).toThrow(/a\.b_c and a_b\.c/);
    expect(toolNameIndex(['a.b', 'a.c'])).toEqual(
      new Map([
        ['a_b', 'a.b'],
        ['a_c', 'a.c'],
      ]),
    );
  });
});

describe('actionTool', () => {
  it("maps the action's hints to annotations and keeps its schemas", () => {
    const tool = actionTool(entry());
    expect(tool.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: true,
    });
    expect(tool.inputSchema).toEqual(entry().inputSchema);
    expect(tool._meta).toEqual({ 'switchboard/action': 'jira.transition_issue', 'switchboard/version': 2 });
  });

  it('publishes no outputSchema when the output is not an object (structuredContent must be one)', () => {
    expect(actionTool(entry({ outputSchema: { type: 'array' } })).outputSchema).toBeUndefined();
  });
});

describe('failureResult', () => {
  const textOf = (error: unknown) =>
    (failureResult(error, 'req-1').result.content as { text: string }[])[0]!.text;

  it('leads with the code and carries the client-safe extensions', () => {
    const { result, unexpected } = failureResult(
      new BadUserInputError('Invalid input: input.title: Required', {}, { field: 'input.title' }),
      'req-1',
    );
    expect(unexpected).toBe(false);
    expect(result.isError).toBe(true);
    expect(textOf(new BadUserInputError('Invalid input', {}))).toBe('BAD_USER_INPUT: Invalid input');
    expect(result._meta?.['switchboard/error']).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Invalid input: input.title: Required',
      field: 'input.title',
      requestId: 'req-1',
    });
  });

  it("keeps a provider's unavailability, masks a dependency's and anything unexpected", () => {
    const providerDown = new SwitchboardError(
      'PROVIDER_UNAVAILABLE',
      'x.y: the provider did not answer in time',
      {
        status: 503,
      },
    );
    expect(textOf(providerDown)).toBe('PROVIDER_UNAVAILABLE: x.y: the provider did not answer in time');
    expect(textOf(new DependencyError('pg at 10.0.0.5 refused'))).toMatch(/^SERVICE_UNAVAILABLE: /);
    expect(textOf(new DependencyError('pg at 10.0.0.5 refused'))).not.toContain('10.0.0.5');
    const bug = failureResult(new TypeError('cannot read x of undefined'), 'req-2');
    expect(bug.unexpected).toBe(true);
    expect((bug.result.content as { text: string }[])[0]!.text).toBe(
      'INTERNAL_SERVER_ERROR: Unexpected error (request req-2)',
    );
  });
});
