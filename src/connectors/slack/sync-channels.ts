import { z } from 'zod';
import type { Channel } from '../sdk/models.js';
import { FullResyncRequired, type PageRef, type ProviderHttp } from '../sdk/provider-http.js';
import { defineResourceSync, type SyncedRecord } from '../sdk/sync.js';
import { slackTime } from './describe.js';
import { SlackApiError, slackResult } from './web-api-result.js';

/**
 * Slack channels through conversations.list (Tier 2): every public channel, and the private ones
 * the app was invited to, archived ones included. https://docs.slack.dev/reference/methods/conversations.list
 */

/** Slack allows up to 1000 and recommends no more than 200. */
const PAGE_SIZE = 200;
const CHANNEL_TYPES = 'public_channel,private_channel';

const channelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  is_private: z.boolean().optional(),
  is_archived: z.boolean().optional(),
  is_member: z.boolean().optional(),
  num_members: z.number().int().optional(),
  created: z.number().optional(),
  topic: z.looseObject({ value: z.string().optional() }).optional(),
});
const listSchema = z.looseObject({ channels: z.array(channelSchema) });
type SlackChannel = z.output<typeof channelSchema>;

/** A PageRef as saved in a checkpoint (connectors/sdk/provider-http.ts). */
export const pageRefSchema: z.ZodType<PageRef> = z.union([
  z.object({ url: z.string().min(1) }),
  z.object({ cursor: z.string().min(1) }),
  z.object({ pageToken: z.string().min(1) }),
  z.object({ offset: z.number().int().min(0) }),
]);

function toChannel(channel: SlackChannel): SyncedRecord<Channel> {
  return {
    id: channel.id,
    data: {
      id: channel.id,
      name: channel.name,
      topic: channel.topic?.value || null,
      private: channel.is_private ?? false,
      archived: channel.is_archived ?? false,
      memberCount: channel.num_members ?? null,
      createdAt: slackTime(channel.created)?.toISOString() ?? null,
    },
    raw: channel,
  };
}

/** Each page of conversations.list with the channels it holds; `from` resumes a listing. */
async function* channelPages(
  http: ProviderHttp,
  now: () => Date,
  from: PageRef | null,
  excludeArchived: boolean,
) {
  const request = {
    path: '/conversations.list',
    query: { types: CHANNEL_TYPES, exclude_archived: excludeArchived },
  };
  for await (const page of http.paginate(request, { from, pageSize: PAGE_SIZE })) {
    yield { channels: slackResult(page.response, listSchema, now()).channels, next: page.next };
  }
}

/** The ids of the live channels the app is a member of: whose history a bot token may read. */
export async function memberChannelIds(http: ProviderHttp, now: () => Date): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of channelPages(http, now, null, true)) {
    for (const channel of page.channels) if (channel.is_member) ids.push(channel.id);
  }
  return ids;
}

/**
 * Every run lists every channel (Slack offers no "changed since"); deletions are whatever a
 * complete listing no longer shows. The checkpoint holds the next page, so a run that stops
 * halfway resumes there.
 */
export const slackChannelsSync = defineResourceSync({
  model: 'Channel',
  config: z.strictObject({}),
  async *sync(ctx) {
    const saved = pageRefSchema
      .nullable()
      .catch(null)
      .parse(ctx.checkpoint?.next ?? null);
    try {
      for await (const page of channelPages(ctx.http, ctx.now, saved, false)) {
        yield { records: page.channels.map(toChannel), checkpoint: { next: page.next } };
      }
    } catch (error) {
      // A saved cursor Slack no longer accepts: list again from the first page.
      if (error instanceof SlackApiError && error.slackError === 'invalid_cursor' && saved) {
        throw new FullResyncRequired('Slack no longer accepts the saved conversations.list cursor');
      }
      throw error;
    }
  },
});
