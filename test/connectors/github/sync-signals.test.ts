import { describe, expect, it } from 'vitest';
import { githubRecordSignals } from '../../../src/connectors/github/sync-signals.js';
import { toTicketRecord } from '../../../src/connectors/github/sync-tickets.js';
import { normalizeGithubDelivery } from '../../../src/connectors/github/webhook.js';
import type { RecordChange } from '../../../src/connectors/sdk/record-signals.js';
import { makeSignal } from '../../../src/signals/signal.js';
import { GithubApiFake } from '../../support/fakes/github-api.js';
import { githubExamples } from './examples.js';

const REPO = 'octo-org/hello';

function example(eventName: string, action: string): Record<string, unknown> {
  const found = githubExamples().find(
    (candidate) =>
      candidate.source === 'api.github.com' &&
      candidate.eventName === eventName &&
      candidate.payload['action'] === action,
  );
  if (!found) throw new Error(`no ${eventName}.${action} example`);
  return structuredClone(found.payload);
}

/** The signal a webhook delivery of this payload becomes. */
function fromWebhook(eventName: string, payload: Record<string, unknown>) {
  const [signal] = normalizeGithubDelivery({
    provider: 'github',
    eventName,
    deliveryId: crypto.randomUUID(),
    payload,
    connectionId: 'conn_1',
    receivedAt: new Date(),
  });
  return signal;
}

/** The signals the sync of this item becomes, built as the reactor builds them. */
function fromSync(resource: 'issues' | 'pull-requests', op: RecordChange['op'], raw: unknown) {
  const record = toTicketRecord(raw, resource === 'issues' ? 'issue' : 'pull_request');
  return githubRecordSignals({ resource, op, id: record.id, data: record.data, raw }).map((found) =>
    makeSignal({ ...found, provider: 'github', connectionId: 'conn_1', payload: raw }),
  );
}

const fake = new GithubApiFake();
fake.addRepository(REPO);

describe('GitHub record changes as signals', () => {
  it('a new issue is issue_created with the id, time and wording of its issues.opened delivery', () => {
    const json = fake.issueJson(fake.createIssue(REPO, { title: 'Crash on start' }));
    const webhook = fromWebhook('issues', { ...example('issues', 'opened'), issue: json });
    const [synced, ...more] = fromSync('issues', 'created', json);
    expect(more).toEqual([]);
    expect(synced).toMatchObject({
      id: webhook?.id,
      changeKey: webhook?.changeKey,
      kind: 'issue_created',
      occurredAt: webhook?.occurredAt,
      subject: webhook?.subject,
      actor: { id: String(json.user?.id), name: json.user?.login, bot: false },
    });
    // The example's sender opened it there; the listing names the author, in the same words.
    expect(synced?.summary).toBe(
      `${json.user?.login} opened issue #${json.number} "Crash on start" in ${REPO}`,
    );
  });

  it('a closed issue is issue_closed, named by its closing time, as its issues.closed delivery is', () => {
    const item = fake.createIssue(REPO, { title: 'Closes' });
    const closed = fake.issueJson(fake.updateIssue(REPO, item.number, { state: 'closed' }));
    const webhook = fromWebhook('issues', {
      ...example('issues', 'opened'),
      action: 'closed',
      issue: closed,
    });
    const synced = fromSync('issues', 'updated', closed);
    expect(synced.map((signal) => signal.kind)).toEqual(['issue_closed']);
    expect(synced[0]).toMatchObject({
      id: webhook?.id,
      occurredAt: closed.closed_at && new Date(closed.closed_at).toISOString(),
    });
    expect(synced[0]?.summary).toBe(`Issue #${item.number} "Closes" was closed in ${REPO}`);
    // Created and closed between two syncs: both changes.
    expect(fromSync('issues', 'created', closed).map((signal) => signal.kind)).toEqual([
      'issue_created',
      'issue_closed',
    ]);
  });

  it('an open issue that changed otherwise (edited, assigned, reopened) is no signal: a listing cannot name that change', () => {
    const item = fake.createIssue(REPO);
    fake.updateIssue(REPO, item.number, { state: 'closed' });
    const reopened = fake.issueJson(
      fake.updateIssue(REPO, item.number, { state: 'open', assignees: ['hubot'] }),
    );
    expect(fromSync('issues', 'updated', reopened)).toEqual([]);
  });

  it("pull requests: opened, merged (once) and closed without merging, with their deliveries' ids", () => {
    const pr = fake.createPullRequest(REPO, { title: 'Add a feature' });
    const opened = fake.pullJson(pr);
    const openedPayload = example('pull_request', 'opened') as { pull_request: Record<string, unknown> };
    const webhookOpened = fromWebhook('pull_request', {
      ...openedPayload,
      pull_request: { ...openedPayload.pull_request, ...opened },
    });
    expect(fromSync('pull-requests', 'created', opened).map((signal) => signal.id)).toEqual([
      webhookOpened?.id,
    ]);

    const merged = fake.pullJson(fake.updateIssue(REPO, pr.number, { merged: true }));
    const closedPayload = example('pull_request', 'closed') as { pull_request: Record<string, unknown> };
    const webhookMerged = fromWebhook('pull_request', {
      ...closedPayload,
      pull_request: { ...closedPayload.pull_request, ...merged, merged: true },
    });
    const synced = fromSync('pull-requests', 'updated', merged);
    expect(synced.map((signal) => [signal.kind, signal.id])).toEqual([
      ['pull_request_merged', webhookMerged?.id],
    ]);
    expect(synced[0]?.summary).toBe(
      `Pull request #${pr.number} "Add a feature" was merged into ${merged.base.ref} in ${REPO}`,
    );

    const other = fake.createPullRequest(REPO);
    const closed = fake.pullJson(fake.updateIssue(REPO, other.number, { state: 'closed' }));
    const webhookClosed = fromWebhook('pull_request', {
      ...closedPayload,
      pull_request: { ...closedPayload.pull_request, ...closed, merged: false },
    });
    expect(webhookClosed?.kind).toBe('pull_request_closed');
    expect(fromSync('pull-requests', 'updated', closed).map((signal) => signal.id)).toEqual([
      webhookClosed?.id,
    ]);
  });

  it('refuses an item it cannot read, and knows no other resource', () => {
    expect(() =>
      githubRecordSignals({ resource: 'issues', op: 'created', id: '1', data: {}, raw: { id: 'one' } }),
    ).toThrow(/issues record 1 cannot be read/);
    expect(githubRecordSignals({ resource: 'releases', op: 'created', id: '1', data: {}, raw: {} })).toEqual(
      [],
    );
  });
});
