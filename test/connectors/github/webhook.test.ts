import { describe, expect, it } from 'vitest';
import { githubRoutingId, normalizeGithubDelivery } from '../../../src/connectors/github/webhook.js';
import type { SignalKind } from '../../../src/signals/kinds.js';
import { changeSignalId, signalId, signalSchema } from '../../../src/signals/signal.js';
import { type GithubExample, githubExamples } from './examples.js';

const receivedAt = new Date('2026-01-01T00:00:00Z');
const examples = githubExamples();

function normalize(example: Pick<GithubExample, 'eventName' | 'payload'>, deliveryId = 'delivery-1') {
  const signals = normalizeGithubDelivery({
    provider: 'github',
    eventName: example.eventName,
    deliveryId,
    payload: example.payload,
    connectionId: 'conn_1',
    receivedAt,
  });
  expect(signals).toHaveLength(1);
  const [signal] = signals;
  return signalSchema.parse(signal);
}

/** The events and actions issue 5 names, and the kind each must become. */
function expectedKind(eventName: string, payload: Record<string, unknown>): SignalKind {
  const action = typeof payload['action'] === 'string' ? payload['action'] : '';
  const pr = payload['pull_request'] as { merged?: boolean } | undefined;
  const table: Record<string, Record<string, SignalKind>> = {
    issues: {
      opened: 'issue_created',
      closed: 'issue_closed',
      reopened: 'issue_reopened',
      edited: 'issue_edited',
      labeled: 'issue_labeled',
    },
    issue_comment: { created: 'issue_commented' },
    pull_request: {
      opened: 'pull_request_opened',
      closed: pr?.merged ? 'pull_request_merged' : 'pull_request_closed',
      reopened: 'pull_request_reopened',
      review_requested: 'pull_request_review_requested',
    },
    pull_request_review: { submitted: 'pull_request_reviewed' },
    push: { '': 'code_pushed' },
    release: { published: 'release_published' },
    workflow_run: { completed: 'workflow_run_completed' },
  };
  return table[eventName]?.[action] ?? 'provider_event';
}

function first(eventName: string, action?: string): GithubExample {
  const example = examples.find(
    (candidate) =>
      candidate.eventName === eventName && (action === undefined || candidate.payload['action'] === action),
  );
  if (!example) throw new Error(`no ${eventName}.${action} example`);
  return example;
}

const LISTED_EVENTS = [
  'issues',
  'issue_comment',
  'pull_request',
  'pull_request_review',
  'push',
  'release',
  'workflow_run',
];
const listed = examples.filter((example) => LISTED_EVENTS.includes(example.eventName));

describe('normalizeGithubDelivery over @octokit/webhooks-examples', () => {
  it('has examples for every listed event', () => {
    for (const eventName of LISTED_EVENTS) {
      expect(
        listed.some((example) => example.eventName === eventName),
        eventName,
      ).toBe(true);
    }
  });

  it.each(
    listed.map(
      (example) =>
        [
          `${example.source} ${example.eventName}.${String(example.payload['action'] ?? '')} #${example.index}`,
          example,
        ] as const,
    ),
  )('%s', (_name, example) => {
    const signal = normalize(example);
    expect(signal.kind).toBe(expectedKind(example.eventName, example.payload));
    expect(signal.provider).toBe('github');
    expect(signal.connectionId).toBe('conn_1');
    expect(signal.summary.trim().length).toBeGreaterThan(10);
    expect(signal.actor).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    // GitHub Enterprise Server examples link to their own host.
    const host = example.source === 'api.github.com' ? 'github.com' : expect.any(String);
    expect(new URL(signal.subject?.url ?? 'missing:')).toMatchObject({ protocol: 'https:', host });
    expect(signal.payload).toBe(example.payload);
  });

  it('keeps every other event of every type as a provider_event, never throwing', () => {
    const others = examples.filter((example) => !LISTED_EVENTS.includes(example.eventName));
    expect(new Set(others.map((example) => example.eventName)).size).toBeGreaterThan(40);
    for (const example of others) {
      const signal = normalize(example);
      expect(signal.kind, example.eventName).toBe('provider_event');
      expect(signal.summary).toContain(`GitHub ${example.eventName}`);
    }
  });

  it('keeps an event GitHub has not invented yet, and a payload of unexpected shape', () => {
    const future = normalize({ eventName: 'copilot_thought', payload: { action: 'pondered' } });
    expect(future).toMatchObject({
      kind: 'provider_event',
      actor: null,
      subject: null,
      summary: 'GitHub copilot_thought pondered',
    });
    expect(future.occurredAt).toBe(receivedAt.toISOString());
    const odd = normalize({ eventName: 'issues', payload: { action: 'opened', issue: 'not an object' } });
    expect(odd.kind).toBe('provider_event');
    expect(normalize({ eventName: 'push', payload: ['not', 'an', 'object'] as never }).kind).toBe(
      'provider_event',
    );
  });
});

