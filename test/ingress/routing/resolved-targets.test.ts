import { describe, expect, it } from 'vitest';
import { ResolvedTargets } from '../../../src/ingress/routing/resolved-targets.js';
import { createMemoryPlatform } from '../../../src/platform/index.js';
import type { WebhookTarget, WebhookTargets } from '../../../src/readmodels/queries/webhook-targets.js';
import type { Sealed } from '../../../src/vault/sealed.js';

/** A read model whose secret for each connection can be changed, counting lookups. */
function readModel() {
  const secrets = new Map<string, string>([
    ['c1', 'one'],
    ['c2', 'two'],
  ]);
  let lookups = 0;
  let gate: Promise<void> | undefined;
  const target = (connectionId: string): WebhookTarget | null =>
    secrets.has(connectionId)
      ? {
          tenantId: 't',
          provider: 'github',
          connectionId,
          secret: { secret: secrets.get(connectionId) } as unknown as Sealed,
        }
      : null;
  const targets: WebhookTargets = {
    async byConnection(_provider, connectionId) {
      lookups++;
      const result = target(connectionId);
      await gate;
      return result;
    },
    async byRoutingId(_provider, routingId) {
      lookups++;
      return target(routingId);
    },
  };
  const vault = {
    decrypt: async (_t: string, _c: string, sealed: Sealed) =>
      Buffer.from((sealed as unknown as { secret: string }).secret),
  };
  return {
    secrets,
    targets,
    vault,
    lookups: () => lookups,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const secretOf = async (targets: ResolvedTargets, connectionId: string) =>
  String((await targets.byConnection('github', connectionId))?.plainSecret);

describe('resolved webhook targets', () => {
  it('serves repeated lookups from the cache until a change notice drops the connection', async () => {
    const model = readModel();
    const targets = new ResolvedTargets({ ...model, ttlMs: 60_000 });
    expect(await secretOf(targets, 'c1')).toBe('one');
    expect(await secretOf(targets, 'c2')).toBe('two');
    model.secrets.set('c1', 'rotated');
    expect(await secretOf(targets, 'c1')).toBe('one');
    expect(model.lookups()).toBe(2);

    const { pubsub } = createMemoryPlatform();
    const subscription = pubsub.subscribe('changes');
    const following = targets.followChanges(subscription);
    await subscription.ready;
    await pubsub.publish('changes', { connectionIds: ['c1'] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await secretOf(targets, 'c1')).toBe('rotated');
    expect(await secretOf(targets, 'c2')).toBe('two');
    expect(model.lookups()).toBe(3);
    await pubsub.close();
    await following;
  });

  it('does not cache what a lookup read before a change it overlapped', async () => {
    const model = readModel();
    const targets = new ResolvedTargets({ ...model, ttlMs: 60_000 });
    const release = model.hold();
    const inFlight = secretOf(targets, 'c1');
    model.secrets.set('c1', 'rotated');
    targets.forget(['c1']);
    release();
    expect(await inFlight).toBe('one');
    expect(await secretOf(targets, 'c1')).toBe('rotated');
  });

  it('forgets everything when notices were lost, and on a notice it cannot read', async () => {
    const model = readModel();
    const targets = new ResolvedTargets({ ...model, ttlMs: 60_000 });
    await secretOf(targets, 'c1');
    await secretOf(targets, 'c2');
    model.secrets.set('c1', 'new-1');
    model.secrets.set('c2', 'new-2');
    let dropped = 0;
    const notices = (async function* () {
      dropped = 3;
      yield { connectionIds: [] };
    })();
    // A getter, not a copied value: the count grows while the notices are read.
    await targets.followChanges(Object.defineProperty(notices, 'dropped', { get: () => dropped }) as never);

    expect(await secretOf(targets, 'c1')).toBe('new-1');
    expect(await secretOf(targets, 'c2')).toBe('new-2');

    model.secrets.set('c1', 'newer');
    await targets.followChanges(
      Object.assign(
        (async function* () {
          yield 'garbage';
        })(),
        { dropped: 0 },
      ),
    );
    expect(await secretOf(targets, 'c1')).toBe('newer');
  });

  it('subscribes again after a failed subscription (Redis down), forgetting what it cached meanwhile', async () => {
    const model = readModel();
    const targets = new ResolvedTargets({ ...model, ttlMs: 60_000 });
    expect(await secretOf(targets, 'c1')).toBe('one');
    const { pubsub } = createMemoryPlatform();
    const errors: unknown[] = [];
    let attempts = 0;
    const down = new Error('Redis SUBSCRIBE failed');
    const following = targets.follow(
      () => {
        attempts++;
        if (attempts <= 2) {
          // What a subscription whose SUBSCRIBE failed looks like: never ready, its iteration throws.
          const failed = Promise.reject(down);
          return Object.assign(
            (async function* () {
              yield* [];
              throw down;
            })(),
            { dropped: 0, ready: failed },
          );
        }
        return pubsub.subscribe('changes');
      },
      { onError: (error) => errors.push(error), retryMs: 5 },
    );
    // A rotation whose notice was published while nobody listened.
    model.secrets.set('c1', 'rotated-while-down');
    await expect.poll(() => attempts, { timeout: 2_000 }).toBe(3);
    expect(errors).toEqual([down, down]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await secretOf(targets, 'c1')).toBe('rotated-while-down');
    // And the notices of the new subscription are followed.
    model.secrets.set('c1', 'rotated-again');
    await pubsub.publish('changes', { connectionIds: ['c1'] });
    await expect.poll(() => secretOf(targets, 'c1'), { timeout: 2_000 }).toBe('rotated-again');
    await pubsub.close();
    await following;
  });
});
