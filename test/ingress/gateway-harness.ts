import { BUILT_IN_MANIFESTS, ProviderCatalog } from '../../src/connectors/catalog.js';
import type { Event } from '../../src/events/envelope.js';
import type { AppendResult, EventStore } from '../../src/eventstore/port.js';
import { configuredAppSecrets } from '../../src/ingress/app-secrets.js';
import { WebhookGateway } from '../../src/ingress/gateway.js';
import { RejectionBudget } from '../../src/ingress/rejection-budget.js';
import { ReplayGuard } from '../../src/ingress/replay-guard.js';
import { ResolvedTargets } from '../../src/ingress/resolved-targets.js';
import type { WebhookTarget } from '../../src/ingress/targets.js';
import { MemoryKeyValueStore } from '../../src/platform/kv-memory.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Sealed } from '../../src/vault/sealed.js';

/** A "sealed" secret the fake vault opens: the plaintext in the ciphertext field. */
export const fakeSealed = (secret: string): Sealed => ({
  v: 1,
  keyId: 'test-key',
  iv: '',
  ciphertext: Buffer.from(secret).toString('base64'),
  tag: '',
});

export interface Harness {
  gateway: WebhookGateway;
  /** Connections by id; `routingId` makes one reachable on the app-level route. */
  connections: Map<string, WebhookTarget & { provider: string; routingId?: string }>;
  appended: Array<{ stream: string; events: readonly Event[] }>;
  kv: MemoryKeyValueStore;
  /** Makes the next appends throw, as an unreachable database would. */
  failAppends: boolean;
}

/** The gateway over the built-in catalog, in memory: no database, a vault that just decodes. */
export function gatewayHarness(options: {
  now: () => Date;
  appSecrets?: Record<string, string>;
  /** Refusals recorded per connection per minute (default: the gateway's). */
  rejectionsPerMinute?: number;
}): Harness {
  const connections: Harness['connections'] = new Map();
  const appended: Harness['appended'] = [];
  const kv = new MemoryKeyValueStore();
  const harness = { connections, appended, kv, failAppends: false } as Harness;
  let position = 0n;
  const eventStore: Pick<EventStore, 'append'> = {
    async append(stream, events): Promise<AppendResult> {
      if (harness.failAppends) throw new Error('database unreachable');
      const known = appended.flatMap((entry) => entry.events.map((event) => event.id));
      const duplicate = events.length > 0 && events.every((event) => known.includes(event.id));
      if (!duplicate) appended.push({ stream, events });
      position += 1n;
      return { revision: 0n, position, duplicate };
    },
  };
  const find = (predicate: (c: WebhookTarget & { provider: string; routingId?: string }) => boolean) =>
    [...connections.values()].find(predicate) ?? null;
  harness.gateway = new WebhookGateway({
    catalog: new ProviderCatalog([], BUILT_IN_MANIFESTS),
    targets: new ResolvedTargets({
      targets: {
        byConnection: async (provider, id) => find((c) => c.connectionId === id && c.provider === provider),
        byRoutingId: async (provider, id) => find((c) => c.routingId === id && c.provider === provider),
      },
      vault: { decrypt: async (_tenant, _connection, sealed) => Buffer.from(sealed.ciphertext, 'base64') },
    }),
    appSecrets: configuredAppSecrets(options.appSecrets ?? {}),
    eventStore,
    replayGuard: new ReplayGuard(kv),
    rejections: new RejectionBudget(kv, createLogger({ level: 'silent' }), options.rejectionsPerMinute, () =>
      options.now().getTime(),
    ),
    logger: createLogger({ level: 'silent' }),
    now: options.now,
  });
  return harness;
}
