import { BUILT_IN_MANIFESTS, ProviderCatalog } from '../../src/connectors/catalog.js';
import type { ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import { appendBytes, MAX_APPEND_BYTES } from '../../src/eventstore/append-size.js';
import type { Event, RecordedEvent } from '../../src/eventstore/envelope.js';
import { AppendTooLargeError } from '../../src/eventstore/errors.js';
import type { AppendResult, EventStore } from '../../src/eventstore/port.js';
import { RejectionBudget } from '../../src/ingress/delivery/rejection-budget.js';
import { WebhookGateway } from '../../src/ingress/gateway.js';
import { configuredAppSecrets } from '../../src/ingress/routing/app-secrets.js';
import { ResolvedTargets } from '../../src/ingress/routing/resolved-targets.js';
import type { KeyValueStore } from '../../src/platform/kv.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryKeyValueStore } from '../../src/platform/memory/kv-memory.js';
import type { WebhookTarget } from '../../src/readmodels/queries/webhook-targets.js';
import type { Sealed } from '../../src/vault/sealed.js';
import type { TokenVault } from '../../src/vault/vault.js';
import { memoryVault } from '../support/memory-vault.js';
import { openedData } from '../support/open-events.js';

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
  /** Every append that wrote (an idempotent retry writes nothing and is not listed). */
  appended: Array<{ stream: string; events: readonly Event[] }>;
  /** The log those appends made, as the event store would read it back. */
  recorded: RecordedEvent[];
  kv: MemoryKeyValueStore;
  /** Read-model lookups of a connection (by id or routing id) so far. */
  lookups: number;
  /** Makes the next appends throw, as an unreachable database would. */
  failAppends: boolean;
  /** The real vault (keys in memory) payloads and dead letters are sealed with. */
  vault: TokenVault;
  /** An appended event's data with its sealed parts opened (support/open-events.ts). */
  open(event: Event): Promise<Record<string, unknown>>;
}

/** The gateway over the built-in catalog (plus any custom providers), in memory: no database, a vault that just decodes. */
export function gatewayHarness(options: {
  now: () => Date;
  appSecrets?: Record<string, string>;
  /** Refusals recorded per connection per minute (default: the gateway's). */
  rejectionsPerMinute?: number;
  /** What the rejection budget uses instead of `kv` (a failing Redis, say). */
  guardKv?: KeyValueStore;
  /** Custom providers served after the built-ins (as a providers file would add them). */
  customProviders?: readonly ProviderManifest[];
  /** Appends larger than this are refused as KurrentDB refuses them (default: its 1 MiB). */
  maxAppendBytes?: number;
}): Harness {
  const connections: Harness['connections'] = new Map();
  const appended: Harness['appended'] = [];
  const recorded: RecordedEvent[] = [];
  const kv = new MemoryKeyValueStore();
  const guardKv = options.guardKv ?? kv;
  const vault = memoryVault();
  const harness = {
    connections,
    appended,
    recorded,
    kv,
    lookups: 0,
    failAppends: false,
    vault,
    open: (event: Event) => openedData(vault, event),
  } as Harness;
  let position = 0n;
  // The SQL store's rules: ids all in the stream already is a retry that writes nothing.
  const eventStore: Pick<EventStore, 'append' | 'readStream'> = {
    async append(stream, events): Promise<AppendResult> {
      if (harness.failAppends) throw new Error('database unreachable');
      const limit = options.maxAppendBytes ?? MAX_APPEND_BYTES;
      if (appendBytes(events) > limit) throw new AppendTooLargeError(stream, limit);
      const known = new Map(recorded.map((event) => [event.id, event]));
      const last = known.get(events.at(-1)?.id ?? '');
      if (last && events.every((event) => known.get(event.id)?.stream === stream)) {
        return { revision: last.revision, position: last.position, duplicate: true };
      }
      appended.push({ stream, events });
      let revision = BigInt(recorded.filter((event) => event.stream === stream).length) - 1n;
      for (const event of events) {
        revision += 1n;
        position += 1n;
        recorded.push({ ...event, stream, revision, position, recordedAt: new Date() });
      }
      return { revision, position, duplicate: false };
    },
    async *readStream(stream, readOptions = {}) {
      const from = readOptions.fromRevision ?? 0n;
      const found = recorded.filter((event) => event.stream === stream && event.revision >= from);
      yield* found.slice(0, readOptions.maxCount ?? found.length);
    },
  };
  const find = (predicate: (c: WebhookTarget & { provider: string; routingId?: string }) => boolean) => {
    harness.lookups++;
    return [...connections.values()].find(predicate) ?? null;
  };
  harness.gateway = new WebhookGateway({
    catalog: new ProviderCatalog(options.customProviders, BUILT_IN_MANIFESTS),
    targets: new ResolvedTargets({
      targets: {
        byConnection: async (provider, id) => find((c) => c.connectionId === id && c.provider === provider),
        byRoutingId: async (provider, id) => find((c) => c.routingId === id && c.provider === provider),
      },
      vault: { decrypt: async (_tenant, _connection, sealed) => Buffer.from(sealed.ciphertext, 'base64') },
    }),
    appSecrets: configuredAppSecrets(options.appSecrets ?? {}),
    eventStore,
    vault: harness.vault,
    rejections: new RejectionBudget(
      guardKv,
      createLogger({ level: 'silent' }),
      options.rejectionsPerMinute,
      () => options.now().getTime(),
    ),
    logger: createLogger({ level: 'silent' }),
    now: options.now,
  });
  return harness;
}
