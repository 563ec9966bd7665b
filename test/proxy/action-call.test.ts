import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { callsStream, type ProviderCallEvent } from '../../src/events/provider-call.js';
import {
  type ActionCallRecord,
  callActorFromLabel,
  recordActionCall,
} from '../../src/proxy/audit/action-call.js';
import { verifyBodyMac } from '../../src/proxy/call-recorder.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const TENANT = 'action-calls';

/** What the action executor reports after `github.create_issue`'s POST (GitHub REST docs, "Create an issue"). */
const createIssueRecord = (overrides: Partial<ActionCallRecord> = {}): ActionCallRecord => ({
  tenantId: TENANT,
  connectionId: 'gh-actions',
  provider: 'github',
  action: 'github.create_issue',
  actor: 'user:worker-7',
  correlationId: randomUUID(),
  method: 'POST',
  path: '/repos/octocat/hello-world/issues',
  status: 201,
  attempts: 1,
  durationMs: 84.5,
  rateLimit: { remaining: 4999, resetAt: new Date('2026-12-03T10:00:00Z') },
  outcome: 'succeeded',
  ...overrides,
});

describeWithPostgres(
  "recordActionCall: the action executor's hook record on the calls stream (PostgreSQL)",
  () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await startTestHub();
      await registerTenant(hub, TENANT);
    });
    afterAll(async () => {
      await hub?.close();
    });

    const lastRecord = async (): Promise<ProviderCallEvent> => {
      const events: ProviderCallEvent[] = [];
      for await (const event of hub.runtime.eventStore.readStream(callsStream(TENANT, 'gh-actions'))) {
        events.push(eventCatalog.decode(event) as ProviderCallEvent);
      }
      return events.at(-1)!;
    };

    it('appends the action call before it resolves, as kind action with its id, actor and rate limit', async () => {
      const record = createIssueRecord({ durationMs: 84 });
      await recordActionCall(hub.runtime.callRecorder, record, () => Date.parse('2026-12-03T09:00:00.084Z'));
      // No flush: actions are never batched.
      const event = await lastRecord();
      expect(event.metadata).toMatchObject({ correlationId: record.correlationId, actor: 'user:worker-7' });
      expect(event.data).toMatchObject({
        kind: 'action',
        actionId: 'github.create_issue',
        provider: 'github',
        method: 'POST',
        pathTemplate: '/repos/octocat/hello-world/issues',
        status: 201,
        errorCode: null,
        attempts: 1,
        startedAt: '2026-12-03T09:00:00.000Z',
        rateLimit: { remaining: 4999, resetAt: '2026-12-03T10:00:00.000Z' },
        actor: { kind: 'jwt', id: 'worker-7' },
        request: { bytes: 0, mac: null },
      });
    });

    it('records a failed request with its code, and MACs bodies when the executor passes them', async () => {
      const body = JSON.stringify({ title: 'Found a bug', labels: ['bug'] });
      await recordActionCall(
        hub.runtime.callRecorder,
        createIssueRecord({ status: 422, outcome: 'failed', requestBody: body, actor: 'operator:a1b2c3d4' }),
      );
      const { data } = await lastRecord();
      expect(data).toMatchObject({
        status: 422,
        errorCode: 'PROVIDER_CALL_FAILED',
        actor: { kind: 'operator' },
      });
      expect(data.request.bytes).toBe(Buffer.byteLength(body));
      expect(await verifyBodyMac(hub.runtime.vault, TENANT, data.request.mac!, body)).toBe(true);
    });

    it.each([
      ['operator:a1b2c3d4', { kind: 'operator', id: 'a1b2c3d4' }],
      ['user:auth0|42', { kind: 'jwt', id: 'auth0|42' }],
      ['system:sync', { kind: 'system', id: 'sync' }],
      ['anonymous', { kind: 'system', id: 'anonymous' }],
    ])('reads the actor %j', (label, actor) => {
      expect(callActorFromLabel(label)).toEqual(actor);
    });
  },
);
