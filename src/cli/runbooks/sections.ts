/**
 * The sections every runbook has, by anchor. Anchors are explicit (`<a id>`), not heading slugs,
 * so a reworded heading never breaks an alert's runbook_url. Every provider runbook has every
 * provider section, even where the manifest has nothing for it (it then says so): an alert's
 * `{{ $labels.provider }}` URL must land somewhere for any provider.
 */
export const PROVIDER_SECTIONS = {
  'auth-failures': 'Auth failures and token refresh',
  'reauth-required': 'REAUTH_REQUIRED',
  scopes: 'Scope drift and over-broad scopes',
  'webhook-signature-mismatch': 'Webhook signature mismatches',
  'rate-limits': 'Rate limits',
  revocation: 'Revocation',
  'sync-failures': 'Sync failures and dead letters',
  drift: 'Drift',
  'circuit-open': 'Circuit open',
} as const;

export type ProviderSection = keyof typeof PROVIDER_SECTIONS;

export const HUB_SECTIONS = {
  'projection-lag': 'Projection lag',
  'projection-stopped': 'A projection stopped',
  'dead-letters': 'Dead letters',
  'webhook-verify-failures': 'Webhook verification failures (every provider)',
  kurrentdb: 'KurrentDB settings the hub relies on',
  metrics: 'Metrics',
} as const;

export type HubSection = keyof typeof HUB_SECTIONS;

/** Where the runbooks live, relative to the repository root (alerts.yml links there). */
export const RUNBOOK_DIR = 'docs/runbooks';
