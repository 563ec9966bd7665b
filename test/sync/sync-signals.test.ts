import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { eventCatalog } from '../../src/events/catalog.js';
import { type SignalEvent, signalsStream } from '../../src/events/signal.js';
import { SignalDocument } from '../../src/generated/graphql.js';
import { allProjections } from '../../src/projections/index.js';
import { verifyReadModels } from '../../src/projections/verify/verify.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { type FakeIssue, type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { asOperator } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';

const caller = systemCaller('test', randomUUID());
const REPO = 'octo-org/hello';
/** A repository the sync's configuration takes in later. */
const LATER = 'octo-org/later';
const SECRET = 'a-webhook-secret-of-enough-length-0123';

/** A recorded delivery of @octokit/webhooks-examples (api.github.com), fresh to edit. */
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

describeWithPostgres(
  'sync changes become signals, one per change with webhooks (PostgreSQL, GitHub fake)',
  () => {
    let fake: GithubApiFake;
    let world: SyncWorld;

    beforeAll(async () => {
      // What the repositories held a day before the sync began: history.
      fake = await startGithubApiFake({ startAt: new Date(Date.now() - 24 * 3600_000) });
      fake.addRepository(REPO);
      fake.seedIssues(REPO, 5);
      fake.seedPullRequests(REPO, 2);
      fake.updateIssue(REPO, 1, { state: 'closed' });
      fake.addRepository(LATER);
      fake.seedIssues(LATER, 3);
      world = await startSyncWorld({ base: 'github', baseUrl: fake.origin, token: fake.token });
      await world.hub.runtime.connections.configureWebhookSecret(caller, world.tenantId, {
        connectionId: world.connectionId,
        secret: SECRET,
      });
      for (const resource of ['issues', 'pull-requests']) {
        await world.engine.configureSync(caller, world.tenantId, {
          connectionId: world.connectionId,
          resource,
          config: { repositories: [REPO] },
        });
      }
      await settle();
      // From here on, changes happen now, while the hub watches.
      fake.advanceClock(new Date());
    }, 120_000);
    afterAll(async () => {
      await world?.close();
      await fake?.close();
    });

    const settle = () => world.settle();

    async function sync(resource: 'issues' | 'pull-requests'): Promise<void> {
      await world.engine.startSync(caller, world.tenantId, { connectionId: world.connectionId, resource });
      await settle();
    }

    async function deliver(eventName: string, payload: Record<string, unknown>) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${world.hub.url}/webhooks/${world.provider}/${world.connectionId}`, {
        method: 'POST',
        headers: githubHeaders(SECRET, eventName, body),
        body,
      });
      const answer = (await response.json()) as { status: string; signals: string[] };
      expect(response.status, JSON.stringify(answer)).toBe(200);
      await settle();
      return answer;
    }

    const issueOpened = (item: FakeIssue) => ({
      ...example('issues', 'opened'),
      issue: fake.issueJson(item),
    });
    const issueClosed = (item: FakeIssue) => ({
      ...example('issues', 'opened'),
      action: 'closed',
      issue: fake.issueJson(item),
    });

    const rows = (where: { subjectId?: string | { in: string[] }; kind?: string } = {}) =>
      world.hub.runtime.readModels.prisma.signal.findMany({
        where: { tenantId: world.tenantId, ...where },
        orderBy: { position: 'asc' },
      });

    /** Every SignalRecorded in the connection's stream: what the log holds, duplicates included. */
    async function logged(): Promise<SignalEvent[]> {
      const events: SignalEvent[] = [];
      const stream = signalsStream(world.tenantId, world.connectionId);
      for await (const recorded of world.hub.runtime.eventStore.readStream(stream)) {
        events.push(eventCatalog.decode(recorded) as SignalEvent);
      }
      return events;
    }

    it('records the first listing as data, not news: no signal for what happened before the sync began', async () => {
      expect(
        await world.hub.runtime.readModels.prisma.syncRecord.count({ where: { tenantId: world.tenantId } }),
      ).toBe(7);
      expect(await rows()).toEqual([]);
    });

    it("(a) an issue seen by webhook, then by the sync: one issue_created, the webhook's", async () => {
      const item = fake.createIssue(REPO, { title: 'Seen by webhook first' });
      // On the same page of the next sync, an issue whose webhook never came.
      const unheard = fake.createIssue(REPO, { title: 'Not delivered' });
      const accepted = await deliver('issues', issueOpened(item));
      expect(accepted.status).toBe('accepted');
      await sync('issues');
      const found = await rows({ subjectId: String(item.id) });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ id: accepted.signals[0], kind: 'issue_created', eventType: 'issues' });
      expect(found[0]?.deliveryId).not.toBeNull();
      // The sync's append of it was a retry of the webhook's event: the log holds the change once,
      // and the other issue of the page was recorded all the same.
      const events = await logged();
      expect(events.filter((event) => event.data.signal.id === accepted.signals[0])).toHaveLength(1);
      expect(await rows({ subjectId: String(unheard.id) })).toEqual([
        expect.objectContaining({ kind: 'issue_created', eventType: 'sync:issues' }),
      ]);
    });

    it('(b) an issue seen by the sync, then by webhook: one issue_created, and the delivery is a duplicate', async () => {
      const item = fake.createIssue(REPO, { title: 'Seen by the sync first' });
      await sync('issues');
      const [fromSync, ...others] = await rows({ subjectId: String(item.id) });
      expect(others).toEqual([]);
      expect(fromSync).toMatchObject({ kind: 'issue_created', eventType: 'sync:issues', deliveryId: null });
      const answer = await deliver('issues', issueOpened(item));
      expect(answer).toEqual({ status: 'duplicate', signals: [fromSync?.id] });
      expect(await rows({ subjectId: String(item.id) })).toEqual([fromSync]);
    });

    it('(c) a missed webhook is filled in by the next sync, worded as the webhook would have', async () => {
      const item = fake.createIssue(REPO, { title: 'Nobody told us' });
      await sync('issues');
      const found = await rows({ subjectId: String(item.id) });
      expect(found).toHaveLength(1);
      const json = fake.issueJson(item);
      expect(found[0]).toMatchObject({
        kind: 'issue_created',
        provider: world.provider,
        connectionId: world.connectionId,
        occurredAt: new Date(json.created_at),
        actorName: json.user?.login,
        subjectType: 'issue',
        subjectTitle: 'Nobody told us',
        subjectUrl: json.html_url,
        summary: `${json.user?.login} opened issue #${item.number} "Nobody told us" in ${REPO}`,
      });
      const event = (await logged()).find((candidate) => candidate.data.signal.id === found[0]?.id);
      expect(event?.data.sync).toEqual({
        resource: 'issues',
        runId: expect.any(String),
        recordId: String(item.id),
      });
      // Served like any signal, its payload the issue as the sync listed it.
      const served = await world.hub.request(
        SignalDocument,
        { id: found[0]!.id },
        asOperator(world.tenantId),
      );
      expect(served.data?.signal).toMatchObject({
        kind: 'issue_created',
        deliveryId: null,
        eventType: 'sync:issues',
        payload: json,
      });
    });

    it('(d) an issue closed between syncs: issue_closed once, however often the closed issue changes after', async () => {
      const item = fake.createIssue(REPO, { title: 'To be closed' });
      await sync('issues');
      const closed = fake.updateIssue(REPO, item.number, { state: 'closed' });
      await sync('issues');
      const closedAt = fake.issueJson(closed).closed_at as string;
      const once = await rows({ subjectId: String(item.id), kind: 'issue_closed' });
      expect(once).toHaveLength(1);
      expect(once[0]?.occurredAt).toEqual(new Date(closedAt));
      // An edit after the close is a new version of the record, not a new close.
      fake.updateIssue(REPO, item.number, { title: 'To be closed (edited)' });
      await sync('issues');
      expect(await rows({ subjectId: String(item.id), kind: 'issue_closed' })).toEqual(once);
      expect((await logged()).filter((event) => event.data.signal.id === once[0]?.id)).toHaveLength(1);
      // And the webhook of that close, arriving late, is the same signal.
      const answer = await deliver(
        'issues',
        issueClosed(fake.items(REPO).find((each) => each.id === item.id)!),
      );
      expect(answer).toEqual({ status: 'duplicate', signals: [once[0]?.id] });
      // Reopened and closed again: a second close, a second signal.
      fake.updateIssue(REPO, item.number, { state: 'open' });
      fake.updateIssue(REPO, item.number, { state: 'closed' });
      await sync('issues');
      expect(await rows({ subjectId: String(item.id), kind: 'issue_closed' })).toHaveLength(2);
    });

    it('(e) an unchanged re-sync yields no signal and appends nothing', async () => {
      const before = await logged();
      await sync('issues');
      await sync('pull-requests');
      expect(await logged()).toHaveLength(before.length);
    });

    it('pull requests: opened and merged once each, whichever path brings them', async () => {
      const item = fake.createPullRequest(REPO, { title: 'Add a feature' });
      await sync('pull-requests');
      const [opened, ...more] = await rows({ subjectId: String(item.pull?.id) });
      expect(more).toEqual([]);
      expect(opened).toMatchObject({ kind: 'pull_request_opened', eventType: 'sync:pull-requests' });
      const merged = fake.updateIssue(REPO, item.number, { merged: true });
      const payload = example('pull_request', 'closed') as { pull_request: Record<string, unknown> };
      const answer = await deliver('pull_request', {
        ...payload,
        pull_request: { ...payload.pull_request, ...fake.pullJson(merged), merged: true },
      });
      expect(answer.status).toBe('accepted');
      await sync('pull-requests');
      const after = await rows({ subjectId: String(item.pull?.id) });
      expect(after.map((row) => row.kind)).toEqual(['pull_request_opened', 'pull_request_merged']);
      expect(after[1]).toMatchObject({ id: answer.signals[0], eventType: 'pull_request' });
      const events = await logged();
      for (const row of after)
        expect(events.filter((event) => event.data.signal.id === row.id)).toHaveLength(1);
    });

    it('the reactor run again over the whole log (a crash before its checkpoint) appends nothing', async () => {
      const before = await logged();
      expect(before.length).toBeGreaterThan(5);
      await world.hub.runtime.projections.rebuild('sync-signals', { timeoutMs: 60_000 });
      await settle();
      expect(await logged()).toEqual(before);
    });

    it('a repository added to the configuration later: its old issues are history, its new ones news', async () => {
      await world.engine.configureSync(caller, world.tenantId, {
        connectionId: world.connectionId,
        resource: 'issues',
        config: { repositories: [REPO, LATER] },
      });
      await sync('issues');
      const old = fake.items(LATER).map((item) => String(item.id));
      const recorded = await world.hub.runtime.readModels.prisma.syncRecord.count({
        where: { tenantId: world.tenantId, recordId: { in: old } },
      });
      expect(recorded).toBe(3);
      expect(await rows({ subjectId: { in: old } })).toEqual([]);
      const item = fake.createIssue(LATER, { title: 'New in the later repository' });
      await sync('issues');
      expect(await rows({ subjectId: String(item.id) })).toEqual([
        expect.objectContaining({ kind: 'issue_created', eventType: 'sync:issues' }),
      ]);
    });

    it('replay --verify rebuilds the same signals from the log', async () => {
      const result = await verifyReadModels({
        eventStore: world.hub.runtime.eventStore,
        live: world.hub.runtime.readModels,
        projections: allProjections({ vault: world.hub.runtime.vault }).filter((projection) =>
          projection.tables.some((table) => table.name === 'signals' || table.name.startsWith('sync_')),
        ),
      });
      expect(result.tables.map((table) => table.table)).toContain('signals');
      expect(result.tables.filter((table) => !table.equal)).toEqual([]);
      expect(result.equal).toBe(true);
    }, 120_000);
  },
);
