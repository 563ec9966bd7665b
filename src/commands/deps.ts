import type { ProviderCatalog } from '../connectors/catalog.js';
import { handleCommand } from '../domain/command-handler.js';
import type { CommandContext, Decider } from '../domain/decider.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RetryOptions } from '../oauth/index.js';
import type { KeyValueStore } from '../platform/kv.js';
import type { LeaseManager } from '../platform/lease.js';
import type { Logger } from '../platform/logger.js';
import type { ProjectionRunner } from '../projections/index.js';
import type { ReadModelName } from '../projections/names.js';
import { waitUntilVisible } from '../projections/read-your-writes.js';
import type { TokenVault } from '../vault/vault.js';

/** What the connection services need from the runtime. */
export interface ConnectionDeps {
  eventStore: EventStore;
  prisma: PrismaClient;
  vault: TokenVault;
  catalog: ProviderCatalog;
  kv: KeyValueStore;
  leases: LeaseManager;
  projections: Pick<ProjectionRunner, 'waitFor'>;
  logger: Logger;
  /** SWITCHBOARD_PUBLIC_URL: the OAuth callback is `${publicUrl}/oauth/callback`. */
  publicUrl: string;
  /** SWITCHBOARD_REDIRECT_ALLOWLIST: where every tenant's users may be sent after the callback. */
  redirectAllowlist: readonly string[];
  now: () => Date;
  /** Provider calls: per-request timeout and the retry policy for transient failures. */
  providerTimeoutMs: number;
  retry: Pick<RetryOptions, 'retries' | 'baseMs' | 'maxMs'>;
  /** How long a command waits for its read models (read-your-writes). */
  readYourWritesTimeoutMs: number;
}

/** Who asked: becomes the events' actor and correlation id. */
export interface Caller {
  actor: string;
  correlationId: string;
}

export const systemCaller = (component: string, correlationId: string): Caller => ({
  actor: `system:${component}`,
  correlationId,
});

/** What executing a command needs: the log, the projections to wait for, and the clock. */
export type CommandDeps = Pick<
  ConnectionDeps,
  'eventStore' | 'projections' | 'readYourWritesTimeoutMs' | 'now'
>;

export function commandContext(
  deps: Pick<CommandDeps, 'now'>,
  caller: Caller,
  tenantId: string,
): CommandContext {
  return {
    now: deps.now(),
    metadata: { tenantId, correlationId: caller.correlationId, causationId: null, actor: caller.actor },
  };
}

/**
 * The one command executor, for services and resolvers alike: decide and append (optimistic
 * concurrency, a few retries), then wait until the read models the caller reads next have applied
 * it (none: no wait; NOT_YET_VISIBLE when they do not in time: the command happened all the same).
 */
export async function execute<State, Command, E extends RecordedEvent>(
  deps: CommandDeps,
  caller: Caller,
  target: { tenantId: string; stream: string },
  decider: Decider<State, Command, E>,
  command: Command,
  options: { waitFor: readonly ReadModelName[] },
): Promise<{ state: State; position: bigint | null; events: readonly RecordedEvent[] }> {
  const context = commandContext(deps, caller, target.tenantId);
  const result = await handleCommand(deps.eventStore, target.stream, decider, command, context);
  if (result.position !== null) {
    await waitUntilVisible(
      deps.projections,
      result.position,
      options.waitFor,
      deps.readYourWritesTimeoutMs,
      result.events.map((event) => event.type),
    );
  }
  return result;
}

/** `execute` with its dependencies and caller already bound: what a request hands to services. */
export type BoundExecute = <State, Command, E extends RecordedEvent>(
  target: { tenantId: string; stream: string },
  decider: Decider<State, Command, E>,
  command: Command,
  options: { waitFor: readonly ReadModelName[] },
) => Promise<{ state: State; position: bigint | null }>;
