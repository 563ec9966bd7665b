import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderManifest } from '../../../src/connectors/sdk/manifest.js';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import { createMemoryPlatform, createRedisPlatform, type Platform } from '../../../src/platform/index.js';
import {
  createProviderHttp,
  createProviderRateGate,
  type ProviderHttpOptions,
  type ProviderRateGate,
  staticCredentials,
} from '../../../src/sync/provider-client/index.js';
import {
  type FixtureReply,
  type ProviderFixture,
  startProviderFixture,
} from '../../support/provider-fixture.js';
import { describeWithRedis, REDIS_URL, uniqueRedisPrefix } from '../../support/services.js';
import { startTcpForwarder } from '../../support/tcp-forwarder.js';
import {
  budget,
  GITHUB_ISSUES_PATH,
  githubIssuesPage,
  githubManifest,
  githubSecondaryRateLimit,
  onLoopback,
  slackHistory,
  slackList,
  slackManifest,
  slackRateLimited,
} from './provider-fakes.js';

let fixture: ProviderFixture;
/** When each request reached the fake (ms since the epoch), in order. */
let arrivals: number[] = [];

beforeAll(async () => {
  fixture = await startProviderFixture();
});
afterAll(() => fixture.close());

function serve(answer: (index: number) => FixtureReply) {
  arrivals = [];
  fixture.reply(() => {
    arrivals.push(Date.now());
    return answer(arrivals.length - 1);
  });
}

const TENANT = 'tenant-a';

function client(
  gate: ProviderRateGate,
  manifest: ProviderManifest,
  connectionId: string,
  options: Partial<ProviderHttpOptions> & { tenantId?: string } = {},
) {
  const { tenantId = TENANT, ...rest } = options;
  return createProviderHttp({
    manifest,
    connection: { id: connectionId, accountId: null, values: {} },
    credentials: staticCredentials({ authorization: 'token 0000000000000000000000000000000000000001' }),
    rateGate: gate.forConnection({ manifest, tenantId, connectionId }),
    ...rest,
  });
}

async function failureOf(call: Promise<unknown>): Promise<ProviderCallError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ProviderCallError) return error;
    throw error;
  }
  throw new Error('expected a ProviderCallError');
}

const gateOf = (platform: Platform) =>
  createProviderRateGate({ rateGovernor: platform.rateGovernor, kv: platform.kv });

/**
 * What every store must guarantee between two "instances": in memory they are two clients of one
 * process's gate; on Redis, two platforms with connections of their own, as two hub processes.
 */
function sharedBetweenInstances(
  describeFn: (name: string, suite: () => void) => void,
  name: string,
  instances: () => Promise<{ a: ProviderRateGate; b: ProviderRateGate; close(): Promise<void> }>,
) {
  describeFn(`provider rate gate shared between instances (${name})`, () => {
    let a: ProviderRateGate;
    let b: ProviderRateGate;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ a, b, close } = await instances());
    });
    afterAll(() => close());

    it("holds both instances to one connection's budget", async () => {
      serve(() => githubIssuesPage());
      const manifest = onLoopback(githubManifest, fixture.origin, [budget('connection', 2, 1)]);
      const [one, two] = [client(a, manifest, 'conn-1'), client(b, manifest, 'conn-1')];
      const started = Date.now();
      for (const http of [one, two, one, two]) await http.request({ path: GITHUB_ISSUES_PATH });
      expect(arrivals).toHaveLength(4);
      // Two in the first one-second window, the next two only once it is over.
      expect(arrivals[1]! - started).toBeLessThan(500);
      expect(arrivals[2]! - started).toBeGreaterThanOrEqual(1_000);
      // Another connection has a budget of its own.
      const before = Date.now();
      await client(b, manifest, 'conn-2').request({ path: GITHUB_ISSUES_PATH });
      expect(Date.now() - before).toBeLessThan(500);
    });

    it("makes instance B wait for the time GitHub's secondary limit gave instance A", async () => {
      serve((index) => (index === 0 ? githubSecondaryRateLimit(1) : githubIssuesPage()));
      const manifest = onLoopback(githubManifest, fixture.origin);
      const failure = await failureOf(
        client(a, manifest, 'conn-3', { retry: { retries: 0 } }).request({ path: GITHUB_ISSUES_PATH }),
      );
      expect(failure).toMatchObject({ failureClass: 'rate_limited', status: 403 });
      const advised = failure.retryAt!.getTime();
      expect(advised).toBeGreaterThan(Date.now());

      // B, without a request of its own refused, waits for A's advice before anything leaves.
      const response = await client(b, manifest, 'conn-3').request({ path: GITHUB_ISSUES_PATH });
      expect(response.status).toBe(200);
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]!).toBeGreaterThanOrEqual(advised);
    });

    it('ends the call at once with retryAt when the advised wait is longer than the inline limit', async () => {
      serve((index) => (index === 0 ? slackRateLimited(120) : slackHistory()));
      const manifest = onLoopback(slackManifest, fixture.origin);
      const started = Date.now();
      const failure = await failureOf(
        client(a, manifest, 'conn-4').request({ path: '/conversations.history', query: { channel: 'C1' } }),
      );
      expect(failure.failureClass).toBe('rate_limited');
      expect(failure.retryAt!.getTime()).toBeGreaterThanOrEqual(started + 120_000);
      // The other instance does not even ask: the hold answers for the provider.
      const second = await failureOf(
        client(b, manifest, 'conn-4').request({ path: '/conversations.history', query: { channel: 'C1' } }),
      );
      expect(second.failureClass).toBe('rate_limited');
      expect(second.retryAt).toEqual(failure.retryAt);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(arrivals).toHaveLength(1);
    });
  });
}

