import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectionStream } from '../../src/events/projection.js';
import { tenantStream } from '../../src/events/tenant.js';
import {
  ConnectionDocument,
  CreateWebhookConnectionDocument,
  RegisterTenantDocument,
  SignalsDocument,
  WebhookDeadLettersDocument,
} from '../../src/generated/graphql.js';
import { READ_MODEL } from '../../src/projections/names.js';
import { githubExamples } from '../connectors/github/examples.js';
import { post, webhookConnection } from '../e2e/webhooks-support.js';
import { githubHeaders, githubSignature } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const readyz = async (hub: TestHub) => {
  const response = await fetch(`${hub.url}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { checks: { projections: Record<string, unknown> } },
  };
};

const stateOf = async (hub: TestHub, name: string) =>
  (await hub.runtime.projections.status()).projections.find((p) => p.name === name)?.state;

describeWithPostgres('mutations and poison events through the API (PostgreSQL)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
    await hub.request(RegisterTenantDocument, { input: { id: 'ryw-a', name: 'A' } }, asOperator());
    await hub.request(RegisterTenantDocument, { input: { id: 'ryw-b', name: 'B' } }, asOperator());
  });
  afterAll(async () => hub?.close());

  it('NUL in a display name, a signal title and a dead-lettered body: every projection keeps going, for every tenant', async () => {
    // The API refuses the NUL at its boundary; a command from inside the hub (or an event already
    // in the log) still carries it, and the projection must store it without stopping.
    const refused = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github', displayName: 'evil\u0000name' } },
      asOperator('ryw-a'),
    );
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const { connectionId, secret } = await webhookConnection(
      hub,
      'ryw-a',
      'github',
      undefined,
      'evil\u0000name',
    );
    const connection = { id: connectionId };
    const url = `${hub.url}/webhooks/github/${connection.id}`;
    const read = await hub.request(ConnectionDocument, { id: connection.id }, asOperator('ryw-a'));
    expect(read.data?.connection?.displayName).toBe('evil\ufffdname');

    const example = githubExamples().find(
      (e) => e.eventName === 'issues' && e.payload['action'] === 'opened',
    )!;
    const issue = example.payload['issue'] as Record<string, unknown>;
    const body = JSON.stringify({ ...example.payload, issue: { ...issue, title: 'bad\u0000title' } });
    expect((await post(url, githubHeaders(secret, 'issues', body), body)).status).toBe(200);
    const raw = Buffer.from([0x00, 0x41, 0x42]);
    const headers = {
      ...githubHeaders(secret, 'issues', ''),
      'x-hub-signature-256': githubSignature(secret, raw),
    };
    expect((await post(url, headers, raw)).status).toBe(400);

    // Another tenant's delivery afterwards still becomes a signal.
    const other = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github', displayName: 'fine' } },
      asOperator('ryw-b'),
    );
    const b = other.data!.createWebhookConnection;
    const fine = JSON.stringify(example.payload);
    const bUrl = `${hub.url}/webhooks/github/${b.connection.id}`;
    expect((await post(bUrl, githubHeaders(b.secret, 'issues', fine), fine)).status).toBe(200);
    await hub.runtime.projections.waitFor(await hub.runtime.eventStore.headPosition(), { timeoutMs: 15_000 });

    const signalsOf = async (tenant: string) =>
      (await hub.request(SignalsDocument, { first: 10 }, asOperator(tenant))).data!.signals.edges;
    expect(await signalsOf('ryw-b')).toHaveLength(1);
    const [signal] = await signalsOf('ryw-a');
    expect(signal?.node.subject?.title).not.toContain('\u0000');
    const letters = await hub.request(WebhookDeadLettersDocument, { first: 10 }, asOperator('ryw-a'));
    expect(letters.data!.webhookDeadLetters.edges).toHaveLength(1);
    const status = await hub.runtime.projections.status();
    expect(status.projections.filter((p) => p.parked.length > 0 || p.state !== 'running')).toEqual([]);
    expect((await readyz(hub)).status).toBe(200);
  });

  it('a mutation succeeds while a projection it does not read is stopped; /readyz stays 200 and says degraded', async () => {
    // An undecodable decision stops projection-dead-letters, whose rule is to stop.
    await hub.runtime.eventStore.append(
      projectionStream('not-a-projection'),
      [
        {
          id: randomUUID(),
          type: 'ProjectionEventParked',
          data: { projection: 'not-a-projection' },
          metadata: {
            tenantId: '_global',
            correlationId: 'test',
            causationId: null,
            actor: 'system:test',
            schemaVersion: 1,
          },
        },
      ],
      'any',
    );
    await expect
      .poll(() => stateOf(hub, READ_MODEL.projectionDeadLetters), { timeout: 20_000 })
      .toBe('failed');

    const registered = await hub.request(
      RegisterTenantDocument,
      { input: { id: 'ryw-c', name: 'C' } },
      asOperator(),
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerTenant).toMatchObject({ id: 'ryw-c', name: 'C' });
    const created = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github' } },
      asOperator('ryw-c'),
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createWebhookConnection.connection.status).toBe('ACTIVE');

    const ready = await readyz(hub);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.projections).toMatchObject({
      ok: true,
      degraded: 'projections stopped: projection-dead-letters',
    });
  });

  it('answers NOT_YET_VISIBLE (retryable, with the position) when the read model does not show an appended command in time', async () => {
    await hub.runtime.projections.stop();
    try {
      const result = await hub.request(
        RegisterTenantDocument,
        { input: { id: 'ryw-late', name: 'Late' } },
        asOperator(),
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'NOT_YET_VISIBLE',
        retryable: true,
        position: expect.stringMatching(/^\d+$/),
      });
      expect(result.errors?.[0]?.message).toMatch(/recorded at position \d+/);
      // The command happened: its event is in the log.
      const events = [];
      for await (const event of hub.runtime.eventStore.readStream(tenantStream('ryw-late')))
        events.push(event);
      expect(events.map((event) => [event.type, String(event.position)])).toEqual([
        ['TenantRegistered', result.errors?.[0]?.extensions?.['position']],
      ]);
    } finally {
      await hub.runtime.projections.start();
    }
    await hub.runtime.projections.waitFor(await hub.runtime.eventStore.headPosition(), {
      timeoutMs: 15_000,
      skipStopped: true,
    });
    expect(
      await hub.runtime.readModels.prisma.tenant.findUnique({ where: { id: 'ryw-late' } }),
    ).toMatchObject({
      name: 'Late',
    });
  });
});
