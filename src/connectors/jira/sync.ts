import { z } from 'zod';
import type { Ticket } from '../sdk/models.js';
import { ProviderCallError } from '../sdk/provider-http.js';
import { defineResourceSync, type SyncContext, type SyncedRecord } from '../sdk/sync.js';
import { jqlMinute } from './jql-time.js';

/**
 * Jira Cloud issues through the enhanced JQL search (`GET /rest/api/3/search/jql`, paged with
 * `nextPageToken`): `updated >= "<cursor minute>" ORDER BY updated ASC`, so every page moves the
 * cursor forward and a run that stops anywhere resumes from its last page's cursor, not from a
 * page token. Jira's search never reports deletions: a full listing marks absent issues.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
 */

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

export const jiraSyncConfigSchema = z.strictObject({
  /** A JQL filter (without ORDER BY) the issues must match; the sync adds its own cursor and order. */
  jql: z
    .string()
    .min(1)
    .refine((jql) => !/\border\s+by\b/i.test(jql), 'must not hold ORDER BY: the sync orders by updated')
    .optional(),
  /** Project keys; left out, every project the user can browse. */
  projects: z.array(z.string().regex(PROJECT_KEY, 'must be a project key such as "ENG"')).min(1).optional(),
});
type JiraSyncConfig = z.infer<typeof jiraSyncConfigSchema>;

const FIELDS = ['summary', 'status', 'assignee', 'created', 'updated', 'project', 'issuetype'];

const issueSchema = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  self: z.string().optional(),
  fields: z.looseObject({
    summary: z.string().nullish(),
    status: z
      .looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() })
      .nullish(),
    assignee: z
      .looseObject({
        accountId: z.string(),
        displayName: z.string().optional(),
        emailAddress: z.string().optional(),
      })
      .nullish(),
    created: z.string(),
    updated: z.string(),
    project: z.looseObject({ key: z.string() }).nullish(),
    issuetype: z.looseObject({ name: z.string() }).nullish(),
  }),
});
const searchSchema = z.looseObject({ issues: z.array(z.unknown()).default([]) });
const myselfSchema = z.looseObject({ timeZone: z.string().optional() });

const checkpointSchema = z.strictObject({
  /** The newest `updated` listed (ISO 8601); null before any issue was. */
  updatedSince: z.string().nullable(),
  /** Set on the pages of a full listing under way, so a resumed full run goes on from its cursor. */
  fullScan: z.literal(true).optional(),
});
type JiraCheckpoint = z.infer<typeof checkpointSchema>;

/** statusCategory.key: Jira's three categories every workflow's statuses belong to. */
const STATE_OF: Record<string, Ticket['state']> = {
  new: 'open',
  indeterminate: 'in_progress',
  done: 'closed',
};

/**
 * Where an issue is browsed: the site URL the connection knows, else the origin of `self` when
 * that is the site itself (API-token calls); through the 3LO gateway (`api.atlassian.com/ex/jira/
 * {cloudId}`) `self` names no site, so the URL stays null.
 */
function siteOf(ctx: SyncContext<JiraSyncConfig>, self: string | undefined): string | null {
  const known = ctx.connection.values.siteUrl;
  if (known) return known.replace(/\/$/, '');
  if (!self) return null;
  try {
    const url = new URL(self);
    return url.pathname.startsWith('/rest/api/') ? url.origin : null;
  } catch {
    return null;
  }
}

