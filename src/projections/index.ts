import { connectionsProjection } from './connections.js';
import { credentialsProjection } from './credentials.js';
import { integrationsProjection } from './integrations.js';
import type { Projection } from './projection.js';
import { projectionDeadLettersProjection } from './projection-dead-letters.js';
import { providerAccountClaimsProjection } from './provider-account-claims.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './runner.js';
import { signalsProjection } from './signals.js';
import { tenantsProjection } from './tenants.js';
import { webhookDeadLettersProjection } from './webhook-dead-letters.js';
import { webhookEndpointsProjection } from './webhook-endpoints.js';

/** Every projection the hub runs, in the order rebuilds and verify go through them. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  tenantsProjection,
  connectionsProjection,
  credentialsProjection,
  integrationsProjection,
  webhookEndpointsProjection,
  providerAccountClaimsProjection,
  signalsProjection,
  webhookDeadLettersProjection,
  projectionDeadLettersProjection,
];

/** The runner over ALL_PROJECTIONS unless told otherwise. */
export function createProjectionRunner(
  options: Omit<ProjectionRunnerOptions, 'projections'> & { projections?: readonly Projection[] },
): ProjectionRunner {
  return new ProjectionRunner({ ...options, projections: options.projections ?? ALL_PROJECTIONS });
}

export type { PoisonRule, Projection, ProjectionTable, ProjectionTx } from './projection.js';
export {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type RunnerStatus,
  type WaitForOptions,
} from './runner.js';
export { type TableComparison, type VerifyOptions, type VerifyResult, verifyReadModels } from './verify.js';
export { formatVerifyReport } from './verify-report.js';