sharedBetweenInstances(describe, 'memory', async () => {
  const platform = createMemoryPlatform();
  const gate = gateOf(platform);
  return { a: gate, b: gate, close: () => platform.close() };
});

sharedBetweenInstances(describeWithRedis, 'Redis', async () => {
  const prefix = uniqueRedisPrefix();
  const [one, two] = await Promise.all([
    createRedisPlatform(REDIS_URL, { prefix, name: 'sbtest-gate-a' }),
    createRedisPlatform(REDIS_URL, { prefix, name: 'sbtest-gate-b' }),
  ]);
  return {
    a: gateOf(one),
    b: gateOf(two),
    close: async () => {
      await Promise.all([one.close(), two.close()]);
    },
  };
});

describe('provider rate gate budgets and holds (memory)', () => {
  let platform: Platform;
  let gate: ProviderRateGate;
  beforeAll(() => {
    platform = createMemoryPlatform();
    gate = gateOf(platform);
  });
  afterAll(() => platform.close());

  it("ends a run on Slack's one request a minute instead of sleeping a minute, and spares other methods", async () => {
    serve((_index) => slackHistory());
    // Slack's manifest's own budgets: history 1 a minute, conversations.list 20 a minute.
    const manifest = onLoopback(slackManifest, fixture.origin, slackManifest.api.rateLimit!.budgets);
    const http = client(gate, manifest, 'slack-1');
    const started = Date.now();
    await http.request({ path: '/conversations.history', query: { channel: 'C1', limit: 15 } });
    const failure = await failureOf(
      http.request({ path: '/conversations.history', query: { channel: 'C1' } }),
    );
    expect(failure.failureClass).toBe('rate_limited');
    expect(failure.status).toBeNull();
    expect(failure.retryAt!.getTime()).toBeGreaterThan(started + 50_000);
    expect(failure.retryAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(arrivals).toHaveLength(1);

    serve(() => slackList());
    await http.request({ path: '/conversations.list' });
    await http.request({ path: '/conversations.list' });
    expect(arrivals).toHaveLength(2);
  });

  it('counts an app-wide budget across tenants and holds the whole app when the limit is app-wide', async () => {
    serve(() => slackHistory());
    const manifest = onLoopback(slackManifest, fixture.origin, [budget('app', 2, 60)]);
    const inTenant = (tenantId: string, connectionId: string) =>
      client(gate, manifest, connectionId, { tenantId, maxInlineWaitMs: 100 });
    await inTenant('t1', 'app-1').request({ path: '/conversations.list' });
    await inTenant('t2', 'app-2').request({ path: '/conversations.list' });
    const failure = await failureOf(inTenant('t3', 'app-3').request({ path: '/conversations.list' }));
    expect(failure.failureClass).toBe('rate_limited');
    expect(arrivals).toHaveLength(2);

    // A 429 on one connection of an app-wide budget holds every connection of the app.
    const held = onLoopback(slackManifest, fixture.origin, [budget('app', 1_000, 60)]);
    serve((index) => (index === 0 ? slackRateLimited(60) : slackList()));
    const first = await failureOf(
      client(gate, held, 'app-4', { tenantId: 't4' }).request({ path: '/conversations.list' }),
    );
    const other = await failureOf(
      client(gate, held, 'app-5', { tenantId: 't5' }).request({ path: '/conversations.list' }),
    );
    expect(other.retryAt).toEqual(first.retryAt);
    expect(arrivals).toHaveLength(1);
  });

  it('holds a connection whose quota a successful answer said is spent, until its reset', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 120;
    serve(() => githubIssuesPage({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }));
    const manifest = onLoopback(githubManifest, fixture.origin);
    const http = client(gate, manifest, 'quota-1');
    await expect(http.request({ path: GITHUB_ISSUES_PATH })).resolves.toMatchObject({ status: 200 });
    const failure = await failureOf(http.request({ path: GITHUB_ISSUES_PATH }));
    expect(failure).toMatchObject({ failureClass: 'rate_limited', retryAt: new Date(reset * 1000) });
    expect(arrivals).toHaveLength(1);
    // Another connection's quota is its own.
    await client(gate, manifest, 'quota-2').request({ path: GITHUB_ISSUES_PATH });
    expect(arrivals).toHaveLength(2);
  });

  it('waits for a short advised time inline and then succeeds', async () => {
    serve((index) => (index === 0 ? slackRateLimited(1) : slackHistory()));
    const manifest = onLoopback(slackManifest, fixture.origin);
    const response = await client(gate, manifest, 'short-1').request({ path: '/conversations.history' });
    expect(response.status).toBe(200);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1_000 - 5);
  });
});

