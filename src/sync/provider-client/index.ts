export { rateLimitResetAt } from './classify-response.js';
export { type Clock, systemClock } from './clock.js';
export { createProviderHttp, type ProviderHttpOptions } from './create-provider-http.js';
export { type Authentication, type CredentialSource, staticCredentials } from './credential-source.js';
export {
  type ConnectionRateGate,
  createProviderRateGate,
  type ProviderRateGate,
  type ProviderRateGateOptions,
} from './rate-gate.js';
export { type VaultCredentialsOptions, vaultCredentials } from './vault-credentials.js';
