/**
 * The protocol double's own behaviours that the adapter does not reach (soft delete, stream
 * subscriptions, gossip), checked through the real client so the double stays honest.
 */

import { randomUUID } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import {
  jsonEvent,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
} from '@kurrent/kurrentdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KurrentDbDouble, startKurrentDbDouble } from './kurrentdb-double/index.js';
import { gossipGrpc, gossipPb, sharedPb } from './kurrentdb-double/proto.js';

describe('KurrentDB protocol double', () => {
  let double: KurrentDbDouble;
  let client: KurrentDBClient;

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    client = KurrentDBClient.connectionString(double.connectionString);
  });
  afterAll(async () => {
    await client?.dispose();
    await double?.close();
  });

  const types = async (stream: string) => {
    const found: string[] = [];
    for await (const resolved of client.readStream(stream)) found.push(resolved.event?.type ?? '?');
    return found;
  };

  it('soft-deletes a stream and lets it be recreated with its numbering continued', async () => {
    await client.appendToStream('soft-1', [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    await client.deleteStream('soft-1', { expectedRevision: 1n });
    await expect(types('soft-1')).rejects.toBeInstanceOf(StreamNotFoundError);
    const recreated = await client.appendToStream('soft-1', jsonEvent({ type: 'C', data: {} }), {
      streamState: 'no_stream',
    });
    expect(recreated.nextExpectedRevision).toBe(2n);
    expect(await types('soft-1')).toEqual(['C']);
  });

  it('serves a stream subscription: catch-up after the given revision, caught-up, then live', async () => {
    await client.appendToStream(
      'sub-1',
      [0, 1, 2].map((i) => jsonEvent({ type: `E${i}`, data: {} })),
    );
    const subscription = client.subscribeToStream('sub-1', { fromRevision: 0n });
    const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
    const seen: string[] = [];
    for await (const resolved of subscription) {
      seen.push(resolved.event?.type ?? '?');
      if (seen.length === 2) {
        await caughtUp;
        await client.appendToStream('sub-1', jsonEvent({ type: 'Live', data: {} }));
      }
      if (seen.length === 3) break;
    }
    await subscription.unsubscribe();
    expect(seen).toEqual(['E1', 'E2', 'Live']);
  });

  it('answers gossip with one live leader on its own port', async () => {
    const address = double.connectionString.replace('kurrentdb://', '').split('?')[0] ?? '';
    const gossip = new gossipGrpc.GossipClient(address, credentials.createInsecure());
    try {
      const info = await new Promise<InstanceType<typeof gossipPb.ClusterInfo>>((resolve, reject) =>
        gossip.read(new sharedPb.Empty(), (error, reply) =>
          error || !reply ? reject(error) : resolve(reply),
        ),
      );
      const [member] = info.getMembersList();
      expect(member?.getState()).toBe(gossipPb.MemberInfo.VNodeState.LEADER);
      expect(member?.getIsAlive()).toBe(true);
      expect(`${member?.getHttpEndPoint()?.getAddress()}:${member?.getHttpEndPoint()?.getPort()}`).toBe(
        address,
      );
    } finally {
      gossip.close();
    }
  });

  it('serves a gossip-seed (cluster mode) connection string: discovery goes through Gossip.Read', async () => {
    const address = double.connectionString.replace('kurrentdb://', '').split('?')[0] ?? '';
    const cluster = KurrentDBClient.connectionString(`kurrentdb://${address},${address}?tls=false`);
    try {
      await cluster.appendToStream('gossip-1', jsonEvent({ type: 'A', data: {} }), {
        streamState: 'no_stream',
      });
      const found: string[] = [];
      for await (const resolved of cluster.readStream('gossip-1')) found.push(resolved.event?.type ?? '?');
      expect(found).toEqual(['A']);
    } finally {
      await cluster.dispose();
    }
  });

  it('reads $all from the start including system records, as the real server does', async () => {
    const records: string[] = [];
    for await (const resolved of client.readAll({ fromPosition: START }))
      records.push(resolved.event?.type ?? '?');
    expect(records).toContain('$metadata');
  });

  describe('writes, as KurrentDB 24.10 answers them', () => {
    const metadata = {
      tenantId: 'acme',
      correlationId: 'c',
      causationId: null,
      actor: 'test',
      schemaVersion: 1,
    };
    const proposed = (type: string, id = randomUUID()) => jsonEvent({ id, type, data: {}, metadata });

    for (const batchAppend of [true, false]) {
      const path = batchAppend ? 'BatchAppend' : 'Append';
      it(`answers a recognized retry with the original position, through ${path}`, async () => {
        const server = await startKurrentDbDouble({ batchAppend });
        const raw = KurrentDBClient.connectionString(server.connectionString);
        try {
          const events = [proposed('A'), proposed('B')];
          const first = await raw.appendToStream('retry-1', events, { streamState: 'no_stream' });
          expect(await raw.appendToStream('retry-1', events, { streamState: 'no_stream' })).toEqual(first);
          expect(await raw.appendToStream('retry-1', events, { streamState: 'any' })).toEqual(first);
          expect(server.writeCalls[batchAppend ? 'batchAppend' : 'append']).toBeGreaterThan(0);
          expect(server.writeCalls[batchAppend ? 'append' : 'batchAppend']).toBe(0);
        } finally {
          await raw.dispose();
          await server.close();
        }
      });

      it(`refuses an append over MaxAppendSize with the server's error, through ${path}`, async () => {
        const server = await startKurrentDbDouble({ batchAppend, maxAppendSize: 1000 });
        const raw = KurrentDBClient.connectionString(server.connectionString);
        try {
          const big = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(1000) }, metadata });
          const refused = await raw.appendToStream('big-1', big).catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(MaxAppendSizeExceededError);
          expect(refused).toMatchObject({ maxAppendSize: 1000 });
          await expect(raw.appendToStream('big-1', proposed('Small'))).resolves.toMatchObject({
            success: true,
          });
        } finally {
          await raw.dispose();
          await server.close();
        }
      });
    }

    it('takes stream_exists for a stream that has only metadata, as the server does', async () => {
      await client.setStreamMetadata('metaonly-1', { maxAge: 60 });
      const result = await client.appendToStream('metaonly-1', proposed('A'), {
        streamState: 'stream_exists',
      });
      expect(result.nextExpectedRevision).toBe(0n);
    });

    it('forgets ids past its idempotence window under any, never under a revision', async () => {
      const server = await startKurrentDbDouble({ idempotenceWindow: 1 });
      const raw = KurrentDBClient.connectionString(server.connectionString);
      try {
        const once = proposed('Once');
        await raw.appendToStream('window-1', once);
        await raw.appendToStream('window-2', proposed('Other'));
        expect((await raw.appendToStream('window-1', once)).nextExpectedRevision).toBe(1n);
        expect(
          (await raw.appendToStream('window-1', once, { streamState: 'no_stream' })).nextExpectedRevision,
        ).toBe(0n);
      } finally {
        await raw.dispose();
        await server.close();
      }
    });
  });
});
