import { allowInsecureRequests, discovery } from 'openid-client';
import type { Logger } from '../platform/logger.js';
import { IdentityProviderUnavailableError, OidcConfigurationError } from './errors.js';

/**
 * The issuer's metadata (where its keys are), discovered lazily on first use. An identity provider
 * that is down must not stop Switchboard from starting (operators and public fields still work),
 * so a failure is remembered, reported by `status()`, and retried by a later request once
 * `retryAfterMs` has passed; until then callers fail fast instead of queueing on a dead host.
 */
export interface IssuerMetadata {
  /** The issuer exactly as the provider spells it: tokens' `iss` must equal it. */
  issuer: string;
  jwksUri: URL;
}

export interface IssuerDiscoveryStatus {
  issuer: string;
  state: 'pending' | 'ready' | 'unavailable';
  jwksUri?: string;
  lastError?: string;
  lastFailureAt?: string;
}

export interface IssuerDiscovery {
  metadata(): Promise<IssuerMetadata>;
  status(): IssuerDiscoveryStatus;
}

export interface IssuerDiscoveryOptions {
  issuer: string;
  timeoutMs: number;
  retryAfterMs: number;
  logger?: Pick<Logger, 'warn' | 'info'> | undefined;
}

/**
 * openid-client's discovery is written for clients and wants a client id; a resource server has
 * none. Only the server metadata is used, so any identifier will do.
 */
const RESOURCE_SERVER_CLIENT_ID = 'switchboard-resource-server';

export function createIssuerDiscovery(options: IssuerDiscoveryOptions): IssuerDiscovery {
  const issuerUrl = trustedUrl(options.issuer, 'SWITCHBOARD_OIDC_ISSUER');
  let discovered: IssuerMetadata | undefined;
  let inFlight: Promise<IssuerMetadata> | undefined;
  let failure: { error: IdentityProviderUnavailableError; at: number } | undefined;

  async function discover(): Promise<IssuerMetadata> {
    try {
      const configuration = await discovery(issuerUrl, RESOURCE_SERVER_CLIENT_ID, undefined, undefined, {
        // Plain http only for loopback issuers (tests, local IdPs); trustedUrl refused the rest.
        execute: issuerUrl.protocol === 'http:' ? [allowInsecureRequests] : [],
        timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      });
      const server = configuration.serverMetadata();
      if (!server.jwks_uri) throw new Error('the discovery document has no jwks_uri');
      discovered = { issuer: server.issuer, jwksUri: trustedUrl(server.jwks_uri, 'jwks_uri') };
      failure = undefined;
      options.logger?.info({ issuer: server.issuer }, 'OIDC issuer discovered');
      return discovered;
    } catch (cause) {
      const error = new IdentityProviderUnavailableError(
        options.issuer,
        `discovery failed: ${describe(cause)}`,
        cause,
      );
      failure = { error, at: Date.now() };
      options.logger?.warn({ issuer: options.issuer, reason: describe(cause) }, 'OIDC discovery failed');
      throw error;
    }
  }

  return {
    async metadata() {
      if (discovered) return discovered;
      if (failure && Date.now() - failure.at < options.retryAfterMs) throw failure.error;
      // Single flight: a burst of first requests shares one discovery.
      inFlight ??= discover().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    status() {
      const status: IssuerDiscoveryStatus = {
        issuer: options.issuer,
        state: discovered ? 'ready' : failure ? 'unavailable' : 'pending',
      };
      if (discovered) status.jwksUri = discovered.jwksUri.href;
      if (failure) {
        status.lastError = String(failure.error.detail?.['reason']);
        status.lastFailureAt = new Date(failure.at).toISOString();
      }
      return status;
    },
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https anywhere; http only on loopback, where nobody can sit between us and the issuer. */
function trustedUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcConfigurationError(`${name} is not a valid URL`, { [name]: value });
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new OidcConfigurationError(
      `${name} must use https (plain http is accepted only for 127.0.0.1 and localhost)`,
      {
        [name]: value,
      },
    );
  }
  return url;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the interesting part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
