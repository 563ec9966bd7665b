import { print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantStreamPrefixes } from '../../src/events/streams.js';
import {
  AuditLogDocument,
  LiveSignalsDocument,
  RegisterTenantDocument,
  RenameTenantDocument,
  SignalsDocument,
  TenantEventsDocument,
} from '../../src/generated/graphql.js';
import { LIVE_FEED_EVENT_TYPES } from '../../src/projections/read-models/live-feed.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import {
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';
import { connectWs, runWs } from '../support/ws-client.js';
import { collectEvents, collectSignals, killSocket, logSignalIds, produceSignals } from './resume-support.js';
import { settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

describeWithPostgres('resumable subscriptions (PostgreSQL)', () => {
  describeWithRedis('with Redis pubsub (Redis)', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await startTestHub({ env: { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix() } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    async function tenantWithGithub(tenantId: string): Promise<WebhookConnection> {
      await hub.request(RegisterTenantDocument, { input: { id: tenantId, name: tenantId } }, asOperator());
      const github = await webhookConnection(hub, tenantId, 'github');
      await settled(hub);
      return github;
    }

    /** The cursor of the tenant's only signal so far (a query's answer, as a client would start). */
    async function firstSignalCursor(tenantId: string): Promise<string> {
      const page = await hub.request(SignalsDocument, { first: 1 }, asOperator(tenantId));
      return page.data!.signals.edges[0]!.node.cursor;
    }

    it('a client whose socket is killed mid-stream resumes with after and receives the log, no gap, no duplicate', async () => {
      const tenantId = 'resume-kill';
      const github = await tenantWithGithub(tenantId);
      await produceSignals(hub, github, 1);
      await settled(hub);
      const seed = await firstSignalCursor(tenantId);

      const before = collectSignals(hub.wsUrl, tenantId, { after: seed });
      // A producer keeps going while the client loses its socket and comes back.
      const producing = produceSignals(hub, github, 12);
      await before.waitFor(3);
      await killSocket(before);
      const seen = [...before.items];
      const after = collectSignals(hub.wsUrl, tenantId, { after: seen.at(-1)!.cursor });
      await producing;
      await settled(hub);
      const log = await logSignalIds(hub, tenantId);
      expect(log).toHaveLength(13);
      await after.waitFor(log.length - 1 - seen.length);
      // A moment for anything that would arrive twice.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...seen, ...after.items].map((signal) => signal.id)).toEqual(log.slice(1));
      await after.close();
    });

    it('signals appended while the backlog is read are neither lost nor repeated (concurrent producer)', async () => {
      const tenantId = 'resume-switch';
      const github = await tenantWithGithub(tenantId);
      await produceSignals(hub, github, 1);
      await settled(hub);
      const seed = await firstSignalCursor(tenantId);
      await produceSignals(hub, github, 30);
      await settled(hub);
      // Several subscribers resume from the seed while deliveries keep coming: each one's switch
      // from backlog to live falls somewhere in the middle of the producer's run.
      const producing = produceSignals(hub, github, 30);
      const subscribers = [];
      for (let i = 0; i < 4; i++) {
        subscribers.push(collectSignals(hub.wsUrl, tenantId, { after: seed }));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await producing;
      await settled(hub);
      const log = (await logSignalIds(hub, tenantId)).slice(1);
      expect(log).toHaveLength(60);
      for (const subscriber of subscribers) await subscriber.waitFor(log.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const subscriber of subscribers) {
        expect(subscriber.items.map((signal) => signal.id)).toEqual(log);
        await subscriber.close();
      }
    });

    it('tenantEvents resumes with exactly what live delivery carries, in log order', async () => {
      const tenantId = 'resume-events';
      const github = await tenantWithGithub(tenantId);
      const rename = (name: string) =>
        hub.request(RenameTenantDocument, { input: { id: tenantId, name } }, asOperator());
      await rename('Seed');
      await settled(hub);
      const seed = (await hub.request(AuditLogDocument, { first: 1 }, asOperator(tenantId))).data!.auditLog
        .edges[0]!.node;
      expect(seed.type).toBe('TenantRenamed');

      const before = collectEvents(hub.wsUrl, tenantId, { after: seed.cursor });
      await rename('One');
      await rename('Two');
      await before.waitFor(2);
      await killSocket(before);
      // While away: more of the tenant's events, and a signal, which tenantEvents never carries.
      await rename('Three');
      await produceSignals(hub, github, 1);
      await rename('Four');
      await settled(hub);
      const after = collectEvents(hub.wsUrl, tenantId, { after: before.items.at(-1)!.cursor });
      await rename('Five');
      await settled(hub);

      const log = [];
      for await (const event of hub.runtime.eventStore.readAll({
        after: BigInt(seed.position),
        filter: { streamPrefixes: tenantStreamPrefixes(tenantId), eventTypes: LIVE_FEED_EVENT_TYPES },
      })) {
        log.push(event.position.toString());
      }
      expect(log).toHaveLength(5);
      await after.waitFor(3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const received = [...before.items, ...after.items];
      expect(received.map((event) => event.position)).toEqual(log);
      expect(received.map((event) => (event.data as { name: string }).name)).toEqual([
        'One',
        'Two',
        'Three',
        'Four',
        'Five',
      ]);
      await after.close();
    });

    it('tenantEvents with types replays only those types', async () => {
      const tenantId = 'resume-types';
      await tenantWithGithub(tenantId);
      await hub.request(RenameTenantDocument, { input: { id: tenantId, name: 'Seed' } }, asOperator());
      await settled(hub);
      const seed = (await hub.request(AuditLogDocument, { first: 1 }, asOperator(tenantId))).data!.auditLog
        .edges[0]!.node;
      // A connection event (a type the live feed carries) between two renames.
      await webhookConnection(hub, tenantId, 'github', undefined, 'second');
      await hub.request(RenameTenantDocument, { input: { id: tenantId, name: 'Later' } }, asOperator());
      await settled(hub);
      const renames = collectEvents(hub.wsUrl, tenantId, { after: seed.cursor, types: ['TenantRenamed'] });
      const everything = collectEvents(hub.wsUrl, tenantId, { after: seed.cursor });
      await renames.waitFor(1);
      await everything.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(renames.items.map((event) => event.type)).toEqual(['TenantRenamed']);
      expect(everything.items.map((event) => event.type).at(-1)).toBe('TenantRenamed');
      expect(everything.items.length).toBeGreaterThan(1);
      await renames.close();
      await everything.close();
    });

    it('refuses a malformed cursor, another tenant cursor and an expired one at subscribe time', async () => {
      const github = await tenantWithGithub('resume-owner');
      await hub.request(
        RegisterTenantDocument,
        { input: { id: 'resume-other', name: 'Other' } },
        asOperator(),
      );
      await produceSignals(hub, github, 1);
      await hub.request(RenameTenantDocument, { input: { id: 'resume-owner', name: 'Named' } }, asOperator());
      await settled(hub);
      const signalCursor = await firstSignalCursor('resume-owner');
      const event = (await hub.request(AuditLogDocument, { first: 1 }, asOperator('resume-owner'))).data!
        .auditLog.edges[0]!.node;

      const subscribe = async (
        tenantId: string,
        document: typeof LiveSignalsDocument | typeof TenantEventsDocument,
        after: string,
      ) => {
        const connection = connectWs(hub.wsUrl, { authorization: `Bearer ${OPERATOR_TOKEN}`, tenantId });
        const result = await runWs(connection.client, { query: print(document), variables: { after } });
        await connection.client.dispose();
        return (result.errors ?? []).map((error) => error.extensions?.['code']);
      };
      for (const [document, cursor] of [
        [LiveSignalsDocument, signalCursor],
        [TenantEventsDocument, event.cursor],
      ] as const) {
        expect(await subscribe('resume-other', document, cursor)).toEqual(['FORBIDDEN']);
        expect(await subscribe('resume-owner', document, 'not-a-cursor')).toEqual(['BAD_USER_INPUT']);
        expect(await subscribe('resume-owner', document, Buffer.from('["s"]').toString('base64url'))).toEqual(
          ['BAD_USER_INPUT'],
        );
        // Each kind of cursor belongs to its own subscription.
        const wrong = document === LiveSignalsDocument ? TenantEventsDocument : LiveSignalsDocument;
        expect(await subscribe('resume-owner', wrong, cursor)).toEqual(['BAD_USER_INPUT']);
      }

      // Expired: the signal's row is gone (pruned), the event is beyond its stream's retention.
      const prisma = hub.runtime.readModels.prisma;
      const signalId = (await prisma.signal.findFirst({ where: { tenantId: 'resume-owner' } }))!.id;
      await prisma.signal.delete({ where: { tenantId_id: { tenantId: 'resume-owner', id: signalId } } });
      expect(await subscribe('resume-owner', LiveSignalsDocument, signalCursor)).toEqual(['CURSOR_EXPIRED']);
      await hub.runtime.eventStore.setStreamMetadata(event.stream, {
        truncateBefore: BigInt(event.revision) + 1n,
      });
      expect(await subscribe('resume-owner', TenantEventsDocument, event.cursor)).toEqual(['CURSOR_EXPIRED']);
    });
  });
});
