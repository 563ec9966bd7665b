import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { githubExample } from '../../scripts/github-example.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import {
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';
import {
  graphqlCorpus,
  type HostileRequest,
  malformedGraphqlBodies,
  type WebhookTarget,
  webhookCorpus,
} from './hostile-corpus.js';

/** A full GC, so heap figures compare what is retained rather than what is not yet collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Nothing the hub answers may take longer than this (issue 13: "no hang over 2 s"). */
const ANSWER_WITHIN_MS = 2_000;

interface Answer {
  status: number;
  text: string;
  ms: number;
}

async function send(base: string, request: HostileRequest): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body:
      typeof request.body === 'string' || request.body === undefined
        ? request.body
        : new Uint8Array(request.body),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

async function graphql(
  hub: TestHub,
  body: string,
  headers: Record<string, string>,
  contentType = 'application/json',
) {
  const started = performance.now();
  const response = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json', ...headers },
    body,
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

const errorCodes = (text: string): string[] => {
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    return (parsed.errors ?? []).map((error) => String(error.extensions?.code));
  } catch {
    return [];
  }
};

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres('hostile input: no 5xx, no hang, no wedged projection (PostgreSQL)', () => {
  describeWithRedis('with Redis', () => {
    let hub: TestHub;
    let attacker: WebhookTarget;
    let victim: WebhookTarget;

    const createConnection = async (tenantId: string): Promise<WebhookTarget> => {
      const result = await graphql(
        hub,
        JSON.stringify({
          query:
            'mutation { createWebhookConnection(input: { provider: "github", displayName: "hooks" }) { connection { id } secret } }',
        }),
        asOperator(tenantId),
      );
      const data = JSON.parse(result.text).data.createWebhookConnection;
      return { connectionId: data.connection.id, secret: data.secret };
    };

    beforeAll(async () => {
      hub = await startTestHub({ env: { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix() } });
      for (const id of ['attacker', 'victim']) {
        await graphql(
          hub,
          JSON.stringify({
            query: `mutation { registerTenant(input: { id: "${id}", name: "${id}" }) { id } }`,
          }),
          asOperator(),
        );
      }
      attacker = await createConnection('attacker');
      victim = await createConnection('victim');
    }, 60_000);
    afterAll(async () => {
      await hub?.close();
    });

    it('answers every hostile webhook delivery with the expected client status within 2 s', async () => {
      const wrong: string[] = [];
      for (const request of webhookCorpus(attacker)) {
        const answer = await send(hub.url, request);
        if (!request.statuses.includes(answer.status)) {
          wrong.push(`${request.name}: ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('refuses every hostile GraphQL argument with a client error code, never INTERNAL_SERVER_ERROR', async () => {
      const wrong: string[] = [];
      for (const operation of graphqlCorpus) {
        const answer = await graphql(
          hub,
          JSON.stringify({ query: operation.query, variables: operation.variables }),
          asOperator('attacker'),
        );
        const codes = errorCodes(answer.text);
        if (
          answer.status >= 500 ||
          codes.length === 0 ||
          codes.some((code) => code === 'INTERNAL_SERVER_ERROR')
        ) {
          wrong.push(`${operation.name}: ${answer.status} ${codes.join(',') || answer.text.slice(0, 200)}`);
        }
      }
      for (const malformed of malformedGraphqlBodies) {
        const answer = await graphql(hub, malformed.body, asOperator('attacker'), malformed.contentType);
        if (answer.status >= 500 || errorCodes(answer.text).includes('INTERNAL_SERVER_ERROR')) {
          wrong.push(`${malformed.name}: ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('refuses hostile graphql-ws operations without closing other work or taking the hub down', async () => {
      const client = createClient({
        url: hub.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${OPERATOR_TOKEN}`, tenantId: 'attacker' },
        retryAttempts: 0,
      });
      try {
        const outcome = await new Promise<{ errors?: unknown; error?: unknown }>((resolve) => {
          const stop = client.subscribe(
            {
              query: 'subscription($k: String) { signals(filter: { kind: $k }) { id } }',
              variables: { k: 'x\u0000' },
            },
            {
              next: (value) => {
                stop();
                resolve({ errors: value.errors });
              },
              error: (error) => resolve({ error }),
              complete: () => resolve({}),
            },
          );
        });
        expect(JSON.stringify(outcome)).toContain('BAD_USER_INPUT');
      } finally {
        await client.dispose();
      }
      // A raw socket speaking nonsense is closed with a protocol code, not a crash.
      const raw = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
      const closed = await new Promise<number>((resolve) => {
        raw.on('open', () => raw.send('\u0000not json'));
        raw.on('close', (code) => resolve(code));
        raw.on('error', () => {});
      });
      expect(closed).toBe(4400);
    });

    it('still projects other tenants, answers mutations and reports ready after the corpus', async () => {
      const victimDelivery = JSON.stringify(githubExample('issues', 'opened'));
      const accepted = await send(hub.url, {
        name: 'victim delivery',
        method: 'POST',
        path: `/webhooks/github/${victim.connectionId}`,
        headers: githubHeaders(victim.secret, 'issues', victimDelivery),
        body: victimDelivery,
        statuses: [200],
      });
      expect(accepted.status).toBe(200);
      const signalId = (JSON.parse(accepted.text) as { signals: string[] }).signals[0];
      const found = await eventually(async () => {
        const answer = await graphql(
          hub,
          JSON.stringify({ query: `{ signal(id: "${signalId}") { id kind } }` }),
          asOperator('victim'),
        );
        return JSON.parse(answer.text).data?.signal ?? undefined;
      });
      expect(found.kind).toBe('issue_created');

      const mutation = await graphql(
        hub,
        JSON.stringify({
          query: 'mutation { renameTenant(input: { id: "victim", name: "Victim Inc" }) { id name } }',
        }),
        asOperator('victim'),
      );
      expect(JSON.parse(mutation.text)).toEqual({
        data: { renameTenant: { id: 'victim', name: 'Victim Inc' } },
      });

      const ready = await eventually(async () => {
        const response = await fetch(`${hub.url}/readyz`);
        return response.status === 200 ? response.status : undefined;
      });
      expect(ready).toBe(200);
      const status = await hub.runtime.projections.status();
      expect(status.projections.filter((projection) => projection.state !== 'running')).toEqual([]);
    });

    it('keeps memory flat while the corpus is replayed many times', async () => {
      const round = async () => {
        for (const request of webhookCorpus(attacker)) await send(hub.url, request);
        for (const operation of graphqlCorpus) {
          await graphql(
            hub,
            JSON.stringify({ query: operation.query, variables: operation.variables }),
            asOperator('attacker'),
          );
        }
      };
      await round();
      await round();
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 15; i++) await round();
      collectGarbage();
      const growthMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
      // Each round sends ~2 MB of bodies; retaining them would grow the heap by 30 MB or more.
      expect(growthMb).toBeLessThan(16);
    }, 120_000);
  });
});