function toTicket(ctx: SyncContext<JiraSyncConfig>, raw: unknown): SyncedRecord<Ticket> {
  const parsed = issueSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProviderCallError(
      'terminal',
      'GET /rest/api/3/search/jql sent an issue Switchboard cannot read',
      {
        request: 'GET /rest/api/3/search/jql',
        cause: parsed.error,
      },
    );
  }
  const { id, key, self, fields } = parsed.data;
  const site = siteOf(ctx, self);
  const assignee = fields.assignee;
  const data: Ticket = {
    id,
    title: fields.summary ?? '',
    status: fields.status?.name ?? '',
    state: STATE_OF[fields.status?.statusCategory?.key ?? ''] ?? 'open',
    url: site ? `${site}/browse/${key}` : null,
    assignees: assignee
      ? [{ id: assignee.accountId, name: assignee.displayName ?? null, email: assignee.emailAddress ?? null }]
      : [],
    // Jira writes offsets without a colon ("+0000"); canonical times are ISO 8601 in UTC.
    createdAt: new Date(fields.created).toISOString(),
    updatedAt: new Date(fields.updated).toISOString(),
    project: fields.project?.key ?? null,
    kind: fields.issuetype?.name ?? null,
  };
  return { id, data, raw };
}

/** The search's JQL: the configured filter, the cursor's minute (if any), oldest change first. */
function jqlOf(config: JiraSyncConfig, cursor: string | null): string {
  const clauses: string[] = [];
  if (config.jql) clauses.push(`(${config.jql})`);
  if (config.projects) clauses.push(`project in (${config.projects.map((key) => `"${key}"`).join(', ')})`);
  // Enhanced search refuses unbounded JQL; a cursor at the epoch bounds a full listing.
  clauses.push(`updated >= "${cursor ?? '1970-01-01 00:00'}"`);
  return `${clauses.join(' AND ')} ORDER BY updated ASC`;
}

/** The time zone JQL dates are read in: the searching user's (GET /myself). */
async function userTimeZone(ctx: SyncContext<JiraSyncConfig>): Promise<string | null> {
  const response = await ctx.http.request({ path: '/rest/api/3/myself' });
  return myselfSchema.safeParse(response.body).data?.timeZone ?? null;
}

function startOf(ctx: SyncContext<JiraSyncConfig>): JiraCheckpoint {
  const saved = checkpointSchema.safeParse(ctx.checkpoint).data;
  // A full run goes on from a full listing of its own (a resumed one), never from an incremental cursor.
  if (ctx.full) return saved?.fullScan ? saved : { updatedSince: null, fullScan: true };
  return saved ?? { updatedSince: null };
}

export const jiraIssuesSync = defineResourceSync({
  model: 'Ticket',
  config: jiraSyncConfigSchema,
  async *sync(ctx) {
    const start = startOf(ctx);
    const since = start.updatedSince;
    const cursor = since === null ? null : jqlMinute(new Date(since), await userTimeZone(ctx));
    const pages = ctx.http.paginate(
      { path: '/rest/api/3/search/jql', query: { jql: jqlOf(ctx.config, cursor), fields: FIELDS.join(',') } },
      { pageSize: 100 },
    );
    let newest = since;
    for await (const { response, next } of pages) {
      ctx.signal.throwIfAborted();
      const body = searchSchema.safeParse(response.body);
      if (!body.success) {
        throw new ProviderCallError(
          'terminal',
          'GET /rest/api/3/search/jql answered a body Switchboard cannot read',
          {
            status: response.status,
            request: 'GET /rest/api/3/search/jql',
            cause: body.error,
          },
        );
      }
      const records = body.data.issues.map((raw) => toTicket(ctx, raw));
      for (const record of records) {
        if (newest === null || Date.parse(record.data.updatedAt) > Date.parse(newest))
          newest = record.data.updatedAt;
      }
      const last = next === null;
      yield {
        records,
        checkpoint:
          start.fullScan && !last ? { updatedSince: newest, fullScan: true } : { updatedSince: newest },
      };
    }
  },
  async fetchOne(ctx, id) {
    const response = await ctx.http.request({
      path: `/rest/api/3/issue/${encodeURIComponent(id)}`,
      query: { fields: FIELDS.join(',') },
      accept: [404],
    });
    return response.status === 200 ? toTicket(ctx, response.body) : null;
  },
});

/** The code behind the Jira manifest's `syncs`, by resource. */
export const JIRA_SYNCS = { issues: jiraIssuesSync };
