import { z } from 'zod';
import { note } from './primitives.js';

/** One scope the provider knows, as the provider spells it. */
export const scopeSchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().min(1),
  /**
   * The authorization query parameter that carries this scope. Nearly always `scope`; Slack asks
   * for user-token scopes in `user_scope` next to bot scopes in `scope`.
   */
  param: z.string().min(1).default('scope'),
});

/** Switchboard's own vocabulary: `issues.read`, `calendar.read`, `messages.write`. */
export const internalScopeName = z
  .string()
  .regex(/^[a-z]+(?:\.[a-z]+)+$/, 'must look like "resource.action" (e.g. issues.read)');

export const overBroadSchema = z.strictObject({
  /** Narrower catalog scopes to ask for instead; may be empty when the answer is another auth mode. */
  suggest: z.array(z.string().min(1)).default([]),
  reason: note,
});

export const scopePolicySchema = z.strictObject({
  /** Internal scope → the provider scopes that grant it. */
  internal: z.record(internalScopeName, z.array(z.string().min(1)).min(1)).default({}),
  /** Provider scopes refused because they grant far more than an integration needs. */
  overBroad: z.record(z.string().min(1), overBroadSchema).default({}),
  /** Added to every request (offline_access where refresh tokens depend on it). */
  alwaysRequest: z.array(z.string().min(1)).default([]),
});

export type ScopePolicy = z.output<typeof scopePolicySchema>;
