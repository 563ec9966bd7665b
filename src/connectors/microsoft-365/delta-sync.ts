import { z } from 'zod';
import { FullResyncRequired, ProviderCallError, type ProviderRequest } from '../sdk/provider-http.js';
import type { Checkpoint, SyncContext, SyncedRecord, SyncPage } from '../sdk/sync.js';

/**
 * How the Microsoft 365 syncs follow a Graph delta query
 * (https://learn.microsoft.com/graph/delta-query-overview): a round is a chain of pages linked by
 * `@odata.nextLink` that ends with an `@odata.deltaLink`; the next run starts a new round from
 * that delta link and gets only what changed. The first request's query lives in Graph's state
 * tokens, so every later request is the link as given.
 *
 * The checkpoint is the link to request next: a nextLink while a round is under way (a crashed run
 * resumes on the same page), the deltaLink once it ended. Graph refuses a delta link it no longer
 * knows (410 Gone with `resyncRequired`, or a 40x with `syncStateNotFound` once it expired: seven
 * days for directory objects); the engine then lists everything again.
 */

const checkpointSchema = z.object({
  deltaLink: z.string().min(1).optional(),
  nextLink: z.string().min(1).optional(),
  /** The round under way started without a delta link: it lists everything. */
  fullRound: z.boolean().optional(),
  /** What the resource keeps beside its links (the calendar window). */
  scope: z.unknown().optional(),
});
type DeltaCheckpoint = z.infer<typeof checkpointSchema>;

const pageSchema = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1) })),
  '@odata.deltaLink': z.string().min(1).optional(),
});
const removedSchema = z.looseObject({ '@removed': z.looseObject({ reason: z.string().optional() }) });
const errorSchema = z.looseObject({ error: z.looseObject({ code: z.string() }) });

/** Graph's error codes for a state token it cannot continue from (https://learn.microsoft.com/graph/errors). */
const RESYNC_CODES = new Set(['resyncRequired', 'syncStateNotFound']);

export interface DeltaQuery<Data, Config, Item, Scope> {
  /** What the resource saves beside its links for new rounds (null: nothing). */
  scope(ctx: SyncContext<Config>): Scope;
  /** Why a saved scope can no longer start a round from its delta link; null when it can. */
  outdated?(saved: Scope, ctx: SyncContext<Config>): string | null;
  /** The first request of a full round. */
  firstRequest(scope: Scope, ctx: SyncContext<Config>): ProviderRequest;
  /** Headers every request of a round repeats (Graph reads `Prefer` on each page). */
  headers?: Readonly<Record<string, string>>;
  item: z.ZodType<Item>;
  toRecord(item: Item): SyncedRecord<Data>;
}

function readCheckpoint(checkpoint: Checkpoint | null): DeltaCheckpoint | null {
  const parsed = checkpointSchema.safeParse(checkpoint);
  return parsed.success && (parsed.data.deltaLink || parsed.data.nextLink) ? parsed.data : null;
}

/** Where this run starts: a round to resume, a delta link to start one from, or a full round. */
function startingPoint(ctx: SyncContext<unknown>) {
  const saved = readCheckpoint(ctx.checkpoint);
  // A full run resumes only a full round of its own (after a crash); anything else starts over.
  if (ctx.full) return saved?.nextLink && saved.fullRound ? saved : null;
  return saved;
}

function failure(status: number, body: unknown, request: string): Error {
  const code = errorSchema.safeParse(body).data?.error.code;
  if (status === 410 || (code && RESYNC_CODES.has(code))) {
    return new FullResyncRequired(
      `Graph no longer knows the saved delta state (${status} ${code ?? ''})`.trim(),
      // A delta round from nothing lists every live user or event of the window.
      { absentMeansDeleted: true },
    );
  }
  return new ProviderCallError('terminal', `${request} answered ${status}${code ? `: ${code}` : ''}`, {
    status,
    request,
  });
}

/** Every page of the round this run takes part in, as records, reported deletes and the link to go on from. */
export async function* syncDelta<Data, Config, Item, Scope>(
  ctx: SyncContext<Config>,
  query: DeltaQuery<Data, Config, Item, Scope>,
): AsyncGenerator<SyncPage<Data>> {
  const saved = startingPoint(ctx as SyncContext<unknown>);
  const scope = saved ? (saved.scope as Scope) : query.scope(ctx);
  if (saved?.deltaLink && !saved.nextLink) {
    const outdated = query.outdated?.(scope, ctx) ?? null;
    if (outdated) throw new FullResyncRequired(outdated);
  }
  const fullRound = saved ? (saved.nextLink ? saved.fullRound === true : false) : true;
  const first =
    saved?.deltaLink && !saved.nextLink ? { path: saved.deltaLink } : query.firstRequest(scope, ctx);
  const request: ProviderRequest = {
    ...first,
    headers: { ...first.headers, ...query.headers },
    // Graph's verdict on a state token comes as 410 or "a 40x" with its code; others are thrown by ctx.http.
    accept: [400, 404, 410],
  };
  const name = `GET ${new URL(first.path, 'https://graph.invalid').pathname}`;
  const pages = ctx.http.paginate(request, { from: saved?.nextLink ? { url: saved.nextLink } : null });
  for await (const { response, next } of pages) {
    if (response.status !== 200) throw failure(response.status, response.body, name);
    const page = pageSchema.safeParse(response.body);
    if (!page.success) {
      throw new ProviderCallError('terminal', `${name} answered a page Switchboard cannot read`, {
        status: response.status,
        request: name,
        cause: page.error,
      });
    }
    const records: SyncedRecord<Data>[] = [];
    const deletes: string[] = [];
    for (const raw of page.data.value) {
      if (removedSchema.safeParse(raw).success) {
        deletes.push(raw.id);
        continue;
      }
      const item = query.item.safeParse(raw);
      if (!item.success) {
        throw new ProviderCallError('terminal', `${name} listed an item Switchboard cannot read`, {
          request: name,
          cause: item.error,
        });
      }
      records.push(query.toRecord(item.data));
    }
    const deltaLink = page.data['@odata.deltaLink'];
    const kept = scope === null || scope === undefined ? {} : { scope };
    let checkpoint: DeltaCheckpoint;
    if (next && 'url' in next) checkpoint = { nextLink: next.url, fullRound, ...kept };
    else if (deltaLink) checkpoint = { deltaLink, ...kept };
    else {
      throw new ProviderCallError(
        'terminal',
        `${name} ended a round with neither a nextLink nor a deltaLink`,
        {
          request: name,
        },
      );
    }
    yield { records, deletes, checkpoint };
  }
}
