import type { ConnectionDeps } from '../commands/deps.js';
import { NotFoundError } from '../shared/errors.js';

export interface TenantKeyRotation {
  tenantId: string;
  /** 1 for a tenant's first key, +1 per rotation. */
  generation: number;
  rotatedAt: Date;
}

/**
 * A new data key for the tenant: new secrets are sealed with it, older keys are retired and still
 * decrypt what they sealed (no ciphertext is rewritten, so the log stays as it is).
 */
export async function rotateTenantKey(deps: ConnectionDeps, tenantId: string): Promise<TenantKeyRotation> {
  const tenant = await deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
  if (!tenant || tenant.status === 'DELETED') {
    throw new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
  }
  const { generation } = await deps.vault.rotateTenantKey(tenantId);
  return { tenantId, generation, rotatedAt: deps.now() };
}
