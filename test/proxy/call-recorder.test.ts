import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { callsStream, type ProviderCallEvent } from '../../src/events/provider-call.js';
import type { Event } from '../../src/eventstore/envelope.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  CallAuditBacklogFullError,
  CallRecorder,
  CallRecorderClosedError,
  type CallRecorderOptions,
} from '../../src/proxy/call-recorder.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { providerCall } from '../support/provider-call.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const TENANT = 'acme-calls';
const silent = createLogger({ level: 'silent' });

/** The real event store, with appends that can be held back and are counted. */
function gatedStore(store: EventStore) {
  let release: (() => void) | null = null;
  let gate: Promise<void> = Promise.resolve();
  const appends: Array<{ stream: string; count: number }> = [];
  return {
    appends,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    open() {
      release?.();
    },
    store: {
      async append(stream: string, events: readonly Event[], expected: Parameters<EventStore['append']>[2]) {
        appends.push({ stream, count: events.length });
        await gate;
        return store.append(stream, events, expected);
      },
    },
  };
}

async function callEvents(hub: TestHub, stream: string): Promise<ProviderCallEvent[]> {
  const events: ProviderCallEvent[] = [];
  for await (const event of hub.runtime.eventStore.readStream(stream)) {
    events.push(eventCatalog.decode(event) as ProviderCallEvent);
  }
  return events;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const settledWithin = async (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);

describeWithPostgres('call recorder (PostgreSQL)', () => {
  let hub: TestHub;
  const recorders: CallRecorder[] = [];
  const recorder = (options: Partial<CallRecorderOptions> = {}) => {
    const made = new CallRecorder({
      eventStore: hub.runtime.eventStore,
      vault: hub.runtime.vault,
      logger: silent,
      ...options,
    });
    recorders.push(made);
    return made;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    await registerTenant(hub, TENANT);
  });
  afterAll(async () => {
    for (const made of recorders) await made.close();
    await hub?.close();
  });

  it('appends a write before record returns, and not a moment sooner', async () => {
    const gated = gatedStore(hub.runtime.eventStore);
    const calls = recorder({ eventStore: gated.store });
    const stream = callsStream(TENANT, 'write-order');
    gated.hold();
    const recording = calls.record(
      TENANT,
      'write-order',
      providerCall({ method: 'POST', path: '/repos/octocat/hello-world/issues', status: 201 }),
    );
    await until(() => gated.appends.length === 1);
    expect(await settledWithin(recording, 100)).toBe(false);
    expect(await callEvents(hub, stream)).toEqual([]);
    gated.open();
    await recording;
    const [event] = await callEvents(hub, stream);
    expect(event!.data).toMatchObject({
      method: 'POST',
      status: 201,
      kind: 'proxy',
      connectionId: 'write-order',
    });
    expect(calls.pending).toBe(0);
  });

  it('appends an action (even a GET one) before record returns, through the runtime recorder', async () => {
    const stream = callsStream(TENANT, 'actions');
    await hub.runtime.callRecorder.record(
      TENANT,
      'actions',
      providerCall({
        kind: 'action',
        actionId: 'github.create_issue',
        method: 'POST',
        path: '/repos/octocat/hello-world/issues',
        pathTemplate: '/repos/{owner}/{repo}/issues',
        status: 201,
        rateLimit: { remaining: 4999, resetAt: new Date('2026-12-03T10:00:00Z') },
      }),
    );
    await hub.runtime.callRecorder.record(
      TENANT,
      'actions',
      providerCall({ kind: 'action', actionId: 'github.get_issue', method: 'GET' }),
    );
    const events = await callEvents(hub, stream);
    expect(events.map((event) => event.data.actionId)).toEqual(['github.create_issue', 'github.get_issue']);
    expect(events[0]!.data).toMatchObject({
      pathTemplate: '/repos/{owner}/{repo}/issues',
      rateLimit: { remaining: 4999, resetAt: '2026-12-03T10:00:00.000Z' },
      actor: { kind: 'operator', id: 'a1b2c3d4' },
    });
    expect(events[0]!.metadata).toMatchObject({ tenantId: TENANT, actor: 'operator:a1b2c3d4' });
  });

  it('queues reads without appending them, then appends them together when the interval passes', async () => {
    const gated = gatedStore(hub.runtime.eventStore);
    const calls = recorder({ eventStore: gated.store, batch: { flushIntervalMs: 300 } });
    const stream = callsStream(TENANT, 'queued-reads');
    const started = Date.now();
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      await calls.record(TENANT, 'queued-reads', providerCall({ method }));
    }
    expect(calls.pending).toBe(4);
    expect(gated.appends).toEqual([]);
    expect(await callEvents(hub, stream)).toEqual([]);
    await until(() => calls.pending === 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(gated.appends).toEqual([{ stream, count: 4 }]);
    expect((await callEvents(hub, stream)).map((event) => event.data.method)).toEqual([
      'GET',
      'HEAD',
      'OPTIONS',
      'GET',
    ]);
  });

  it('records every read of a burst across connections, in few appends of at most 100', async () => {
    const gated = gatedStore(hub.runtime.eventStore);
    const calls = recorder({ eventStore: gated.store });
    const connections = ['burst-1', 'burst-2', 'burst-3'];
    const sent = connections.flatMap((connectionId) =>
      Array.from({ length: 300 }, (_, index) => ({
        connectionId,
        call: providerCall({ path: `/repos/octocat/hello-world/issues/${index}` }),
      })),
    );
    await Promise.all(sent.map(({ connectionId, call }) => calls.record(TENANT, connectionId, call)));
    await until(() => calls.pending === 0);
    for (const connectionId of connections) {
      const events = await callEvents(hub, callsStream(TENANT, connectionId));
      const expected = sent
        .filter((item) => item.connectionId === connectionId)
        .map((item) => item.call.requestId);
      expect(events.map((event) => event.metadata.correlationId)).toEqual(expected);
    }
    expect(gated.appends.every((append) => append.count <= 100)).toBe(true);
    expect(gated.appends.reduce((sum, append) => sum + append.count, 0)).toBe(900);
    expect(gated.appends.length).toBeLessThan(30);
  });

  it('refuses reads with a typed 503 once the queue is full, and loses none of those it took', async () => {
    const gated = gatedStore(hub.runtime.eventStore);
    const calls = recorder({ eventStore: gated.store, batch: { maxPending: 1_000 } });
    const stream = callsStream(TENANT, 'overflow');
    gated.hold();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1_500 }, () => {
        const call = providerCall();
        return calls.record(TENANT, 'overflow', call).then(() => call.requestId);
      }),
    );
    const accepted = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(accepted).toHaveLength(1_000);
    expect(refused).toHaveLength(500);
    for (const error of refused) {
      expect(error).toBeInstanceOf(CallAuditBacklogFullError);
      expect(error).toMatchObject({ code: 'AUDIT_BACKLOG_FULL', status: 503 });
    }
    expect(() => calls.reserve({ kind: 'proxy', method: 'GET' })).toThrow(CallAuditBacklogFullError);
    // Writes are never queued: the bound does not apply to them.
    expect(() => calls.reserve({ kind: 'proxy', method: 'POST' })).not.toThrow();
    gated.open();
    await until(() => calls.pending === 0);
    expect(new Set((await callEvents(hub, stream)).map((event) => event.metadata.correlationId))).toEqual(
      new Set(accepted),
    );
  });

  it('counts a reserved place against the bound, until it is used or released', async () => {
    const calls = recorder({ batch: { maxPending: 2, flushIntervalMs: 60_000 } });
    const first = calls.reserve({ kind: 'proxy', method: 'GET' });
    const second = calls.reserve({ kind: 'proxy', method: 'GET' });
    await expect(calls.record(TENANT, 'slots', providerCall())).rejects.toBeInstanceOf(
      CallAuditBacklogFullError,
    );
    await calls.record(TENANT, 'slots', providerCall(), { slot: first });
    expect(calls.pending).toBe(2);
    second.release();
    second.release();
    expect(calls.pending).toBe(1);
    await calls.record(TENANT, 'slots', providerCall());
    await calls.flush();
    expect(calls.pending).toBe(0);
    expect(await callEvents(hub, callsStream(TENANT, 'slots'))).toHaveLength(2);
  });

  it('keeps retrying a failed append, then appends every record once', async () => {
    let failures = 3;
    const calls = recorder({
      eventStore: {
        append: async (stream, events, expected) => {
          const result = await hub.runtime.eventStore.append(stream, events, expected);
          // Appended, but the answer is lost: the retry must not write the records twice.
          if (failures-- > 0) throw new Error('connection reset');
          return result;
        },
      },
      batch: { flushIntervalMs: 20 },
    });
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const call = providerCall();
      ids.push(call.requestId);
      await calls.record(TENANT, 'flaky', call);
    }
    await until(() => calls.pending === 0);
    expect(
      (await callEvents(hub, callsStream(TENANT, 'flaky'))).map((event) => event.metadata.correlationId),
    ).toEqual(ids);
  });

  it('appends what is queued when closed, and refuses calls afterwards', async () => {
    const calls = recorder({ batch: { flushIntervalMs: 60_000 } });
    for (let index = 0; index < 3; index++) await calls.record(TENANT, 'closing', providerCall());
    expect(await callEvents(hub, callsStream(TENANT, 'closing'))).toEqual([]);
    await calls.close();
    expect(await callEvents(hub, callsStream(TENANT, 'closing'))).toHaveLength(3);
    await expect(calls.record(TENANT, 'closing', providerCall())).rejects.toBeInstanceOf(
      CallRecorderClosedError,
    );
    expect(() => calls.reserve({ kind: 'proxy', method: 'GET' })).toThrow(CallRecorderClosedError);
  });
});
