import { z } from 'zod';
import { apiSchema } from './api.js';
import { authSchema } from './auth.js';
import { kebabId, note, url } from './primitives.js';
import { scopePolicySchema, scopeSchema } from './scopes.js';
import { syncSchema } from './syncs.js';
import { webhookSchema } from './webhooks.js';

/** The manifest's fields before cross-field checks and derived values (see ../manifest.ts). */
export const manifestObjectSchema = z.strictObject({
  id: kebabId,
  /** The built-in provider this one patches (a providers file's GitHub Enterprise Server, say). */
  extends: kebabId.optional(),
  /**
   * Derived (`extends`, else `id`): whose connector code runs this provider. Accepted only as that
   * value, so that a parsed manifest parses to itself.
   */
  implementation: kebabId.optional(),
  displayName: z.string().min(1),
  categories: z.array(kebabId).min(1),
  docsUrl: url.optional(),
  auth: authSchema,
  scopes: z.array(scopeSchema),
  scopePolicy: scopePolicySchema.prefault({}),
  api: apiSchema,
  webhooks: webhookSchema.optional(),
  syncs: z.array(syncSchema).default([]),
  /** Declared or derived: webhooks from `webhooks`, sync from `syncs`, actions default false. */
  capabilities: z
    .strictObject({
      webhooks: z.boolean().optional(),
      sync: z.boolean().optional(),
      actions: z.boolean().optional(),
    })
    .default({}),
  notes: z.array(note).default([]),
});

export type ManifestObject = z.output<typeof manifestObjectSchema>;
