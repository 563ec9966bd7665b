import type { ContentVault } from '../vault/sealed-content.js';
import { READ_MODEL } from './names.js';
import type { Projection } from './projection.js';
import { connectionsProjection } from './read-models/connections.js';
import { credentialsProjection } from './read-models/credentials.js';
import { integrationsProjection } from './read-models/integrations.js';
import { projectionDeadLettersProjection } from './read-models/projection-dead-letters.js';
import { providerAccountClaimsProjection } from './read-models/provider-account-claims.js';
import { createSignalsProjection } from './read-models/signals.js';
import { createSyncRecordsProjection } from './read-models/sync-records.js';
import { createSyncsProjection } from './read-models/syncs.js';
import { tenantsProjection } from './read-models/tenants.js';
import { createWebhookDeadLettersProjection } from './read-models/webhook-dead-letters.js';
import { webhookEndpointsProjection } from './read-models/webhook-endpoints.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './runner/runner.js';

/** What projections need besides events: the vault opens customer content sealed in the log. */
export interface ProjectionDependencies {
  vault: ContentVault;
}

/** Every projection the hub runs, in the order rebuilds and verify go through them. */
export function allProjections(dependencies: ProjectionDependencies): readonly Projection[] {
  return [
    tenantsProjection,
    connectionsProjection,
    credentialsProjection,
    integrationsProjection,
    webhookEndpointsProjection,
    providerAccountClaimsProjection,
    createSignalsProjection({ vault: dependencies.vault }),
    createWebhookDeadLettersProjection(dependencies.vault),
    projectionDeadLettersProjection,
    createSyncsProjection(),
    createSyncRecordsProjection(dependencies.vault),
  ];
}

/** Every projection name, for usage text and argument checks (no vault needed). */
export const PROJECTION_NAMES: readonly string[] = [
  tenantsProjection.name,
  connectionsProjection.name,
  credentialsProjection.name,
  integrationsProjection.name,
  webhookEndpointsProjection.name,
  providerAccountClaimsProjection.name,
  READ_MODEL.signals,
  READ_MODEL.webhookDeadLetters,
  projectionDeadLettersProjection.name,
  READ_MODEL.syncs,
  READ_MODEL.syncRecords,
];

/** The runner over allProjections unless told otherwise. */
export function createProjectionRunner(
  options: Omit<ProjectionRunnerOptions, 'projections'> &
    ProjectionDependencies & { projections?: readonly Projection[] },
): ProjectionRunner {
  const { vault, ...rest } = options;
  return new ProjectionRunner({ ...rest, projections: options.projections ?? allProjections({ vault }) });
}

export type { PoisonRule, Projection, ProjectionTable, ProjectionTx } from './projection.js';
export {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type RunnerStatus,
  type WaitForOptions,
} from './runner/runner.js';
export {
  type TableComparison,
  type VerifyOptions,
  type VerifyResult,
  verifyReadModels,
} from './verify/verify.js';
export { formatVerifyReport } from './verify/verify-report.js';
