import type { Config } from '../../config/config.js';
import { type CheckResult, fail, ok, warn, within } from './report.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** What the configuration alone says (it already parsed: config.ts rejected what cannot work). */
export function configurationChecks(config: Config): CheckResult[] {
  const results: CheckResult[] = [];
  results.push(
    config.profile === 'production'
      ? ok('config.profile', 'production profile (external event store, read models or Redis)')
      : warn(
          'config.profile',
          `embedded profile: PGlite in ${config.dataDir}, pubsub and leases in memory (one process only)`,
          'for production set EVENTSTORE_URL (or DATABASE_URL) and REDIS_URL',
        ),
  );
  if (config.profile === 'embedded' && config.nodeEnv === 'production')
    results.push(
      fail(
        'config.nodeEnv',
        'NODE_ENV=production on the embedded profile',
        'set EVENTSTORE_URL / DATABASE_URL / REDIS_URL, or unset NODE_ENV for a development hub',
      ),
    );
  if (config.masterKey) results.push(ok('config.masterKey', 'SWITCHBOARD_MASTER_KEY is set'));
  else if (config.profile === 'production')
    results.push(
      fail(
        'config.masterKey',
        'no master key on the production profile: the hub refuses to start',
        'set SWITCHBOARD_MASTER_KEY (32 bytes, base64: openssl rand -base64 32)',
      ),
    );
  else
    results.push(
      warn(
        'config.masterKey',
        `no SWITCHBOARD_MASTER_KEY: the embedded hub uses a key file it generated in ${config.dataDir}`,
        'set SWITCHBOARD_MASTER_KEY (openssl rand -base64 32) before the data matters',
      ),
    );
  if (config.profile === 'production' && !config.audit.signingKey)
    results.push(
      fail(
        'config.auditSigningKey',
        'no audit signing key on the production profile: a hub that runs projections refuses to start',
        'set SWITCHBOARD_AUDIT_SIGNING_KEY (an Ed25519 seed, 32 bytes base64: openssl rand -base64 32)',
      ),
    );
  if (config.operatorTokens.length === 0 && !config.oidc)
    results.push(
      warn(
        'config.callers',
        'no operator token and no OIDC issuer: nobody can call operator-only operations',
        'set SWITCHBOARD_OPERATOR_TOKENS (or SWITCHBOARD_OIDC_ISSUER and SWITCHBOARD_OIDC_AUDIENCE)',
      ),
    );
  else
    results.push(
      ok(
        'config.callers',
        [
          config.operatorTokens.length > 0 ? `${config.operatorTokens.length} operator token(s)` : '',
          config.oidc ? `OIDC issuer ${config.oidc.issuer}` : '',
        ]
          .filter(Boolean)
          .join(', '),
      ),
    );
  results.push(publicUrlCheck(config));
  return results;
}

function publicUrlCheck(config: Config): CheckResult {
  const url = new URL(config.publicUrl);
  if (config.profile === 'production' && LOOPBACK.has(url.hostname))
    return warn(
      'config.publicUrl',
      `SWITCHBOARD_PUBLIC_URL is ${config.publicUrl}: providers cannot reach webhooks or OAuth callbacks there`,
      'set SWITCHBOARD_PUBLIC_URL to the address providers and browsers reach the hub at',
    );
  if (config.profile === 'production' && url.protocol !== 'https:')
    return warn(
      'config.publicUrl',
      `SWITCHBOARD_PUBLIC_URL is ${config.publicUrl}: most providers require https callbacks`,
      'serve the hub behind TLS and set SWITCHBOARD_PUBLIC_URL to its https:// address',
    );
  return ok('config.publicUrl', `webhooks and OAuth callbacks at ${config.publicUrl}`);
}

/** The OIDC issuer's discovery document answers (tokens cannot be checked without its keys). */
export async function oidcIssuerCheck(config: Config, timeoutMs: number): Promise<CheckResult | null> {
  if (!config.oidc) return null;
  const where = `${config.oidc.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const response = await within(timeoutMs, 'OIDC discovery', fetch(where, { redirect: 'error' }));
    if (!response.ok) throw new Error(`${where} answered ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== config.oidc.issuer && metadata.issuer !== config.oidc.issuer.replace(/\/+$/, ''))
      return fail(
        'config.oidcIssuer',
        `the issuer calls itself ${String(metadata.issuer)}, not ${config.oidc.issuer}`,
        'set SWITCHBOARD_OIDC_ISSUER exactly as the issuer spells it',
      );
    return ok(
      'config.oidcIssuer',
      `${config.oidc.issuer} answers discovery (keys at ${String(metadata.jwks_uri)})`,
    );
  } catch (error) {
    return fail(
      'config.oidcIssuer',
      `${config.oidc.issuer} is unreachable: ${(error as Error).message}`,
      'check SWITCHBOARD_OIDC_ISSUER and that this host can reach it',
    );
  }
}
