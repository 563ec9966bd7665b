import type { ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import { CANONICAL_MODELS } from '../../src/connectors/sdk/models.js';
import type { AnyResourceSync, Checkpoint, SyncContext, SyncPage } from '../../src/connectors/sdk/sync.js';
import { createProviderHttp, staticCredentials } from '../../src/sync/provider-client/index.js';

/**
 * A connector's ResourceSync run the way the engine runs it, minus storage: the real provider
 * client pointed at a fake, the config validated, every page collected until the listing ends or a
 * call fails (a rate limit stops a run; its last checkpoint is where the next one starts).
 */
export interface SyncRunOptions {
  manifest: ProviderManifest;
  /** The fake's API base, in place of the manifest's. */
  baseUrl: string;
  token: string;
  config?: unknown;
  checkpoint?: Checkpoint | null;
  full?: boolean;
  accountId?: string | null;
  /** The connection's URL values (SyncConnection.values). */
  values?: Readonly<Record<string, string>>;
}

export interface SyncRunResult {
  pages: SyncPage<unknown>[];
  /** What stopped the run early; null when the listing ended. */
  error: unknown;
  /** The checkpoint of the last page, or the one the run started from when it yielded none. */
  checkpoint: Checkpoint | null;
  recordIds: string[];
  deletes: string[];
}

export async function runResourceSync(
  sync: AnyResourceSync,
  options: SyncRunOptions,
): Promise<SyncRunResult> {
  const connection = {
    id: 'connection-1',
    accountId: options.accountId ?? 'T12345678',
    values: options.values ?? {},
  };
  const http = createProviderHttp({
    manifest: { ...options.manifest, api: { ...options.manifest.api, baseUrl: options.baseUrl } },
    connection,
    credentials: staticCredentials({ authorization: `Bearer ${options.token}` }),
  });
  const ctx: SyncContext<unknown> = {
    checkpoint: options.checkpoint ?? null,
    config: sync.config.parse(options.config ?? {}),
    full: options.full ?? (options.checkpoint ?? null) === null,
    http,
    connection,
    signal: new AbortController().signal,
    now: () => new Date(),
  };
  const model = CANONICAL_MODELS[sync.model];
  const pages: SyncPage<unknown>[] = [];
  let error: unknown = null;
  try {
    for await (const page of sync.sync(ctx)) {
      for (const record of page.records) model.parse(record.data);
      pages.push(page);
    }
  } catch (caught) {
    error = caught;
  }
  return {
    pages,
    error,
    checkpoint: pages.at(-1)?.checkpoint ?? ctx.checkpoint,
    recordIds: pages.flatMap((page) => page.records.map((record) => record.id)),
    deletes: pages.flatMap((page) => page.deletes ?? []),
  };
}
