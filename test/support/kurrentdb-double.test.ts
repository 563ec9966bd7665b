/**
 * The protocol double's own behaviours that the adapter does not reach (soft delete, stream
 * subscriptions, gossip), checked through the real client so the double stays honest.
 */
import { credentials } from '@grpc/grpc-js';
import { jsonEvent, KurrentDBClient, START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
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
});
