import { z } from 'zod';
import type { Ticket } from '../sdk/models.js';
import type { Checkpoint, SyncContext, SyncedRecord, SyncPage } from '../sdk/sync.js';
import { type GithubItem, githubItemSchema, type TicketKind, toTicketRecord } from './sync-tickets.js';

/**
 * How the GitHub syncs list a repository: newest first (`sort=updated&direction=desc`), following
 * Link pages, and stopping at the first item older than the last listing's newest one.
 *
 * Newest first, because GitHub pages by offset: an item updated while we page moves to page 1,
 * which we already read, so later pages repeat an item instead of skipping one, and the moved item
 * is at or after our cursor, so the next run lists it. (Oldest first, every such update would push
 * an unread item back onto a page we had passed: a gap.)
 *
 * No `since` parameter, though the issues endpoint has one: it would change the URL every run, and
 * an ETag only answers for its own URL. With a fixed URL, page 1's ETag is a summary of the whole
 * repository (any change puts an item on page 1), so an unchanged repository costs one 304 per run,
 * which GitHub does not count against the quota. Items at exactly the cursor's second are listed
 * again (GitHub's times have one-second resolution; the engine's hashes drop the repeats).
 */
export const githubSyncConfigSchema = z.strictObject({
  /** "owner/name"; left out: every repository the user can see (`GET /user/repos`). */
  repositories: z
    .array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"'))
    .min(1)
    .optional(),
});
export type GithubSyncConfig = z.infer<typeof githubSyncConfigSchema>;

const listingSchema = z.strictObject({
  /** The next page of the listing in progress (a crashed run resumes there). */
  page: z.strictObject({ url: z.string() }),
  /** Items older than this end the listing; null in a full listing. */
  stopAt: z.string().nullable(),
  /** The newest updated_at listed so far: the cursor once the listing completes. */
  newest: z.string().nullable(),
  /** Page 1's ETag. */
  etag: z.string().nullable(),
});

const repositoryStateSchema = z.strictObject({
  /** updated_at of the newest item the last complete listing saw. */
  since: z.string().nullable(),
  /** ETag of that listing's first page, sent as If-None-Match. */
  etag: z.string().nullable(),
  listing: listingSchema.optional(),
});
type RepositoryState = z.infer<typeof repositoryStateSchema>;

const checkpointSchema = z.strictObject({
  /** By "owner/name" as GitHub or the configuration spells it. */
  repos: z.record(z.string(), repositoryStateSchema),
  /** Repositories a full listing has finished, while one is under way. */
  fullScan: z.strictObject({ done: z.array(z.string()) }).optional(),
});
type GithubCheckpoint = z.infer<typeof checkpointSchema>;

export interface RepositoryListing {
  kind: TicketKind;
  /** `/repos/{owner}/{name}/issues` or `/pulls`. */
  path(owner: string, name: string): string;
  /** False for items the resource leaves to another (pull requests on the issues endpoint). */
  keep(item: GithubItem): boolean;
  /** `GET /user/repos` items this resource skips (repositories with issues turned off). */
  skipRepository?(repository: { has_issues?: boolean }): boolean;
}

const userRepositorySchema = z.looseObject({ full_name: z.string(), has_issues: z.boolean().optional() });

async function repositoriesOf(
  ctx: SyncContext<GithubSyncConfig>,
  listing: RepositoryListing,
): Promise<string[]> {
  if (ctx.config.repositories) {
    const seen = new Set<string>();
    return ctx.config.repositories.filter(
      (name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()),
    );
  }
  const names: string[] = [];
  for await (const page of ctx.http.paginate<unknown[]>({ path: '/user/repos' }, { pageSize: 100 })) {
    for (const raw of page.response.body) {
      const repository = userRepositorySchema.parse(raw);
      if (!listing.skipRepository?.(repository)) names.push(repository.full_name);
    }
  }
  return names;
}

interface Step {
  records: SyncedRecord<Ticket>[];
  state: RepositoryState;
  complete: boolean;
}

