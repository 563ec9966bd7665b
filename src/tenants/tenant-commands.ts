import { randomBytes } from 'node:crypto';
import type { BoundExecute } from '../commands/deps.js';
import { tenantDecider } from '../domain/tenant.js';
import { tenantIdSchema } from '../events/streams.js';
import { tenantStream } from '../events/tenant.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError } from '../shared/errors.js';

/** A tenant's name as it is kept: trimmed, 1 to 200 characters. */
export function tenantName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200)
    throw new BadUserInputError('A tenant name is 1 to 200 characters');
  return trimmed;
}

/** The id a caller gave, checked; or, when none, one derived from the name plus a random suffix. */
export function tenantId(id: string | number | null | undefined, name: string): string {
  if (id === null || id === undefined) {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'tenant';
    return `${slug}-${randomBytes(3).toString('hex')}`;
  }
  const parsed = tenantIdSchema.safeParse(String(id));
  if (!parsed.success)
    throw new BadUserInputError(`Invalid tenant id: ${parsed.error.issues[0]?.message}`, { field: 'id' });
  return parsed.data;
}

/**
 * The tenant commands, each answered once the tenants read model has applied it. Authorization is
 * the caller's (resolvers/tenants.ts): these take ids already allowed.
 */
const onTenant = (execute: BoundExecute, id: string, command: Parameters<typeof tenantDecider.decide>[0]) =>
  execute({ tenantId: id, stream: tenantStream(id) }, tenantDecider, command, {
    waitFor: [READ_MODEL.tenants],
  });

export const registerTenant = (execute: BoundExecute, id: string, name: string) =>
  onTenant(execute, id, { type: 'RegisterTenant', tenantId: id, name });

export const renameTenant = (execute: BoundExecute, id: string, name: string) =>
  onTenant(execute, id, { type: 'RenameTenant', tenantId: id, name });

/** The whole list, replacing the current one; the decider normalizes and refuses bad entries. */
export const configureRedirectAllowlist = (execute: BoundExecute, id: string, redirectUris: string[]) =>
  onTenant(execute, id, { type: 'ConfigureRedirectAllowlist', tenantId: id, redirectUris });
