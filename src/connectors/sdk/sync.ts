import type { z } from 'zod';
import type { CanonicalModelName, ModelOf } from './models.js';
import type { ProviderHttp } from './provider-http.js';

/** What a connector saves between pages and runs: JSON only (it goes into an event). */
export type Checkpoint = { readonly [key: string]: unknown };

/** One record as listed: the provider's id, the canonical shape, and the provider's JSON as it came. */
export interface SyncedRecord<Data> {
  id: string;
  data: Data;
  raw: unknown;
}

/**
 * One page of a listing. The engine appends its changed records and its checkpoint in ONE event,
 * so a crash can never separate records from the checkpoint that follows them.
 */
export interface SyncPage<Data> {
  records: readonly SyncedRecord<Data>[];
  /** Ids the provider reported deleted (for `deletes: reported`). */
  deletes?: readonly string[];
  checkpoint: Checkpoint;
}

/** The connection a sync runs for: ids and the values its URLs' placeholders need, never credentials. */
export interface SyncConnection {
  id: string;
  /** The provider account (GitHub user id, Slack team id, Jira cloud id ...), when known. */
  accountId: string | null;
  /** Values for `{placeholders}` in the API base URL and paths (`cloudId`, `realmId`). */
  values: Readonly<Record<string, string>>;
}

export interface SyncContext<Config> {
  /** Where the last page of the last run (or of this run, when resuming) left off; null: from the start. */
  checkpoint: Checkpoint | null;
  config: Config;
  /** True when the whole set is being listed (first run, a requested full sync, after FullResyncRequired). */
  full: boolean;
  http: ProviderHttp;
  connection: SyncConnection;
  /** Aborted when the run must stop (its lease was lost, the process is shutting down). */
  signal: AbortSignal;
  now(): Date;
}

/**
 * The code half of a manifest's `syncs` entry: lists a resource page by page from a checkpoint.
 * It owns the provider's query semantics (filters, cursor fields, 410 handling) and maps each item
 * to its canonical model; the engine owns storage, hashing, deletes, retries and scheduling.
 */
export interface ResourceSync<Model extends CanonicalModelName, Config> {
  model: Model;
  /** The `config` of configureSync, validated before any run (GitHub: `{ repositories }`). */
  config: z.ZodType<Config>;
  sync(ctx: SyncContext<Config>): AsyncIterable<SyncPage<ModelOf<Model>>>;
  /**
   * One record, fresh, to confirm a drift difference; null when the provider no longer has it.
   * `known` is the record as last stored or listed: a provider that cannot fetch by id alone
   * (GitHub fetches an issue by repository and number) finds its address there.
   */
  fetchOne?(
    ctx: SyncContext<Config>,
    id: string,
    known?: SyncedRecord<ModelOf<Model>>,
  ): Promise<SyncedRecord<ModelOf<Model>> | null>;
}

/** Keeps the model's type checked where a connector declares its syncs. */
export function defineResourceSync<Model extends CanonicalModelName, Config>(
  definition: ResourceSync<Model, Config>,
): ResourceSync<Model, Config> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds syncs of every model and config.
export type AnyResourceSync = ResourceSync<CanonicalModelName, any>;
