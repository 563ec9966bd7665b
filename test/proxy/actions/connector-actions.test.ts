import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../src/commands/deps.js';
import { invokeAction, type ProviderCallRecord } from '../../../src/proxy/actions/index.js';
import { SwitchboardError } from '../../../src/shared/errors.js';
import { type ActionWorld, startActionWorld } from '../../support/action-world.js';
import { type GithubApiFake, startGithubApiFake } from '../../support/fakes/github-api.js';
import { type GmailApiFake, startGmailApiFake } from '../../support/fakes/gmail-api.js';
import { type JiraApiFake, startJiraApiFake } from '../../support/fakes/jira-api.js';
import { type QuickbooksApiFake, startQuickbooksApiFake } from '../../support/fakes/quickbooks-api.js';
import { type SlackApiFake, startSlackApiFake } from '../../support/fakes/slack-api.js';
import { startTodoistApiFake, type TodoistApiFake } from '../../support/fakes/todoist-api.js';

/**
 * Each connector's actions run through invokeAction over a real hub (the vault's credentials, the
 * provider client, the rate gate), against loopback fakes that answer as the providers document.
 */
let world: ActionWorld;
let github: GithubApiFake;
let slack: SlackApiFake;
let jira: JiraApiFake;
let gmail: GmailApiFake;
let quickbooks: QuickbooksApiFake;
let todoist: TodoistApiFake;
const records: ProviderCallRecord[] = [];
const caller = systemCaller('test', randomUUID());

beforeAll(async () => {
  [github, slack, jira, gmail, quickbooks, todoist] = await Promise.all([
    startGithubApiFake(),
    startSlackApiFake(),
    startJiraApiFake(),
    startGmailApiFake(),
    startQuickbooksApiFake(),
    startTodoistApiFake(),
  ]);
  github.addRepository('octo-org/hello-world');
  world = await startActionWorld([
    { base: 'github', baseUrl: github.origin, token: github.token },
    { base: 'slack', baseUrl: slack.url, token: slack.token },
    { base: 'jira', baseUrl: jira.apiBase, token: jira.token },
    { base: 'gmail', baseUrl: gmail.url, token: gmail.token },
    { base: 'quickbooks', baseUrl: quickbooks.url, token: quickbooks.token },
    { base: 'todoist', baseUrl: todoist.url, token: todoist.token },
  ]);
}, 120_000);

afterAll(async () => {
  await world?.close();
  await Promise.all([github, slack, jira, gmail, quickbooks, todoist].map((fake) => fake?.close()));
});

const invoke = (base: string, action: string, input: unknown, idempotencyKey?: string) =>
  invokeAction(
    { ...world.hub.runtime.actions, onCallFinished: (record) => void records.push(record) },
    caller,
    world.tenantId,
    { connectionId: world.connections[base]!, action, input, idempotencyKey },
  );

/** The SwitchboardError an invocation failed with (the test fails when it succeeded). */
async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}

