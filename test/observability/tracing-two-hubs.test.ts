import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateWebhookConnectionDocument, RegisterTenantDocument } from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { type StartedHub, startHub } from '../e2e/process.js';
import { subscribeToSignals } from '../e2e/webhooks-live-support.js';
import { post } from '../e2e/webhooks-support.js';
import { githubHeaders } from '../ingress/sign.js';
import { OPERATOR_TOKEN, TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { type CollectedSpan, startOtlpCollector } from '../support/otlp-collector.js';
import {
  createScratchDatabase,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';

const WEBHOOK_SECRET = 'tracing-webhook-secret-0123456789abcdef';

async function graphql<Result, Variables>(
  hub: StartedHub,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  tenantId?: string,
): Promise<Result> {
  const response = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const result = (await response.json()) as ExecutionResult<Result>;
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data!;
}

/** Spans of one trace are exported in batches, by two processes: wait until `done` holds. */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres(
  'one trace from a webhook delivery on one hub to a subscriber push on another (PostgreSQL)',
  () => {
    describeWithRedis('two hub processes, one Redis (Redis)', () => {
      let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
      let database: Awaited<ReturnType<typeof createScratchDatabase>>;
      let first: StartedHub;
      let second: StartedHub;

      beforeAll(async () => {
        collector = await startOtlpCollector();
        database = await createScratchDatabase();
        const env = (service: string) => ({
          EVENTSTORE_URL: database.url,
          REDIS_URL,
          SWITCHBOARD_REDIS_PREFIX: prefix,
          SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
          SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
          SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: service,
          OTEL_BSP_SCHEDULE_DELAY: '100',
        });
        const prefix = uniqueRedisPrefix();
        first = await startHub(env('hub-a'));
        second = await startHub(env('hub-b'));
      }, 120_000);
      afterAll(async () => {
        await second?.stop();
        await first?.stop();
        await database?.drop();
        await collector?.close();
      });

      it('covers the webhook route, the append, the projection and the push, with parent links', async () => {
        const tenantId = 'traced';
        await graphql(first, RegisterTenantDocument, { input: { id: tenantId, name: 'Traced' } });
        const created = await graphql(
          first,
          CreateWebhookConnectionDocument,
          { input: { provider: 'github', secret: WEBHOOK_SECRET } },
          tenantId,
        );
        const connectionId = created.createWebhookConnection.connection.id;

        const subscriber = subscribeToSignals(second.url.replace('http', 'ws') + '/graphql', tenantId);
        await subscriber.ready;
        const example = githubExamples().find(
          (candidate) => candidate.source === 'api.github.com' && candidate.eventName === 'push',
        )!;
        const body = JSON.stringify(example.payload);
        const delivered = await post(
          `${first.url}/webhooks/github/${connectionId}`,
          githubHeaders(WEBHOOK_SECRET, 'push', body),
          body,
        );
        expect(delivered.body).toMatchObject({ status: 'accepted' });
        const signal = await subscriber.next();
        expect(signal.kind).toBe('code_pushed');
        await subscriber.close();

        const spans = collector.spans;
        const route = () =>
          spans.find(
            (span) => span.service === 'hub-a' && span.name === 'POST /webhooks/:provider/:connectionId',
          );
        const push = () =>
          spans.find(
            (span) =>
              span.service === 'hub-b' &&
              span.name === 'push Subscription.signals' &&
              span.traceId === route()?.traceId,
          );
        // Each process exports on its own schedule: wait for every span the assertions look at.
        const ofTrace = (name: string) =>
          spans.some((span) => span.name === name && span.traceId === route()?.traceId);
        await until(
          () =>
            Boolean(route() && push()) &&
            ['eventstore.append', 'projection signals', 'redis PUBLISH'].every(ofTrace),
          'the spans of one trace from the route to the push',
        );

        const trace = spans.filter((span) => span.traceId === route()!.traceId);
        if (process.env['SHOW_TRACE'])
          console.log(
            trace
              .map(
                (s) =>
                  `${s.service} ${s.spanId} <- ${s.parentSpanId} ${s.name} ${JSON.stringify(s.attributes)}`,
              )
              .join('\n'),
          );
        const byId = new Map(trace.map((span) => [span.spanId, span]));
        const ancestors = (span: CollectedSpan): string[] => {
          const names: string[] = [];
          for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId))
            names.push(parent.name);
          return names;
        };

        // The route span is the root: GitHub sends no traceparent.
        expect(route()!.parentSpanId).toBe('');
        expect(route()!.attributes['http.route']).toBe('/webhooks/:provider/:connectionId');
        expect(route()!.attributes['http.response.status_code']).toBe(delivered.status);

        const appends = trace.filter((span) => span.name === 'eventstore.append');
        expect(appends.length).toBeGreaterThan(0);
        for (const append of appends) expect(ancestors(append)).toContain(route()!.name);
        const signalAppend = appends.find((span) =>
          (span.attributes['switchboard.event_types'] as string[]).includes('SignalRecorded'),
        );
        expect(signalAppend?.attributes['switchboard.tenant']).toBe(tenantId);

        // The signals projection applied the event as a child of its append, on whichever hub leads.
        const projection = trace.find((span) => span.name === 'projection signals');
        expect(projection).toBeDefined();
        expect(byId.get(projection!.parentSpanId)?.name).toBe('eventstore.append');
        expect(ancestors(projection!)).toContain(route()!.name);

        // Hub B pushed it as a child of the PUBLISH the projection made.
        const pushed = push()!;
        expect(byId.get(pushed.parentSpanId)?.name).toBe('redis PUBLISH');
        expect(ancestors(pushed)).toEqual(
          expect.arrayContaining(['redis PUBLISH', 'projection signals', route()!.name]),
        );
      });

      it("makes a GraphQL operation's span a child of its route's, and its append a child of the operation", () => {
        const operation = collector.spans.find((span) => span.name === 'mutation CreateWebhookConnection')!;
        expect(operation.attributes).toMatchObject({
          'graphql.operation.type': 'mutation',
          'graphql.operation.name': 'CreateWebhookConnection',
        });
        const route = collector.spans.find((span) => span.spanId === operation.parentSpanId);
        expect(route?.name).toBe('POST /graphql');
        const appends = collector.spans.filter(
          (span) => span.name === 'eventstore.append' && span.parentSpanId === operation.spanId,
        );
        expect(appends.length).toBeGreaterThan(0);
      });

      it('exports no secret, token or payload value in any span', async () => {
        const exported = collector.bodies.join('\n');
        expect(collector.spans.length).toBeGreaterThan(0);
        for (const secret of [WEBHOOK_SECRET, OPERATOR_TOKEN, TEST_MASTER_KEY, 'sha256=', 'Bearer']) {
          expect(exported).not.toContain(secret);
        }
        const example = githubExamples().find(
          (candidate) => candidate.source === 'api.github.com' && candidate.eventName === 'push',
        )!;
        const payload = example.payload as {
          head_commit?: { message?: string };
          repository?: { full_name?: string };
        };
        expect(exported).not.toContain(payload.head_commit!.message!);
        expect(exported).not.toContain(JSON.stringify(payload.repository!.full_name!));
        // GraphQL spans carry the operation, never its variables.
        expect(exported).toContain('mutation CreateWebhookConnection');
        expect(exported).not.toContain('Traced"');
      });
    });
  },
);
