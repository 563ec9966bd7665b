import { placeholdersOf } from '../shared/placeholders.js';
import { OAuthConfigurationError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A manifest URL made ready to call: `{placeholders}` filled (URL-encoded, so a value cannot add
 * path segments or a query), then checked. Manifests accept http so a custom provider can be a
 * loopback test server; anywhere else plain http would put codes and tokens on the wire in clear.
 */
export function endpointUrl(
  template: string,
  values: Readonly<Record<string, string>>,
  where: { provider: string; field: string },
): URL {
  const missing = placeholdersOf(template).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new OAuthConfigurationError(
      `${where.field} of provider "${where.provider}" needs a value for ${missing.map((name) => `{${name}}`).join(', ')}`,
      { ...where, missing },
    );
  }
  const filled = template.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_match, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
  const url = new URL(filled);
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (url.protocol !== 'https:') {
    throw new OAuthConfigurationError(
      `${where.field} of provider "${where.provider}" must use https (plain http is accepted only on loopback)`,
      { ...where, url: `${url.origin}${url.pathname}` },
    );
  }
  return url;
}

export function isPlainHttp(url: URL): boolean {
  return url.protocol === 'http:';
}
