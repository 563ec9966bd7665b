import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignalEvent } from '../../src/events/signal.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createPgliteEventStore, createPostgresEventStore } from '../../src/eventstore/sql/index.js';
import { type StartedHub, startHub } from '../e2e/process.js';
import { githubHeaders } from '../ingress/sign.js';
import { OPERATOR_TOKEN, TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import {
  createScratchDatabase,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';

/** Runs per profile (FAULTS_RUNS), senders at once, and how long the load runs before the kill. */
const RUNS = Number(process.env.FAULTS_RUNS ?? 3);
const SENDERS = 32;
/** A hub's start and catch-up (an embedded one creates its PGlite data directories). */
const STARTUP_MS = 120_000;
const KILL_AFTER_MS = () => 2_000 + Math.floor(Math.random() * 3_000);

interface Profile {
  name: string;
  env: Record<string, string>;
  /** The log, read directly once the hub has stopped. */
  openLog(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

async function graphql<T>(url: string, query: string, tenantId?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
  return body.data;
}

async function ready(url: string, timeoutMs = STARTUP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** Signed GitHub deliveries as fast as the hub answers them; the ids it acknowledged (200). */
function webhookLoad(url: string, secret: string) {
  const acknowledged = new Set<string>();
  let sent = 0;
  let stopped = false;
  const sender = async () => {
    while (!stopped) {
      const deliveryId = randomUUID();
      const body = JSON.stringify({
        action: 'opened',
        issue: {
          number: 1,
          title: `load ${deliveryId}`,
          html_url: 'https://github.com/o/r/issues/1',
          user: { login: 'a' },
        },
        repository: { full_name: 'o/r' },
        sender: { login: 'a' },
      });
      sent++;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: githubHeaders(secret, 'issues', body, deliveryId),
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged.add(deliveryId);
      } catch {
        // The hub is gone: whatever was in flight was never acknowledged.
        return;
      }
    }
  };
  const senders = Array.from({ length: SENDERS }, sender);
  return {
    acknowledged,
    get sent() {
      return sent;
    },
    async stop() {
      stopped = true;
      await Promise.all(senders);
    },
  };
}

async function recordedDeliveries(log: EventStore, tenantId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const event of log.readAll({ filter: { eventTypes: ['SignalRecorded'] } })) {
    if (!event.stream.startsWith(`signals-${tenantId}.`)) continue;
    const id = (event as SignalEvent).data.delivery.id;
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/**
 * kill -9 of a hub under webhook load, then a restart on the same data: every delivery it
 * acknowledged is in the log exactly once (nothing acknowledged lost, nothing recorded twice).
 */
async function killUnderLoad(profile: Profile, run: number) {
  let hub: StartedHub | undefined = await startHub(profile.env, STARTUP_MS);
  try {
    await ready(hub.url);
    const tenantId = `kill-${randomUUID().slice(0, 8)}`;
    await graphql(hub.url, `mutation { registerTenant(input: { id: "${tenantId}", name: "Kill" }) { id } }`);
    const created = await graphql<{
      createWebhookConnection: { connection: { id: string }; secret: string };
    }>(
      hub.url,
      'mutation { createWebhookConnection(input: { provider: "github", displayName: "kill" }) { connection { id } secret } }',
      tenantId,
    );
    const { connection, secret } = created.createWebhookConnection;
    const load = webhookLoad(`${hub.url}/webhooks/github/${connection.id}`, secret);
    await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS()));
    hub.child.kill('SIGKILL');
    await hub.stop();
    await load.stop();

    hub = await startHub(profile.env, STARTUP_MS);
    await ready(hub.url);
    expect(await hub.stop('SIGTERM')).toBe(0);
    hub = undefined;

    const log = await profile.openLog();
    const recorded = await recordedDeliveries(log, tenantId).finally(() => log.close());
    const missing = [...load.acknowledged].filter((id) => !recorded.has(id));
    const duplicated = [...recorded].filter(([, count]) => count > 1).map(([id]) => id);
    const figures = {
      profile: profile.name,
      run,
      sent: load.sent,
      acknowledged: load.acknowledged.size,
      recorded: recorded.size,
      missing: missing.length,
      duplicated: duplicated.length,
    };
    console.info('kill -9 under webhook load', figures);
    expect(load.acknowledged.size).toBeGreaterThan(0);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
  } finally {
    await hub?.stop('SIGKILL');
  }
}

describeWithPostgres(
  'kill -9 under webhook load on PostgreSQL and Redis (long fault run, PostgreSQL)',
  () => {
    describeWithRedis('(Redis)', () => {
      const profiles: Profile[] = [];
      afterAll(async () => {
        for (const profile of profiles) await profile.cleanup();
      });

      for (let run = 1; run <= RUNS; run++) {
        it(`run ${run}: every acknowledged delivery is recorded once`, async () => {
          const database = await createScratchDatabase();
          const profile: Profile = {
            name: 'postgres',
            env: {
              EVENTSTORE_URL: database.url,
              REDIS_URL,
              SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix(),
              SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
              SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
              SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
            },
            openLog: () => createPostgresEventStore(database.url),
            cleanup: () => database.drop(),
          };
          profiles.push(profile);
          await killUnderLoad(profile, run);
        });
      }
    });
  },
);

describe('kill -9 under webhook load on the embedded profile (long fault run)', () => {
  const profiles: Profile[] = [];
  afterAll(async () => {
    for (const profile of profiles) await profile.cleanup();
  });

  for (let run = 1; run <= RUNS; run++) {
    it(`run ${run}: every acknowledged delivery is recorded once`, async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sb-kill-'));
      const profile: Profile = {
        name: 'embedded',
        env: { DATA_DIR: dataDir, SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN },
        openLog: () => createPgliteEventStore({ dataDir: path.join(dataDir, 'eventstore') }),
        cleanup: () => rm(dataDir, { recursive: true, force: true }),
      };
      profiles.push(profile);
      await killUnderLoad(profile, run);
    });
  }
});
