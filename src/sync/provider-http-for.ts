import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { ProviderHttp } from '../connectors/sdk/provider-http.js';
import type { SyncConnection } from '../connectors/sdk/sync.js';
import { createProviderHttp, type ProviderHttpOptions } from './provider-client/create-provider-http.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/** The provider client for one connection's run or drift check: its credentials, its rate gate, the run's signal. */
export function providerHttpFor(
  deps: SyncDeps,
  target: SyncTarget,
  manifest: ProviderManifest,
  connection: SyncConnection,
  signal: AbortSignal,
  onResponse?: ProviderHttpOptions['onResponse'],
): ProviderHttp {
  return createProviderHttp({
    ...deps.http,
    manifest,
    connection,
    credentials: deps.credentials(target, manifest),
    rateGate: deps.rateGate?.forConnection({
      manifest,
      tenantId: target.tenantId,
      connectionId: target.connectionId,
    }),
    signal,
    onResponse,
  });
}