describeWithRedis('provider rate gate while Redis is down (Redis)', () => {
  const fallbacks: unknown[] = [];
  let forwarder: Awaited<ReturnType<typeof startTcpForwarder>>;
  let platform: Platform;
  let gate: ProviderRateGate;

  beforeAll(async () => {
    const redis = new URL(REDIS_URL);
    forwarder = await startTcpForwarder({ host: redis.hostname, port: Number(redis.port || 6379) });
    platform = await createRedisPlatform(forwarder.url(REDIS_URL), {
      prefix: uniqueRedisPrefix(),
      name: 'sbtest-gate-down',
      onError: () => {},
    });
    gate = createProviderRateGate({
      rateGovernor: platform.rateGovernor,
      kv: platform.kv,
      onFallback: (error) => fallbacks.push(error),
    });
    await forwarder.down();
  });
  afterEach(() => forwarder.up());
  afterAll(async () => {
    await forwarder.up();
    await platform.close();
    await forwarder.close();
  });

  it("still keeps budgets and holds, in this process's memory, promptly", async () => {
    serve((index) => (index === 2 ? slackRateLimited(1) : slackList()));
    const manifest = onLoopback(slackManifest, fixture.origin, [budget('connection', 4, 60)]);
    const http = client(gate, manifest, 'down-1', { maxInlineWaitMs: 5_000 });
    const started = Date.now();
    await http.request({ path: '/conversations.list' });
    await http.request({ path: '/conversations.list' });
    // The 429 is held locally; its retry leaves after the advised second.
    await http.request({ path: '/conversations.list' });
    expect(arrivals).toHaveLength(4);
    expect(arrivals[3]! - arrivals[2]!).toBeGreaterThanOrEqual(1_000 - 5);
    // The budget of 4 is spent (the 429 counted): the next call is refused without a request.
    const failure = await failureOf(http.request({ path: '/conversations.list' }));
    expect(failure.failureClass).toBe('rate_limited');
    expect(arrivals).toHaveLength(4);
    // One late answer at most, then local decisions: far less than a Redis timeout per request.
    expect(Date.now() - started).toBeLessThan(1_000 + 1_500);
    expect(fallbacks.length).toBeGreaterThan(0);
  });
});