describe('github', () => {
  it('create_issue opens the issue and answers its id, number and URL', async () => {
    const result = await invoke('github', 'github.create_issue', {
      repository: 'octo-org/hello-world',
      title: 'Printer on fire',
      body: 'Again.',
      labels: ['bug', 'urgent'],
    });
    const created = github.items('octo-org/hello-world').find((item) => item.title === 'Printer on fire');
    expect(created).toBeDefined();
    expect(created!.body).toBe('Again.');
    expect(github.writes.labels.get(created!.id)).toEqual(['bug', 'urgent']);
    expect(result.output).toEqual({
      id: created!.id,
      number: created!.number,
      url: `https://github.com/octo-org/hello-world/issues/${created!.number}`,
    });
    expect(result.providerStatus).toBe(201);
    // GitHub's x-ratelimit-* headers, read by the manifest's names.
    expect(result.rateLimit.remaining).toBeGreaterThan(0);
    expect(result.rateLimit.resetAt).toBeInstanceOf(Date);
    expect(JSON.stringify(result)).not.toContain(github.token);
  });

  it('comment_on_issue comments, and an unknown issue is ISSUE_NOT_FOUND', async () => {
    const issue = github.createIssue('octo-org/hello-world');
    const result = await invoke('github', 'github.comment_on_issue', {
      repository: 'octo-org/hello-world',
      issueNumber: issue.number,
      body: 'Looking into it.',
    });
    const written = github.writes.comments.at(-1)!;
    expect(written).toMatchObject({ issueNumber: issue.number, body: 'Looking into it.' });
    expect(result.output).toEqual({
      id: written.id,
      url: `https://github.com/octo-org/hello-world/issues/${issue.number}#issuecomment-${written.id}`,
    });

    const error = await failure(
      invoke('github', 'github.comment_on_issue', {
        repository: 'octo-org/hello-world',
        issueNumber: 9999,
        body: 'Anyone?',
      }),
    );
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.extensions).toMatchObject({ reason: 'ISSUE_NOT_FOUND', providerStatus: 404 });
  });

  it('reports each provider call to onCallFinished without token or body', async () => {
    records.length = 0;
    await invoke('github', 'github.create_issue', { repository: 'octo-org/hello-world', title: 'Audited' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      tenantId: world.tenantId,
      connectionId: world.connections['github'],
      provider: 'github-local',
      action: 'github.create_issue',
      method: 'POST',
      path: '/repos/octo-org/hello-world/issues',
      status: 201,
      attempts: 1,
      outcome: 'succeeded',
    });
    const text = JSON.stringify(records);
    expect(text).not.toContain(github.token);
    expect(text).not.toContain('Audited');
  });
});

describe('slack', () => {
  it('post_message posts as the bot and answers channel and ts', async () => {
    const channel = slack.addChannel();
    const result = await invoke('slack', 'slack.post_message', {
      channel: channel.id,
      text: 'Deploy finished',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy* finished' } }],
    });
    const posted = slack.messages(channel.id!)[0]!;
    expect(posted).toMatchObject({ text: 'Deploy finished', bot_id: 'B123ABC456' });
    expect(posted.blocks).toHaveLength(1);
    expect(result.output).toEqual({ channel: channel.id, ts: posted.ts });
  });

  it("maps Slack's documented error codes to the declared ones", async () => {
    const outside = slack.addChannel({ is_member: false });
    const error = await failure(invoke('slack', 'slack.post_message', { channel: outside.id, text: 'hi' }));
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.extensions).toMatchObject({ reason: 'NOT_IN_CHANNEL', providerError: 'not_in_channel' });
  });
});

describe('jira', () => {
  it('transition_issue moves the issue to the status named', async () => {
    const issue = jira.addIssue();
    const result = await invoke('jira', 'jira.transition_issue', { issue: issue.key, toStatus: 'done' });
    expect(result.output).toEqual({ issue: issue.key, transitionId: '31', status: 'Done' });
    expect(result.providerStatus).toBe(204);
    expect(jira.issues().find((each) => each.id === issue.id)?.status.name).toBe('Done');
    expect(jira.transitions.at(-1)).toEqual({ issue: issue.key, transitionId: '31' });
  });

  it('refuses a transition the workflow does not offer now, and an unknown issue', async () => {
    const issue = jira.addIssue();
    const posted = jira.transitions.length;
    const unavailable = await failure(
      invoke('jira', 'jira.transition_issue', { issue: issue.key, toStatus: 'To Do' }),
    );
    expect(unavailable.extensions).toMatchObject({ reason: 'TRANSITION_NOT_AVAILABLE' });
    expect(unavailable.message).toContain('21 → In Progress');
    expect(jira.transitions).toHaveLength(posted);

    const missing = await failure(
      invoke('jira', 'jira.transition_issue', { issue: 'ENG-9999', transitionId: '31' }),
    );
    expect(missing.extensions).toMatchObject({ reason: 'ISSUE_NOT_FOUND', providerStatus: 404 });
  });
});

