export type { ProxyCallRecord, RateLimitSnapshot } from './call-record.js';
export { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
export { ConnectionTargets } from './connection-targets.js';
export { CredentialCache, type TokenCheckout } from './credential-cache.js';
export { followCredentialNotices } from './credential-notices.js';
export { ProviderUnavailableError, ProxyPathRefusedError, ProxyRateLimitedError } from './errors.js';
export {
  createProxyService,
  type ProxyAnswer,
  type ProxyCall,
  type ProxyLimits,
  type ProxyService,
  type ProxyServiceOptions,
} from './proxy-service.js';
export { ProviderTransport } from './transport.js';
