import { allowInsecureRequests, customFetch, discovery, type ServerMetadata } from 'openid-client';
import type { CallContext } from './context.js';
import { endpointUrl } from './endpoints.js';
import { OAuthConfigurationError } from './errors.js';
import { providerFetch } from './transport/http.js';
import { errorFromThrown } from './transport/library-errors.js';

/** The authorization server as openid-client sees it, built from the manifest. */
export interface ResolvedServer {
  metadata: ServerMetadata;
  /**
   * True when the issuer identifier came from OIDC discovery. Only then are the callback's `iss`
   * and ID tokens checked against it: without discovery the issuer below is a stand-in.
   */
  discovered: boolean;
  /** Some endpoint is plain http (loopback only, see endpoints.ts): openid-client must allow it. */
  insecure: boolean;
}

/**
 * Explicit endpoints from the manifest, over the discovered document when the manifest names an
 * OIDC issuer (the manifest's URLs win, as its schema promises). openid-client needs an issuer
 * identifier even for plain OAuth 2.0; without discovery the authorization server's origin stands
 * in for it.
 */
export async function resolveServer(
  context: CallContext,
  values: Readonly<Record<string, string>>,
  purpose: 'authorize' | 'token' | 'revoke',
): Promise<ResolvedServer> {
  const { auth, id } = context.manifest;
  // Only the endpoint this call uses is filled in: a token request must not fail for want of a
  // placeholder value that only the authorization URL needs, and the other way round.
  const field = (name: string, template: string | undefined, used: boolean) =>
    template === undefined || !used
      ? undefined
      : endpointUrl(template, values, { provider: id, field: name });
  const authorization = field('auth.authorizationUrl', auth.authorizationUrl, purpose === 'authorize');
  const token = field('auth.tokenUrl', auth.tokenUrl, purpose === 'token');
  const revocation =
    auth.revocation.kind === 'rfc7009'
      ? field('auth.revocation.url', auth.revocation.url, purpose === 'revoke')
      : undefined;
  const explicit = [authorization, token, revocation].filter((url): url is URL => url !== undefined);

  // The authorization URL needs no issuer (its endpoint is in the manifest): building it stays
  // offline, and discovery happens on the token request, where the issuer is checked.
  const discoveredMetadata =
    auth.oidcIssuer && purpose !== 'authorize' ? await discover(context, values) : undefined;
  const fallbackIssuer = explicit[0]?.origin;
  if (!discoveredMetadata && fallbackIssuer === undefined) {
    throw new OAuthConfigurationError(`Provider "${id}" declares no OAuth endpoints`, { provider: id });
  }
  const metadata: ServerMetadata = {
    ...discoveredMetadata,
    issuer: discoveredMetadata?.issuer ?? fallbackIssuer!,
    ...(authorization ? { authorization_endpoint: authorization.href } : {}),
    ...(token ? { token_endpoint: token.href } : {}),
    ...(revocation ? { revocation_endpoint: revocation.href } : {}),
  };
  // Plain http only where endpointUrl allowed it (loopback): the manifest's URLs, or an issuer
  // equal to the manifest's. An https document pointing elsewhere at http is still refused.
  const checked = [...explicit, ...(discoveredMetadata ? [new URL(discoveredMetadata.issuer)] : [])];
  return {
    metadata,
    discovered: discoveredMetadata !== undefined,
    insecure: checked.some((url) => url.protocol === 'http:'),
  };
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const discovered = new Map<string, { at: number; metadata: Promise<ServerMetadata> }>();

/**
 * OIDC discovery, cached per document for an hour: a burst of callbacks shares one fetch, and a
 * failure is forgotten at once so the next call tries again.
 */
async function discover(
  context: CallContext,
  values: Readonly<Record<string, string>>,
): Promise<ServerMetadata> {
  const { auth, id } = context.manifest;
  const issuer = endpointUrl(auth.oidcIssuer!, values, { provider: id, field: 'auth.oidcIssuer' });
  // openid-client fetches a URL containing /.well-known/ as it is (Intuit's non-standard location).
  const documentUrl = auth.oidcDiscoveryUrl
    ? endpointUrl(auth.oidcDiscoveryUrl, values, { provider: id, field: 'auth.oidcDiscoveryUrl' })
    : issuer;
  const key = documentUrl.href;
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.metadata;

  // Shared by every caller that waits on it, so no single caller's cancellation applies.
  const discoveryContext: CallContext = {
    ...context,
    operation: 'discovery',
    signal: undefined,
    secrets: [],
  };
  const metadata = fetchMetadata(discoveryContext, documentUrl).then((metadata) => {
    if (new URL(metadata.issuer).href !== issuer.href) {
      throw new OAuthConfigurationError(
        `The discovery document of provider "${id}" names issuer ${metadata.issuer}, not auth.oidcIssuer ${issuer.href}`,
        { provider: id, field: 'auth.oidcIssuer' },
      );
    }
    return metadata;
  });
  discovered.set(key, { at: Date.now(), metadata });
  metadata.catch(() => discovered.delete(key));
  return metadata;
}

async function fetchMetadata(context: CallContext, documentUrl: URL): Promise<ServerMetadata> {
  try {
    const configuration = await discovery(documentUrl, 'switchboard', undefined, undefined, {
      execute: documentUrl.protocol === 'http:' ? [allowInsecureRequests] : [],
      timeout: Math.ceil(context.timeoutMs / 1000) + 1,
      [customFetch]: (url, options) => providerFetch(context, url, options),
    });
    return { ...configuration.serverMetadata() };
  } catch (error) {
    throw errorFromThrown(context, error);
  }
}

/** For tests that start a fresh provider on a reused port. */
export function forgetDiscoveredMetadata(): void {
  discovered.clear();
}