async function* listRepository(
  ctx: SyncContext<GithubSyncConfig>,
  listing: RepositoryListing,
  repository: string,
  state: RepositoryState,
): AsyncGenerator<Step> {
  // A full run does not resume an incremental listing: that one would stop at its cursor.
  const resumed = state.listing && (!ctx.full || state.listing.stopAt === null) ? state.listing : undefined;
  let progress: Omit<z.infer<typeof listingSchema>, 'page'> = resumed ?? {
    stopAt: ctx.full ? null : state.since,
    newest: null,
    etag: null,
  };
  const conditional = !resumed && !ctx.full && state.etag !== null;
  let firstPage = !resumed;
  const [owner = '', name = ''] = repository.split('/');
  const pages = ctx.http.paginate<unknown>(
    {
      path: listing.path(encodeURIComponent(owner), encodeURIComponent(name)),
      query: { state: 'all', sort: 'updated', direction: 'desc' },
      // Later pages carry it too; it cannot match them, as GitHub's ETags are digests of the body.
      headers: conditional && state.etag ? { 'if-none-match': state.etag } : undefined,
      // 410: the repository has issues turned off.
      accept: [304, 410],
    },
    { from: resumed?.page ?? null, pageSize: 100 },
  );
  for await (const { response, next } of pages) {
    if (response.status === 304) {
      yield { records: [], state, complete: true };
      return;
    }
    if (response.status === 410 || !Array.isArray(response.body)) {
      yield { records: [], state: { since: state.since, etag: null }, complete: true };
      return;
    }
    const etag = firstPage ? response.headers.get('etag') : progress.etag;
    firstPage = false;
    const records: SyncedRecord<Ticket>[] = [];
    let newest = progress.newest;
    let reachedCursor = false;
    for (const raw of response.body) {
      const item = githubItemSchema.parse(raw);
      if (progress.stopAt !== null && Date.parse(item.updated_at) < Date.parse(progress.stopAt)) {
        reachedCursor = true;
        break;
      }
      if (!listing.keep(item)) continue;
      records.push(toTicketRecord(raw, listing.kind));
      if (newest === null || Date.parse(item.updated_at) > Date.parse(newest)) newest = item.updated_at;
    }
    if (reachedCursor || next === null || !('url' in next)) {
      yield { records, state: { since: newest ?? state.since, etag }, complete: true };
      return;
    }
    progress = { stopAt: progress.stopAt, newest, etag };
    yield { records, state: { ...state, listing: { ...progress, page: next } }, complete: false };
  }
}

/** The checkpoint this sync wrote, or a fresh one (first run, or one from before a config change). */
function readCheckpoint(checkpoint: Checkpoint | null): GithubCheckpoint {
  const parsed = checkpointSchema.safeParse(checkpoint);
  return parsed.success ? parsed.data : { repos: {} };
}

/**
 * Every configured repository in turn, page by page. The checkpoint holds every repository's
 * state; in a full run it also names the repositories already listed, so a resumed full run goes
 * on with the next one. The last page is held back until the end so that it carries the final
 * checkpoint (the full run's marker removed) without an extra, empty page.
 */
export async function* syncRepositories(
  ctx: SyncContext<GithubSyncConfig>,
  listing: RepositoryListing,
): AsyncGenerator<SyncPage<Ticket>> {
  const previous = readCheckpoint(ctx.checkpoint);
  const repositories = await repositoriesOf(ctx, listing);
  const done = new Set(ctx.full ? (previous.fullScan?.done ?? []) : []);
  const repos: Record<string, RepositoryState> = {};
  for (const repository of repositories) {
    const state = previous.repos[repository];
    if (state) repos[repository] = state;
  }
  let checkpoint: GithubCheckpoint = ctx.full ? { repos, fullScan: { done: [...done] } } : { repos };
  let held: SyncPage<Ticket> | null = null;
  for (const repository of repositories) {
    if (done.has(repository)) continue;
    const state = checkpoint.repos[repository] ?? { since: null, etag: null };
    let saved = JSON.stringify(state);
    for await (const step of listRepository(ctx, listing, repository, state)) {
      ctx.signal.throwIfAborted();
      const finishedFullListing = step.complete && ctx.full;
      if (finishedFullListing) done.add(repository);
      const serialized = JSON.stringify(step.state);
      // A 304 changes nothing: no page, so an unchanged run appends nothing.
      if (step.records.length === 0 && serialized === saved && !finishedFullListing) continue;
      saved = serialized;
      checkpoint = {
        repos: { ...checkpoint.repos, [repository]: step.state },
        ...(ctx.full ? { fullScan: { done: [...done] } } : {}),
      };
      if (held) yield held;
      held = { records: step.records, checkpoint };
    }
  }
  const final: GithubCheckpoint = { repos: checkpoint.repos };
  if (held) yield { ...held, checkpoint: final };
  else if (previous.fullScan) yield { records: [], checkpoint: final };
}
