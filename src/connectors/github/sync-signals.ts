import { z } from 'zod';
import type { FoundChange, RecordChange, RecordSignalMapper } from '../sdk/record-signals.js';
import {
  issueClosedKey,
  issueCreatedKey,
  pullRequestClosedKey,
  pullRequestMergedKey,
  pullRequestOpenedKey,
} from './change-keys.js';
import { actorOf, firstTime, quoted } from './describe.js';
import { userSchema } from './payloads.js';
import { locationOf } from './sync-tickets.js';

/**
 * The changes of synced issues and pull requests that the webhook normalizers (normalizers.ts)
 * also report, named alike (change-keys.ts) and worded alike: a new item (`issue_created`,
 * `pull_request_opened`, by its author) and a closed or merged one (`issue_closed`,
 * `pull_request_closed`, `pull_request_merged`). A listing says who opened an item but not who
 * closed or merged it (`closed_by` and `merged_by` come only with a single item), so those have
 * an actor only when the listing gives one.
 */

/** The fields read from the `issue` and `pull-request-simple` items the syncs keep as `raw`. */
const itemSchema = z.looseObject({
  id: z.number(),
  number: z.number().int(),
  title: z.string(),
  html_url: z.string(),
  created_at: z.string(),
  state: z.string(),
  closed_at: z.string().nullish(),
  merged_at: z.string().nullish(),
  user: userSchema.nullish(),
  closed_by: userSchema.nullish(),
  merged_by: userSchema.nullish(),
  base: z.looseObject({ ref: z.string() }).optional(),
});
type Item = z.infer<typeof itemSchema>;

type Noun = 'issue' | 'pull request';

function describeItem(item: Item, noun: Noun) {
  const repository = locationOf(item.html_url)?.repository;
  return {
    what: `${noun} #${item.number} ${quoted(item.title)}`,
    where: repository ? ` in ${repository}` : '',
    subject: {
      type: noun === 'issue' ? 'issue' : 'pull_request',
      id: String(item.id),
      title: item.title,
      url: item.html_url,
    },
  };
}

/** "octocat closed issue #3 …" when the listing names who did it, "issue #3 … was closed" when not. */
function sentence(who: Item['user'], verb: string, what: string, rest: string): string {
  return who
    ? `${who.login} ${verb} ${what}${rest}`
    : `${what[0]?.toUpperCase()}${what.slice(1)} was ${verb}${rest}`;
}

function change(
  fields: Omit<FoundChange, 'occurredAt' | 'changeKey'>,
  changeKey: string | null,
  ...times: Array<string | null | undefined>
): FoundChange[] {
  const occurredAt = firstTime(...times);
  return changeKey === null || occurredAt === null ? [] : [{ ...fields, changeKey, occurredAt }];
}

function issueChanges(record: RecordChange, item: Item): FoundChange[] {
  const { what, where, subject } = describeItem(item, 'issue');
  const found: FoundChange[] = [];
  if (record.op === 'created') {
    found.push(
      ...change(
        {
          kind: 'issue_created',
          actor: item.user ? actorOf(item.user) : null,
          subject,
          summary: sentence(item.user, 'opened', what, where),
        },
        issueCreatedKey(item.id),
        item.created_at,
      ),
    );
  }
  if (item.state === 'closed') {
    found.push(
      ...change(
        {
          kind: 'issue_closed',
          actor: item.closed_by ? actorOf(item.closed_by) : null,
          subject,
          summary: sentence(item.closed_by, 'closed', what, where),
        },
        issueClosedKey(item.id, item.closed_at),
        item.closed_at,
      ),
    );
  }
  return found;
}

function pullRequestChanges(record: RecordChange, item: Item): FoundChange[] {
  const { what, where, subject } = describeItem(item, 'pull request');
  const found: FoundChange[] = [];
  if (record.op === 'created') {
    found.push(
      ...change(
        {
          kind: 'pull_request_opened',
          actor: item.user ? actorOf(item.user) : null,
          subject,
          summary: sentence(item.user, 'opened', what, where),
        },
        pullRequestOpenedKey(item.id),
        item.created_at,
      ),
    );
  }
  if (item.merged_at) {
    const into = item.base ? ` into ${item.base.ref}` : '';
    found.push(
      ...change(
        {
          kind: 'pull_request_merged',
          actor: item.merged_by ? actorOf(item.merged_by) : null,
          subject,
          summary: sentence(item.merged_by, 'merged', what, `${into}${where}`),
        },
        pullRequestMergedKey(item.id),
        item.merged_at,
        item.closed_at,
      ),
    );
  } else if (item.state === 'closed') {
    found.push(
      ...change(
        {
          kind: 'pull_request_closed',
          actor: item.closed_by ? actorOf(item.closed_by) : null,
          subject,
          summary: sentence(item.closed_by, 'closed', what, ` without merging${where}`),
        },
        pullRequestClosedKey(item.id, item.closed_at),
        item.closed_at,
      ),
    );
  }
  return found;
}

/** By resource (the manifest's `syncs`); a resource not listed here yields no signals. */
const BY_RESOURCE: Readonly<Record<string, (record: RecordChange, item: Item) => FoundChange[]>> = {
  issues: issueChanges,
  'pull-requests': pullRequestChanges,
};

export const githubRecordSignals: RecordSignalMapper = (record) => {
  const changes = Object.hasOwn(BY_RESOURCE, record.resource) ? BY_RESOURCE[record.resource] : undefined;
  if (!changes) return [];
  const item = itemSchema.safeParse(record.raw);
  if (!item.success) {
    throw new Error(
      `GitHub ${record.resource} record ${record.id} cannot be read: ${item.error.issues[0]?.message ?? ''}`,
    );
  }
  return changes(record, item.data);
};
