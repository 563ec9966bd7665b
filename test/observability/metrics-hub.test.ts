import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { githubExamples } from '../connectors/github/examples.js';
import { post } from '../e2e/webhooks-support.js';
import { githubHeaders } from '../ingress/sign.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { asOperator } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';
import { moved, scrape } from './scrape.js';

const caller = systemCaller('test', randomUUID());
const REPO = 'octo-org/metrics';
const SECRET = 'a-webhook-secret-of-enough-length-0123';

function issueOpened(): Record<string, unknown> {
  const found = githubExamples().find(
    (candidate) =>
      candidate.source === 'api.github.com' &&
      candidate.eventName === 'issues' &&
      candidate.payload['action'] === 'opened',
  );
  if (!found) throw new Error('no issues.opened example');
  return structuredClone(found.payload);
}

describeWithPostgres('metrics move when their events happen (PostgreSQL, GitHub fake)', () => {
  let fake: GithubApiFake;
  let world: SyncWorld;
  let provider: string;

  beforeAll(async () => {
    fake = await startGithubApiFake({ startAt: new Date(Date.now() - 24 * 3600_000) });
    fake.addRepository(REPO);
    fake.seedIssues(REPO, 4);
    fake.seedPullRequests(REPO, 1);
    world = await startSyncWorld({
      base: 'github',
      baseUrl: fake.origin,
      token: fake.token,
      // The proxy refuses loopback addresses unless the manifest allows them.
      overrides: { api: { baseUrl: fake.origin, allowPrivateNetwork: true } },
    });
    provider = world.provider;
    await world.hub.runtime.connections.configureWebhookSecret(caller, world.tenantId, {
      connectionId: world.connectionId,
      secret: SECRET,
    });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
  });

  const settle = () => world.settle();

  const webhookUrl = () => `${world.hub.url}/webhooks/${provider}/${world.connectionId}`;
  const proxy = (path: string, connectionId = world.connectionId) =>
    fetch(`${world.hub.url}/proxy/${connectionId}/${path}`, { headers: asOperator(world.tenantId) });
  const scraped = () => scrape(world.hub);

  it('counts webhook deliveries by result and verification failures by reason', async () => {
    const before = await scraped();
    const body = JSON.stringify(issueOpened());
    const headers = githubHeaders(SECRET, 'issues', body);
    expect((await post(webhookUrl(), headers, body)).status).toBe(200);
    expect((await post(webhookUrl(), headers, body)).body).toMatchObject({ status: 'duplicate' });
    const forged = githubHeaders('not-the-secret-at-all-0123456789', 'issues', body);
    expect((await post(webhookUrl(), forged, body)).status).toBe(401);
    const broken = '{"action": "opened", ';
    expect((await post(webhookUrl(), githubHeaders(SECRET, 'issues', broken), broken)).status).toBe(400);
    const after = await scraped();

    const deliveries = (result: string) =>
      moved(before, after, 'switchboard_webhook_deliveries_total', { provider, result });
    expect(deliveries('accepted')).toBe(1);
    expect(deliveries('duplicate')).toBe(1);
    expect(deliveries('rejected')).toBe(1);
    expect(deliveries('dead_lettered')).toBe(1);
    expect(deliveries('error')).toBe(0);
    expect(
      moved(before, after, 'switchboard_webhook_verify_failures_total', {
        provider,
        reason: 'bad_signature',
      }),
    ).toBe(1);
    // No tenant label unless an operator opts in.
    expect(after.find('switchboard_webhook_deliveries_total')[0]?.labels).not.toHaveProperty('tenant');
  });

  it('labels a provider id no catalog knows `unknown` instead of making a series of it', async () => {
    const before = await scraped();
    const made = `made-up-${randomUUID().slice(0, 8)}`;
    expect((await post(`${world.hub.url}/webhooks/${made}/${world.connectionId}`, {}, '{}')).status).toBe(
      404,
    );
    const after = await scraped();
    expect(
      moved(before, after, 'switchboard_webhook_deliveries_total', {
        provider: 'unknown',
        result: 'rejected',
      }),
    ).toBe(1);
    expect(after.samples.some((sample) => Object.values(sample.labels).includes(made))).toBe(false);
  });

  it('gives the delivery → signal lag of a webhook signal once it is published live', async () => {
    await settle();
    const after = await scraped();
    const labels = { provider, source: 'webhook' };
    expect(after.value('switchboard_signal_lag_seconds_count', labels)).toBeGreaterThanOrEqual(1);
    // Published within the test's few seconds, so inside the 30 s bucket.
    expect(after.value('switchboard_signal_lag_seconds_bucket', { ...labels, le: '30' })).toBe(
      after.value('switchboard_signal_lag_seconds_count', labels),
    );
  });

  it('counts the webhook dead letter waiting, with the age of the oldest', async () => {
    await settle();
    // Scrape-time reads are cached for 5 s: poll past that.
    await expect
      .poll(async () => (await scraped()).value('switchboard_dead_letters', { kind: 'webhook' }), {
        timeout: 10_000,
        interval: 500,
      })
      .toBe(1);
    const now = await scraped();
    expect(
      now.value('switchboard_dead_letter_oldest_age_seconds', { kind: 'webhook' }),
    ).toBeGreaterThanOrEqual(0);
    expect(now.value('switchboard_dead_letters', { kind: 'sync' })).toBe(0);
    expect(now.value('switchboard_dead_letter_oldest_age_seconds', { kind: 'sync' })).toBe(0);
  });

  it('counts sync runs by result, records by change, and the lag of a sync signal', async () => {
    const before = await scraped();
    await world.engine.configureSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'issues',
      config: { repositories: [REPO] },
    });
    await settle();
    const first = await scraped();
    const issues = { provider, resource: 'issues' };
    expect(moved(before, first, 'switchboard_sync_runs_total', { ...issues, result: 'succeeded' })).toBe(1);
    expect(moved(before, first, 'switchboard_sync_records_total', { ...issues, change: 'created' })).toBe(4);

    // A change made while the hub watches becomes a signal through the sync.
    fake.advanceClock(new Date());
    fake.createIssue(REPO);
    fake.updateIssue(REPO, 1, { state: 'closed' });
    await world.engine.startSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'issues',
    });
    await settle();
    const second = await scraped();
    expect(moved(first, second, 'switchboard_sync_runs_total', { ...issues, result: 'succeeded' })).toBe(1);
    expect(moved(first, second, 'switchboard_sync_records_total', { ...issues, change: 'created' })).toBe(1);
    expect(moved(first, second, 'switchboard_sync_records_total', { ...issues, change: 'updated' })).toBe(1);
    expect(
      moved(first, second, 'switchboard_signal_lag_seconds_count', { provider, source: 'sync' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('times executed GraphQL queries and mutations by type and result, with no operation name label', async () => {
    const before = await scraped();
    const graphql = (query: string) =>
      fetch(`${world.hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asOperator(world.tenantId) },
        body: JSON.stringify({ query }),
      }).then((response) => response.json() as Promise<{ errors?: unknown[] }>);
    expect((await graphql('query ChosenByTheClient { providers { id } }')).errors).toBeUndefined();
    // A resolver's refusal (a tenant id that is not one) is a result with errors: counted as such.
    expect(
      (await graphql('mutation { registerTenant(input: { id: "Not An Id!", name: "x" }) { id } }')).errors,
    ).toBeDefined();
    const after = await scraped();
    const series = 'switchboard_graphql_operation_duration_seconds_count';
    expect(moved(before, after, series, { operation_type: 'query', result: 'ok' })).toBe(1);
    expect(moved(before, after, series, { operation_type: 'mutation', result: 'error' })).toBe(1);
    expect(JSON.stringify(after.find(series, {}))).not.toContain('ChosenByTheClient');
  });

  it('counts a drift check that finds drift', async () => {
    const before = await scraped();
    fake.updateSilently(REPO, 2, { title: 'Renamed where no sync looks' });
    await world.engine.checkDrift(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'issues',
    });
    await world.engine.driftIdle();
    const after = await scraped();
    expect(moved(before, after, 'switchboard_drift_detections_total', { provider, resource: 'issues' })).toBe(
      1,
    );
  });

  it('counts proxy calls by status class with their latency', async () => {
    const before = await scraped();
    expect((await proxy(`repos/${REPO}/issues`)).status).toBe(200);
    expect((await proxy(`repos/${REPO}/issues/99999`)).status).toBe(404);
    const after = await scraped();
    const call = { provider, caller: 'proxy' };
    expect(moved(before, after, 'switchboard_proxy_requests_total', { ...call, status_class: '2xx' })).toBe(
      1,
    );
    expect(moved(before, after, 'switchboard_proxy_requests_total', { ...call, status_class: '4xx' })).toBe(
      1,
    );
    expect(moved(before, after, 'switchboard_proxy_request_duration_seconds_count', call)).toBe(2);
  });

  it("counts calls the provider's rate limit held back, by caller, and the sync run it stopped", async () => {
    const before = await scraped();
    // GitHub's secondary limit: 429 with a minute's retry-after, longer than any call waits inline.
    fake.secondaryRateLimit({ status: 429, retryAfterSeconds: 60 });
    expect((await proxy(`repos/${REPO}/issues`)).status).toBe(429);
    // The hold is the connection's: the next proxy call and the next sync run wait on it.
    expect((await proxy(`repos/${REPO}/issues`)).status).toBe(429);
    await world.engine.startSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'issues',
    });
    await world.engine.tick();
    await world.engine.worker.idle();
    const after = await scraped();
    expect(moved(before, after, 'switchboard_rate_limited_waits_total', { provider, caller: 'proxy' })).toBe(
      1,
    );
    expect(moved(before, after, 'switchboard_rate_limited_waits_total', { provider, caller: 'sync' })).toBe(
      1,
    );
    expect(moved(before, after, 'switchboard_rate_limited_wait_seconds_count', { provider })).toBe(2);
    // Held back for most of the minute: above the 15 s bucket.
    expect(moved(before, after, 'switchboard_rate_limited_wait_seconds_bucket', { provider, le: '15' })).toBe(
      0,
    );
    expect(
      moved(before, after, 'switchboard_sync_runs_total', {
        provider,
        resource: 'issues',
        result: 'rate_limited',
      }),
    ).toBe(1);
    fake.liftRateLimits();
  });

  it('shows a circuit the proxy opened on a failing origin', async () => {
    // Another connection: the previous test's hold stays on the first one.
    const other = await world.hub.runtime.connections.connectWithCredentials(caller, world.tenantId, {
      provider,
      credentials: { apiKey: fake.token },
      verify: false,
    });
    const origin = new URL(fake.origin).origin;
    const state = async () =>
      (await scraped()).find('switchboard_circuit_breaker_state', { provider, origin })[0]?.value;
    expect(await state()).toBeUndefined();
    fake.failNext(100, 502);
    // A GET is tried three times: the first call fails three times, the second opens the circuit
    // at its fifth failure and is refused its last try.
    expect((await proxy(`repos/${REPO}/issues`, other.id)).status).toBe(502);
    expect(await state()).toBe(0);
    expect((await proxy(`repos/${REPO}/issues`, other.id)).status).toBe(503);
    expect(await state()).toBe(2);
    fake.failNext(0);
  });
});
