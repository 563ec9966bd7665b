export { createProviderHttp, type ProviderHttpOptions } from './create-provider-http.js';
export { type CredentialSource, staticCredentials } from './credential-source.js';