describe('GitHub signals in detail', () => {
  it('issues.opened: actor, subject and a sentence', () => {
    const signal = normalize(first('issues', 'opened'));
    expect(signal).toMatchObject({
      kind: 'issue_created',
      actor: { id: '21031067', name: 'Codertocat', bot: false },
      subject: { type: 'issue', url: 'https://github.com/Codertocat/Hello-World/issues/1' },
      summary: 'Codertocat opened issue #1 "Spelling error in the README file" in Codertocat/Hello-World',
      occurredAt: '2019-05-15T15:20:18.000Z',
    });
  });

  it('issues.closed and a merged pull_request, which the package has no example of', () => {
    // The package has no issues.closed example and no merged pull request, so these take a real
    // example and change only the fields GitHub documents for that action: state/closed_at for a
    // closed issue, merged/merged_at for a merged pull request.
    const reopened = first('issues', 'reopened').payload as { issue: Record<string, unknown> };
    const closed = normalize({
      eventName: 'issues',
      payload: {
        ...reopened,
        action: 'closed',
        issue: { ...reopened.issue, state: 'closed', closed_at: '2019-05-15T16:00:00Z' },
      },
    });
    expect(closed).toMatchObject({ kind: 'issue_closed', occurredAt: '2019-05-15T16:00:00.000Z' });
    expect(closed.summary).toMatch(/^Codertocat closed issue #1 /);

    const closedPr = first('pull_request', 'closed').payload as { pull_request: Record<string, unknown> };
    expect(normalize({ eventName: 'pull_request', payload: closedPr }).kind).toBe('pull_request_closed');
    const merged = normalize({
      eventName: 'pull_request',
      payload: {
        ...closedPr,
        pull_request: { ...closedPr.pull_request, merged: true, merged_at: '2019-05-15T15:21:00Z' },
      },
    });
    expect(merged.kind).toBe('pull_request_merged');
    expect(merged.summary).toMatch(/ merged pull request #\d+ ".*" into \S+ in /);
    expect(merged.occurredAt).toBe('2019-05-15T15:21:00.000Z');
  });

  it('push: branch pushes, tag creation and deletion read naturally', () => {
    const summaries = listed
      .filter((example) => example.eventName === 'push')
      .map((example) => normalize(example).summary);
    expect(summaries).toContain('Codertocat created branch master with 1 commit in Codertocat/Hello-World');
    expect(summaries).toContain('Codertocat created tag simple-tag in Codertocat/Hello-World');
    expect(summaries).toContain('Codertocat deleted tag simple-tag in Codertocat/Hello-World');
  });

  it('never links to anything but http(s)', () => {
    const example = first('issues', 'opened').payload as { issue: Record<string, unknown> };
    const hostile = { ...example, issue: { ...example.issue, html_url: 'javascript:alert(1)' } };
    const signal = normalize({ eventName: 'issues', payload: hostile });
    expect(signal.kind).toBe('provider_event');
    expect(signal.subject).toMatchObject({
      type: 'repository',
      url: 'https://github.com/Codertocat/Hello-World',
    });
  });

  it('marks GitHub App senders as bots', () => {
    const example = first('issues', 'opened');
    const payload = { ...example.payload, sender: { id: 29110, login: 'dependabot[bot]', type: 'Bot' } };
    expect(normalize({ eventName: 'issues', payload }).actor).toEqual({
      id: '29110',
      name: 'dependabot[bot]',
      bot: true,
    });
  });

  it('derives the signal id from the delivery, so a redelivery is the same signal', () => {
    const example = first('release', 'published');
    const once = normalize(example, 'd-42');
    expect(once.id).toBe(signalId('github', 'conn_1', 'd-42', 0));
    expect(once.changeKey).toBeUndefined();
    expect(normalize(example, 'd-42')).toEqual(once);
    expect(normalize(example, 'd-43').id).not.toBe(once.id);
  });

  it('names the changes a sync can also see, and derives their ids from the change, not the delivery', () => {
    const opened = first('issues', 'opened');
    const issue = opened.payload['issue'] as Record<string, unknown> & { id: number };
    const created = normalize(opened, 'd-1');
    expect(created.changeKey).toBe(`issue:${issue.id}:created`);
    expect(created.id).toBe(changeSignalId('github', 'conn_1', `issue:${issue.id}:created`));
    // Another delivery of the same change (a redelivery under a new id, or a second hook): same signal.
    expect(normalize(opened, 'd-2').id).toBe(created.id);

    const closeAt = (closedAt: string) =>
      normalize({
        eventName: 'issues',
        payload: {
          ...opened.payload,
          action: 'closed',
          issue: { ...issue, state: 'closed', closed_at: closedAt },
        },
      });
    // The same instant however GitHub writes it; a second close (after a reopen) is a change of its own.
    expect(closeAt('2019-05-15T16:00:00Z').changeKey).toBe(
      `issue:${issue.id}:closed:2019-05-15T16:00:00.000Z`,
    );
    expect(closeAt('2019-05-15T16:00:00.000Z').id).toBe(closeAt('2019-05-15T16:00:00Z').id);
    expect(closeAt('2019-05-16T09:00:00Z').id).not.toBe(closeAt('2019-05-15T16:00:00Z').id);

    const closedPr = first('pull_request', 'closed').payload as {
      pull_request: { id: number; closed_at: string };
    };
    const pr = closedPr.pull_request;
    expect(normalize({ eventName: 'pull_request', payload: closedPr }).changeKey).toBe(
      `pull_request:${pr.id}:closed:${new Date(pr.closed_at).toISOString()}`,
    );
    const merged = normalize({
      eventName: 'pull_request',
      payload: { ...closedPr, pull_request: { ...pr, merged: true, merged_at: '2019-05-15T15:21:00Z' } },
    });
    expect(merged.changeKey).toBe(`pull_request:${pr.id}:merged`);
    // Edits, reopens, labels and comments leave nothing a listing could name: delivery ids.
    for (const [eventName, action] of [
      ['issues', 'edited'],
      ['issues', 'reopened'],
      ['issues', 'labeled'],
      ['issue_comment', 'created'],
      ['pull_request', 'reopened'],
    ] as const) {
      expect(normalize(first(eventName, action), 'd-9'), `${eventName}.${action}`).toMatchObject({
        id: signalId('github', 'conn_1', 'd-9', 0),
      });
    }
  });
});

describe('githubRoutingId', () => {
  it("reads the installation id of an App's delivery", () => {
    const withInstallation = examples.filter(
      (example) => typeof example.payload['installation'] === 'object',
    );
    expect(withInstallation.length).toBeGreaterThan(0);
    for (const example of withInstallation) {
      const installation = example.payload['installation'] as { id: number };
      expect(githubRoutingId(example.payload)).toBe(String(installation.id));
    }
    expect(githubRoutingId({ zen: 'Design for failure.' })).toBeNull();
    expect(githubRoutingId(null)).toBeNull();
  });
});

describe('a real delivery end to end', () => {
  it('verifies on the raw bytes, then parses and normalizes', async () => {
    const { createHmac } = await import('node:crypto');
    const { githubManifest } = await import('../../../src/connectors/github/manifest.js');
    const { verifyDelivery } = await import('../../../src/ingress/verify-delivery.js');
    const example = listed.find(
      (candidate) => candidate.eventName === 'pull_request' && candidate.payload['action'] === 'opened',
    );
    if (!example || !githubManifest.webhooks) throw new Error('fixture or manifest missing');
    const rawBody = Buffer.from(JSON.stringify(example.payload, null, 2));
    const secret = 'repository-webhook-secret';
    const verdict = verifyDelivery(
      githubManifest.webhooks,
      {
        headers: {
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
          'x-github-delivery': '9d3f2a40-0b5c-11ee-8c99-0242ac120002',
          'x-github-event': 'pull_request',
        },
        rawBody,
        url: 'https://switchboard.example/webhooks/github/conn_1',
        method: 'POST',
      },
      secret,
      receivedAt,
    );
    expect(verdict).toEqual({
      ok: true,
      deliveryId: '9d3f2a40-0b5c-11ee-8c99-0242ac120002',
      timestamp: null,
    });
    const [signal] = normalizeGithubDelivery({
      provider: 'github',
      eventName: 'pull_request',
      deliveryId: '9d3f2a40-0b5c-11ee-8c99-0242ac120002',
      payload: JSON.parse(rawBody.toString('utf8')),
      connectionId: 'conn_1',
      receivedAt,
    });
    const pullRequest = example.payload['pull_request'] as { id: number };
    expect(signal).toMatchObject({
      kind: 'pull_request_opened',
      changeKey: `pull_request:${pullRequest.id}:opened`,
      id: changeSignalId('github', 'conn_1', `pull_request:${pullRequest.id}:opened`),
    });
  });
});
