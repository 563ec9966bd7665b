import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { bullets, code, per, table } from './markdown.js';

const BUDGET_SCOPE = {
  connection: 'each connection',
  tenant: 'each tenant',
  app: 'the whole app (every tenant)',
} as const;

export function rateLimits(manifest: ProviderManifest): string {
  const limits = manifest.api.rateLimit;
  if (!limits)
    return `${manifest.displayName}'s manifest declares no rate limits: the hub only backs off when the provider answers 429 (honouring ${code('Retry-After')}).`;
  const headers = [
    limits.limitHeader && `limit ${code(limits.limitHeader)}`,
    limits.remainingHeader && `remaining ${code(limits.remainingHeader)}`,
    limits.resetHeader && `reset ${code(limits.resetHeader)} (${limits.resetUnit.replaceAll('_', ' ')})`,
    `retry after ${code(limits.retryAfterHeader)}`,
  ].filter((header): header is string => typeof header === 'string');
  return [
    `Headers the rate governor reads: ${headers.join(', ')}. It holds every instance to the budgets below before the provider has to say no; a caller (sync, proxy, action) that would exceed one waits.`,
    '',
    limits.budgets.length
      ? table(
          ['budget', 'for', 'paths', 'notes'],
          limits.budgets.map((budget) => [
            `${budget.requests} ${budget.requests === 1 ? 'request' : 'requests'} per ${per(budget.perSeconds)}`,
            BUDGET_SCOPE[budget.per],
            budget.paths.length ? budget.paths.map(code).join(', ') : 'all',
            budget.notes.join(' '),
          ]),
        )
      : 'The manifest documents no budget: the governor follows the headers alone.',
    '',
    'What to do when waits grow: a sync running more often than its budget allows waits most of its time; lower its frequency (' +
      `${code('configureSync(input: { connectionId, resource, frequency: "15m" })')}) or spread connections' schedules. Waits for an ${code('app')} budget are shared by every tenant: one tenant's backfill slows all of them.`,
    ...(limits.notes.length ? ['', bullets(limits.notes)] : []),
    ...(limits.docsUrl ? ['', `Provider documentation: ${limits.docsUrl}`] : []),
  ].join('\n');
}

/** The origin the proxy's circuit is keyed by; a placeholder in the path (`{cloudId}`) does not change it. */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

export function circuitOpen(manifest: ProviderManifest): string {
  return [
    `The proxy keeps one circuit per provider origin, in each instance: ${code(originOf(manifest.api.baseUrl))} for ${manifest.displayName} (API base ${code(manifest.api.baseUrl)}). After a run of consecutive failures (no answer, 5xx) it opens: proxy calls and actions answer ${code('PROVIDER_UNAVAILABLE')} at once instead of queueing on a dead host; after a pause one trial call decides whether it closes.`,
    '',
    bullets([
      `Check the provider's status page and whether the hub reaches ${code(originOf(manifest.api.baseUrl))} at all (DNS, egress firewall, proxy).`,
      "A circuit open on one instance only points at that instance's network.",
      '5xx answers show in the proxy status classes; a rise in latency before the circuit opened means the provider was degrading.',
    ]),
  ].join('\n');
}
