import type { ProviderCatalog } from '../connectors/catalog.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { EventStore } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { HubMetrics } from '../observability/metrics/index.js';
import type { LeaseManager } from '../platform/lease.js';
import type { Logger } from '../platform/logger.js';
import type { ProjectionRunner } from '../projections/index.js';
import type { ContentVault } from '../vault/sealed-content.js';
import type { ProviderHttpOptions } from './provider-client/create-provider-http.js';
import type { CredentialSource } from './provider-client/credential-source.js';
import type { ProviderRateGate } from './provider-client/rate-gate.js';

export interface SyncTarget {
  tenantId: string;
  connectionId: string;
  resource: string;
}

/** What the sync engine needs from the runtime. */
export interface SyncDeps {
  eventStore: EventStore;
  prisma: PrismaClient;
  vault: ContentVault;
  catalog: ProviderCatalog;
  leases: LeaseManager;
  projections: Pick<ProjectionRunner, 'waitFor'>;
  logger: Logger;
  now: () => Date;
  /** Headers for a connection's provider calls, from the token vault (never handed to a connector). */
  credentials: (target: SyncTarget, manifest: ProviderManifest) => CredentialSource;
  /** Budgets and not-before holds shared by every instance (none: unlimited, as in some tests). */
  rateGate?: ProviderRateGate;
  /** Provider-client settings (timeouts, retries, a dispatcher in tests). */
  http?: Pick<ProviderHttpOptions, 'dispatcher' | 'timeoutMs' | 'maxInlineWaitMs' | 'retry' | 'sleep'>;
  /** This instance's name in SyncStarted (host and pid by default). */
  workerId: string;
  /** How long a run's lease lasts without renewal: a crashed worker's run resumes after this (default 15 s). */
  leaseTtlMs: number;
  /** How long a command waits for its read models (read-your-writes). */
  readYourWritesTimeoutMs: number;
  /** Runs by result, records by change, drift found (none: not counted). */
  metrics?: Pick<HubMetrics, 'syncRunFinished' | 'syncRecords' | 'driftDetected'>;
}
