/**
 * Where the provider client gets the headers that authenticate a call. The sync engine builds one
 * from the token vault (connections/tokens); a connector never sees it. After a 401 the client asks
 * once for fresh headers (a refresh), passing the ones the provider refused so that concurrent
 * requests share one refresh.
 */
export interface CredentialSource {
  headers(): Promise<Record<string, string>>;
  /** Fresh headers after the provider refused `rejected`; null when nothing fresher exists. */
  afterUnauthorized(rejected: Record<string, string>): Promise<Record<string, string> | null>;
}

/** Fixed headers (tests, API keys that never change). */
export function staticCredentials(headers: Record<string, string>): CredentialSource {
  return { headers: async () => headers, afterUnauthorized: async () => null };
}
