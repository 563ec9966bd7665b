import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeafIndex } from '../../src/audit/index.js';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { registerAuditExportRoute } from '../../src/http/audit-export.js';
import { createServer } from '../../src/http/server.js';
import { createLogger } from '../../src/platform/logger.js';
import { asOperator, OPERATOR_TOKEN } from '../support/hub.js';

/**
 * The route over a log that never ends (a stand-in store: no database holds an endless log): the
 * export is read only as fast as the client takes it, and a client that leaves ends the read.
 */
describe('GET /audit/export streaming', () => {
  let app: FastifyInstance;
  let url: string;
  const log = { produced: 0, closed: false };

  const endlessLog = {
    async *readStream() {},
    async *readAll() {
      try {
        for (let position = 1n; ; position++) {
          log.produced++;
          const event: RecordedEvent = {
            id: randomUUID(),
            type: 'EndlessFact',
            data: { position: String(position), padding: 'x'.repeat(200) },
            metadata: {
              tenantId: 'endless',
              correlationId: 'c',
              causationId: null,
              actor: 'system:test',
              schemaVersion: 1,
            },
            stream: 'signals-endless.s',
            revision: position - 1n,
            position,
            recordedAt: new Date(),
          };
          yield event;
          // A real store reads pages from a database: let the event loop breathe as it would.
          if (position % 1000n === 0n) await sleep(0);
        }
      } finally {
        log.closed = true;
      }
    },
  } as unknown as EventStore;
  const noLeaves: LeafIndex = { save: async () => {}, range: async () => [] };

  beforeAll(async () => {
    const logger = createLogger({ level: 'silent' });
    app = await createServer({ logger, readiness: [] });
    registerAuditExportRoute(app, {
      audit: { eventStore: endlessLog, leafIndex: noLeaves },
      authenticator: createAuthenticator({ operatorTokens: [OPERATOR_TOKEN], oidc: null, logger }),
      tenants: { assertActive: async () => {} },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => app?.close());

  it('reads no further than the client takes, and stops reading when the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/audit/export`, {
      headers: asOperator('endless'),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    // The client reads nothing more: once the socket buffers are full, the export waits.
    await sleep(500);
    const stalled = log.produced;
    await sleep(500);
    expect(log.produced).toBe(stalled);
    expect(stalled).toBeLessThan(100_000);
    expect(log.closed).toBe(false);

    controller.abort();
    const deadline = Date.now() + 5_000;
    while (!log.closed && Date.now() < deadline) await sleep(20);
    expect(log.closed).toBe(true);
  });
});
