/** What authenticates one request: headers, and query parameters where a manifest places an API key. */
export interface Authentication {
  headers: Record<string, string>;
  query?: Record<string, string>;
}

/**
 * Where the provider client gets what authenticates a call. The sync engine builds one from the
 * token vault (vault-credentials.ts); a connector never sees it. After a 401 the client asks once
 * for fresh credentials (a refresh), passing the ones the provider refused so that concurrent
 * requests share one refresh.
 */
export interface CredentialSource {
  authentication(): Promise<Authentication>;
  /**
   * Fresh credentials after the provider refused `rejected` (the very object authentication()
   * returned); null when nothing fresher exists.
   */
  afterUnauthorized(rejected: Authentication): Promise<Authentication | null>;
}

/** Fixed headers (tests, API keys that never change), and query parameters where the key goes there. */
export function staticCredentials(
  headers: Record<string, string>,
  query: Record<string, string> = {},
): CredentialSource {
  return { authentication: async () => ({ headers, query }), afterUnauthorized: async () => null };
}
