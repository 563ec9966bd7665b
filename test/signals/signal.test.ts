import { describe, expect, it } from 'vitest';
import { SIGNAL_KINDS, signalKindSchema, signalKinds } from '../../src/signals/kinds.js';
import {
  changeSignalId,
  makeSignal,
  SIGNAL_ID_NAMESPACE,
  signalId,
  signalSchema,
} from '../../src/signals/signal.js';
import { uuidV5 } from '../../src/signals/uuid-v5.js';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('UUIDv5', () => {
  it('reproduces RFC 9562 Appendix A.4 and the Python uuid documentation', () => {
    expect(uuidV5(NAMESPACE_DNS, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    // >>> uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5(NAMESPACE_DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('dns', 'python.org')).toThrow(/Not a UUID/);
  });
});

describe('signal ids', () => {
  it('are deterministic version-5 UUIDs in our own namespace', () => {
    const id = signalId('github', 'conn_1', '72d3162e-cc78-11e3-81ab-4c9367dc0958', 0);
    expect(id).toBe(signalId('github', 'conn_1', '72d3162e-cc78-11e3-81ab-4c9367dc0958', 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(uuidV5(SIGNAL_ID_NAMESPACE, 'github'));
  });

  it('differ by provider, connection, delivery and position, with no ambiguity between the parts', () => {
    const ids = new Set([
      signalId('github', 'c1', 'd1', 0),
      signalId('github', 'c1', 'd1', 1),
      signalId('github', 'c1', 'd2', 0),
      signalId('github', 'c2', 'd1', 0),
      signalId('slack', 'c1', 'd1', 0),
      signalId('git', 'hubc1', 'd1', 0),
      signalId('github', 'c1d1', '', 0),
      signalId('github', 'c1', 'd1:0', 0),
    ]);
    expect(ids.size).toBe(8);
  });
});

describe('ids of signals that name their change', () => {
  const fields = {
    provider: 'github',
    connectionId: 'c1',
    kind: 'issue_created' as const,
    occurredAt: new Date('2019-05-15T15:20:18Z'),
    actor: null,
    subject: null,
    summary: 'opened',
    payload: {},
  };

  it('come from the change, not the delivery, and never meet a delivery-based id', () => {
    const byChange = makeSignal({ ...fields, changeKey: 'issue:1:created' });
    expect(byChange).toMatchObject({
      id: changeSignalId('github', 'c1', 'issue:1:created'),
      changeKey: 'issue:1:created',
    });
    expect(signalSchema.parse(byChange)).toEqual(byChange);
    const byDelivery = makeSignal({ ...fields, deliveryId: 'd1', index: 0 });
    expect(byDelivery).not.toHaveProperty('changeKey');
    const ids = new Set([
      byChange.id,
      byDelivery.id,
      changeSignalId('github', 'c2', 'issue:1:created'),
      changeSignalId('ghe', 'c1', 'issue:1:created'),
      changeSignalId('github', 'c1', 'issue:1:closed:2019-05-15T16:00:00.000Z'),
      // A delivery whose id spells the change's name is still a delivery.
      signalId('github', 'c1', 'change', 0),
      signalId('github', 'c1', 'change\u0000issue:1:created', 0),
    ]);
    expect(ids.size).toBe(7);
  });
});

describe('signal kinds', () => {
  it('are snake_case, described, and include the catch-all', () => {
    const rows = signalKinds();
    expect(rows.length).toBe(Object.keys(SIGNAL_KINDS).length);
    for (const { kind, description } of rows) {
      expect(kind).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
      expect(description.length).toBeGreaterThan(10);
      expect(signalKindSchema.parse(kind)).toBe(kind);
    }
    expect(rows.map((row) => row.kind)).toEqual(
      expect.arrayContaining(['provider_event', 'pull_request_merged']),
    );
    expect(signalKindSchema.safeParse('issueCreated').success).toBe(false);
  });
});

describe('makeSignal', () => {
  it('builds a signal the schema accepts, with the id derived from the delivery', () => {
    const signal = makeSignal({
      provider: 'github',
      connectionId: 'conn_1',
      deliveryId: 'd1',
      index: 0,
      kind: 'issue_created',
      occurredAt: new Date('2019-05-15T15:20:18Z'),
      actor: { id: '21031067', name: 'Codertocat', bot: false },
      subject: {
        type: 'issue',
        id: '444500041',
        title: 'Spelling error',
        url: 'https://github.com/Codertocat/Hello-World/issues/1',
      },
      summary: 'Codertocat opened issue #1',
      payload: { any: 'thing' },
    });
    expect(signalSchema.parse(signal)).toEqual(signal);
    expect(signal.id).toBe(signalId('github', signal.connectionId, 'd1', 0));
    expect(signal.occurredAt).toBe('2019-05-15T15:20:18.000Z');
  });
});
