import type { Config } from '../config/config.js';
import type { EventStore } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { LeaseManager } from '../platform/lease.js';
import type { Logger } from '../platform/logger.js';
import { type LeafIndex, PrismaLeafIndex } from './leaf-index.js';
import { type AuditProof, proveInclusion } from './proof.js';
import { SealLog } from './seal-log.js';
import { AuditSealer } from './sealer.js';
import { loadAuditSigningKey } from './signing-key.js';
import { type AuditVerifyReport, type VerifyOptions, verifyAuditLog } from './verify.js';

export { eventLeafBytes, eventLeafHash, LEAF_FORMAT } from './event-leaf.js';
export { type IndexedLeaf, type LeafIndex, PrismaLeafIndex } from './leaf-index.js';
export { MerkleTree, merkleRoot, verifyInclusion } from './merkle.js';
export type { AuditProof } from './proof.js';
export {
  EventNotInLogError,
  loadSealedRange,
  NotSealedError,
  proveInclusion,
  SealedRange,
  SealedRangeChangedError,
} from './proof.js';
export { eventAt } from './range-leaves.js';
export { type ChainedSeal, type PublishedKey, SealLog } from './seal-log.js';
export { sealStatementBytes } from './seal-statement.js';
export { AuditSealer } from './sealer.js';
export { AUDIT_KEY_FILE, AuditSigningKey, keyIdOf, loadAuditSigningKey } from './signing-key.js';
export type { AuditProblem, AuditProblemKind, AuditVerifyReport } from './verify.js';
export { verifyAuditLog } from './verify.js';

/** What the API, the CLI and the HTTP routes use of the audit seals. */
export interface AuditServices {
  readonly seals: SealLog;
  readonly leafIndex: LeafIndex;
  /** Null in a process that only reads (the CLI, replay): it holds no signing key. */
  readonly sealer: AuditSealer | null;
  verify(options?: Omit<VerifyOptions, 'store' | 'leafIndex'>): Promise<AuditVerifyReport>;
  proof(position: bigint): Promise<AuditProof>;
}

export interface AuditDeps {
  eventStore: EventStore;
  prisma: PrismaClient;
  leases: LeaseManager;
  logger: Logger;
  config: Pick<Config, 'profile' | 'dataDir' | 'audit'>;
}

/** With `seal`, loads the signing key (production refuses to start without one) and builds the sealer. */
export async function createAuditServices(
  deps: AuditDeps,
  options: { seal: boolean },
): Promise<AuditServices> {
  const leafIndex = new PrismaLeafIndex(deps.prisma);
  const seals = new SealLog(deps.eventStore);
  const sealer = options.seal
    ? new AuditSealer({
        eventStore: deps.eventStore,
        leafIndex,
        key: await loadAuditSigningKey(deps.config, deps.logger),
        leases: deps.leases,
        logger: deps.logger,
        everyMs: deps.config.audit.sealEveryMs,
        everyEvents: deps.config.audit.sealEveryEvents,
      })
    : null;
  return {
    seals,
    leafIndex,
    sealer,
    verify: (options = {}) => verifyAuditLog({ ...options, store: deps.eventStore, leafIndex }),
    proof: (position) => proveInclusion({ eventStore: deps.eventStore, leafIndex }, position),
  };
}