describe('gmail', () => {
  it('send_message sends an RFC 2822 message Gmail can read', async () => {
    const result = await invoke('gmail', 'gmail.send_message', {
      to: ['ada@example.com', 'alan@example.com'],
      cc: ['grace@example.com'],
      subject: 'Réunion à 10h',
      text: 'Bonjour,\nà tout à l’heure.',
    });
    const sent = gmail.sent.at(-1)!;
    expect(result.output).toEqual({ id: sent.id, threadId: sent.threadId });
    expect(sent.headers['to']).toBe('ada@example.com, alan@example.com');
    expect(sent.headers['cc']).toBe('grace@example.com');
    expect(sent.headers['subject']).toBe(`=?UTF-8?B?${Buffer.from('Réunion à 10h').toString('base64')}?=`);
    expect(sent.text).toBe('Bonjour,\nà tout à l’heure.');
  });

  it('an unknown thread is THREAD_NOT_FOUND', async () => {
    const error = await failure(
      invoke('gmail', 'gmail.send_message', {
        to: ['ada@example.com'],
        subject: 'Re: nothing',
        text: '…',
        threadId: 'abcdef0123456789',
      }),
    );
    expect(error.extensions).toMatchObject({ reason: 'THREAD_NOT_FOUND', providerStatus: 404 });
  });
});

describe('quickbooks', () => {
  it('create_invoice creates it once per idempotency key, forwarded as requestid', async () => {
    const input = {
      customerId: '1',
      lines: [
        { itemId: '1', quantity: 3, unitPrice: 49.99, description: 'Consulting' },
        { itemId: '2', quantity: 1.5, unitPrice: 80 },
      ],
      dueDate: '2027-01-31',
    };
    const key = `invoice-${randomUUID()}`;
    const first = await invoke('quickbooks', 'quickbooks.create_invoice', input, key);
    expect(first.output).toMatchObject({ totalAmount: 269.97, balance: 269.97 });
    expect(quickbooks.requests.at(-1)).toEqual({ requestId: key, minorVersion: '75', status: 200 });
    const invoice = quickbooks.invoices.at(-1)!;
    expect((first.output as { id: string }).id).toBe(invoice['Id']);

    const again = await invoke('quickbooks', 'quickbooks.create_invoice', input, key);
    expect(again.replayed).toBe(true);
    expect(again.output).toEqual(first.output);
    expect(quickbooks.invoices).toHaveLength(quickbooks.invoices.indexOf(invoice) + 1);
  });

  it('a Fault 610 (inactive item) is REFERENCE_INACTIVE', async () => {
    quickbooks.deactivateItem('2');
    const error = await failure(
      invoke('quickbooks', 'quickbooks.create_invoice', {
        customerId: '1',
        lines: [{ itemId: '2', quantity: 1, unitPrice: 10 }],
      }),
    );
    expect(error.extensions).toMatchObject({ reason: 'REFERENCE_INACTIVE', providerStatus: 400 });
  });
});

describe('todoist', () => {
  it('close_task completes the task, with the idempotency key as X-Request-Id', async () => {
    const task = todoist.addTask({ due: null });
    const key = randomUUID();
    const result = await invoke('todoist', 'todoist.close_task', { taskId: task.id }, key);
    expect(result.output).toEqual({ taskId: task.id, closed: true });
    expect(result.providerStatus).toBe(204);
    expect(todoist.tasks().find((each) => each.id === task.id)?.checked).toBe(true);
    expect(todoist.closes.at(-1)).toEqual({ taskId: task.id, requestId: key });
  });

  it('an unknown task is TASK_NOT_FOUND', async () => {
    const error = await failure(invoke('todoist', 'todoist.close_task', { taskId: 'nope123' }));
    expect(error.extensions).toMatchObject({ reason: 'TASK_NOT_FOUND', providerStatus: 404 });
  });
});
