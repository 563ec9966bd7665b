import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeGithubDelivery } from '../../../src/connectors/github/webhook.js';
import { eventCatalog } from '../../../src/events/catalog.js';
import { connectionStream, WebhookConnectionCreated } from '../../../src/events/connection.js';
import { sealDeadLetter } from '../../../src/events/sealed-dead-letter.js';
import { sealSignal } from '../../../src/events/sealed-signal.js';
import { SignalRecorded, signalsStream } from '../../../src/events/signal.js';
import { deadLettersStream, WebhookDeadLettered } from '../../../src/events/webhook.js';
import { connectionsProjection } from '../../../src/projections/read-models/connections.js';
import { createSignalsProjection } from '../../../src/projections/read-models/signals.js';
import { createWebhookDeadLettersProjection } from '../../../src/projections/read-models/webhook-dead-letters.js';
import { webhookEndpointsProjection } from '../../../src/projections/read-models/webhook-endpoints.js';
import type { ProjectionRunner } from '../../../src/projections/runner/runner.js';
import { githubExamples } from '../../connectors/github/examples.js';
import { memoryVault } from '../../support/memory-vault.js';
import { describeWithPostgres } from '../../support/services.js';
import { type Backend, type BackendKind, openBackend } from '../harness.js';

const metadata = { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'system:test' };
const T0 = '2026-01-01T00:00:00.000Z';
const vault = memoryVault();

function textSafetySuite(kind: BackendKind) {
  let backend: Backend;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    backend = await openBackend(kind);
    runner = backend.runner({
      projections: [
        connectionsProjection,
        webhookEndpointsProjection,
        createSignalsProjection({ vault }),
        createWebhookDeadLettersProjection(vault),
      ],
    });
    await runner.start();
  });
  afterAll(async () => backend?.close());

  it('applies a webhook connection whose display name holds NUL (shown with U+FFFD)', async () => {
    const created = await backend.store.append(
      connectionStream('acme', 'conn_nul'),
      [
        eventCatalog.create(
          WebhookConnectionCreated,
          {
            connectionId: 'conn_nul',
            tenantId: 'acme',
            provider: 'github',
            displayName: 'evil\u0000name \ud800',
            createdAt: T0,
          },
          metadata,
        ),
      ],
      'no_stream',
    );
    await runner.waitFor(created.position, { timeoutMs: 10_000 });
    const row = await backend.readModels.prisma.connection.findUniqueOrThrow({ where: { id: 'conn_nul' } });
    expect(row.displayName).toBe('evil\ufffdname \ufffd');
  });

  it('applies a signal whose normalized title holds NUL', async () => {
    const example = githubExamples().find(
      (e) => e.eventName === 'issues' && e.payload['action'] === 'opened',
    )!;
    const issue = example.payload['issue'] as Record<string, unknown>;
    const payload = { ...example.payload, issue: { ...issue, title: 'bad\u0000title' } };
    const [signal] = normalizeGithubDelivery({
      provider: 'github',
      eventName: 'issues',
      deliveryId: 'd-nul',
      payload,
      connectionId: 'conn_1',
      receivedAt: new Date(T0),
    });
    expect(signal?.subject?.title).toContain('\u0000');
    const recorded = await backend.store.append(
      signalsStream('acme', 'conn_1'),
      [
        eventCatalog.create(
          SignalRecorded,
          {
            ...(await sealSignal(vault, 'acme', signal!, undefined)),
            delivery: { id: 'd-nul', eventType: 'issues', receivedAt: T0, bodySha256: 'a'.repeat(64) },
          },
          metadata,
        ),
      ],
      'any',
    );
    await runner.waitFor(recorded.position, { timeoutMs: 10_000 });
    const row = await backend.readModels.prisma.signal.findFirstOrThrow({ where: { id: signal!.id } });
    expect(row.subjectTitle).toBe('bad\ufffdtitle');
    expect(row.summary).not.toContain('\u0000');
  });

  it('applies a dead letter whose detail quotes a body with NUL', async () => {
    const body = Buffer.from([0x00, 0x41, 0x42]);
    const id = crypto.randomUUID();
    const content = await sealDeadLetter(
      vault,
      'acme',
      { connectionId: 'conn_1', eventId: id },
      {
        detail: `Unexpected token '\u0000', "\u0000AB" is not valid JSON`,
        headers: { 'x-github-event': 'issues' },
        bodyBase64: body.toString('base64'),
      },
    );
    const lettered = await backend.store.append(
      deadLettersStream('acme', 'conn_1'),
      [
        eventCatalog.create(
          WebhookDeadLettered,
          {
            provider: 'github',
            connectionId: 'conn_1',
            reason: 'malformed_payload',
            deliveryId: 'd-1',
            eventType: 'issues',
            receivedAt: T0,
            bodyBytes: body.length,
            bodySha256: 'b'.repeat(64),
            content,
          },
          metadata,
          id,
        ),
      ],
      'any',
    );
    await runner.waitFor(lettered.position, { timeoutMs: 10_000 });
    const row = await backend.readModels.prisma.webhookDeadLetter.findFirstOrThrow({
      where: { tenantId: 'acme' },
    });
    expect(row.detail).toBe(`Unexpected token '\ufffd', "\ufffdAB" is not valid JSON`);
    expect(row.bodyBytes).toBe(3);
  });
}

describe('projections store text PostgreSQL cannot hold (NUL, lone surrogates) as U+FFFD (PGlite)', () =>
  textSafetySuite('pglite'));
describeWithPostgres(
  'projections store text PostgreSQL cannot hold (NUL, lone surrogates) as U+FFFD (PostgreSQL)',
  () => textSafetySuite('postgres'),
);
