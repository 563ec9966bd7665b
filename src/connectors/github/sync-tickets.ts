import { z } from 'zod';
import type { Ticket } from '../sdk/models.js';
import type { SyncedRecord } from '../sdk/sync.js';

/**
 * GitHub issues and pull requests as canonical Tickets. The record id is the item's numeric `id`
 * as a string: the `issue.id` / `pull_request.id` GitHub's webhooks carry, so a change seen by a
 * webhook and by a sync names the same record; it never changes when a repository is renamed.
 * (A pull request also has an issue id of its own: the issues resource skips pull requests, so
 * each is recorded once, under its pull request id.)
 */
const user = z.looseObject({ id: z.number(), login: z.string() });

/** The fields read from `issue` and `pull-request-simple` (@octokit/openapi-types); the rest stays in `raw`. */
export const githubItemSchema = z.looseObject({
  id: z.number(),
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  assignees: z.array(user).nullish(),
  /** Present on the issues endpoint's items that are pull requests. */
  pull_request: z.unknown().optional(),
  draft: z.boolean().optional(),
  merged_at: z.string().nullish(),
});
export type GithubItem = z.infer<typeof githubItemSchema>;

export type TicketKind = 'issue' | 'pull_request';

/** Where an item lives, from its html_url (`https://github.com/{owner}/{name}/issues/{number}`, `/pull/` for pulls). */
export function locationOf(htmlUrl: string): { repository: string; number: number } | null {
  let segments: string[];
  try {
    segments = new URL(htmlUrl).pathname.split('/').filter(Boolean);
  } catch {
    return null;
  }
  const [owner, name, kind, number] = segments.slice(-4);
  if (!owner || !name || (kind !== 'issues' && kind !== 'pull') || !/^\d+$/.test(number ?? '')) return null;
  return { repository: `${owner}/${name}`, number: Number(number) };
}

function status(item: GithubItem, kind: TicketKind): string {
  if (kind === 'issue') return item.state;
  if (item.merged_at) return 'merged';
  return item.state === 'open' && item.draft === true ? 'draft' : item.state;
}

export function toTicketRecord(raw: unknown, kind: TicketKind): SyncedRecord<Ticket> {
  const parsed = githubItemSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`GitHub sent a ${kind} this sync cannot read: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const item = parsed.data;
  const data: Ticket = {
    id: String(item.id),
    title: item.title,
    status: status(item, kind),
    state: item.state === 'closed' ? 'closed' : 'open',
    url: item.html_url,
    // Issue payloads carry logins, not display names or emails.
    assignees: (item.assignees ?? []).map((person) => ({
      id: String(person.id),
      name: person.login,
      email: null,
    })),
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    // GitHub's own spelling of the repository, whatever case the configuration used.
    project: locationOf(item.html_url)?.repository ?? null,
    kind,
  };
  return { id: data.id, data, raw };
}
