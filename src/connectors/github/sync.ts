import type { Ticket } from '../sdk/models.js';
import { defineResourceSync, type SyncContext, type SyncedRecord } from '../sdk/sync.js';
import { type GithubSyncConfig, githubSyncConfigSchema, syncRepositories } from './sync-listing.js';
import { locationOf, type TicketKind, toTicketRecord } from './sync-tickets.js';

/**
 * GitHub's syncs: issues and pull requests of the configured repositories as Tickets (listing
 * rules in sync-listing.ts, ids and mapping in sync-tickets.ts).
 * Issues: https://docs.github.com/en/rest/issues/issues#list-repository-issues
 * Pull requests: https://docs.github.com/en/rest/pulls/pulls#list-pull-requests
 */

/**
 * GitHub has no endpoint that takes an issue's id alone: an issue is fetched by repository and
 * number, which the record as known (its html_url) gives. 404, 410 (deleted) and 301 (transferred
 * to another repository) all mean this record is no longer there.
 */
function fetchByLocation(kind: TicketKind) {
  return async (
    ctx: SyncContext<GithubSyncConfig>,
    id: string,
    known?: SyncedRecord<Ticket>,
  ): Promise<SyncedRecord<Ticket> | null> => {
    const location = known ? locationOf(known.data.url ?? '') : null;
    if (!location)
      throw new Error(`GitHub fetches ${kind} ${id} by repository and number: pass the known record`);
    const [owner = '', name = ''] = location.repository.split('/');
    const response = await ctx.http.request({
      path: `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/${kind === 'issue' ? 'issues' : 'pulls'}/${location.number}`,
      accept: [301, 404, 410],
    });
    if (response.status !== 200) return null;
    const record = toTicketRecord(response.body, kind);
    return record.id === id ? record : null;
  };
}

export const githubIssuesSync = defineResourceSync({
  model: 'Ticket',
  config: githubSyncConfigSchema,
  sync: (ctx) =>
    syncRepositories(ctx, {
      kind: 'issue',
      path: (owner, name) => `/repos/${owner}/${name}/issues`,
      // The issues endpoint lists pull requests too; they are the pull-requests resource's.
      keep: (item) => item.pull_request === undefined,
      skipRepository: (repository) => repository.has_issues === false,
    }),
  fetchOne: fetchByLocation('issue'),
});

export const githubPullRequestsSync = defineResourceSync({
  model: 'Ticket',
  config: githubSyncConfigSchema,
  sync: (ctx) =>
    syncRepositories(ctx, {
      kind: 'pull_request',
      path: (owner, name) => `/repos/${owner}/${name}/pulls`,
      keep: () => true,
    }),
  fetchOne: fetchByLocation('pull_request'),
});
