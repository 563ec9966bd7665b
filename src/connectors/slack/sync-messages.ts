import { z } from 'zod';
import type { Message } from '../sdk/models.js';
import { defineResourceSync, type SyncContext, type SyncedRecord } from '../sdk/sync.js';
import { channelUrl, slackTime } from './describe.js';
import { memberChannelIds, pageRefSchema } from './sync-channels.js';
import { SlackApiError, slackResult } from './web-api-result.js';

/**
 * Channel messages through conversations.history, newest first, page by page.
 * https://docs.slack.dev/reference/methods/conversations.history
 *
 * Since 2025-05-29 apps outside the Slack Marketplace may call it once a minute with at most 15
 * messages a page (the manifest's budget holds every instance to that). A backfill therefore spans
 * many runs: the checkpoint after every page says which channel, which page of it, and what the
 * pass has seen, so the next run continues at that exact page with no gap and no duplicate.
 *
 * A message's id is `${channel}:${ts}`: Slack's `ts` is unique only within its channel (the same id
 * the Events API normalizer gives a message signal). Thread replies are not listed; edits and
 * deletions of older messages reach Switchboard through the Events API, not through this sync.
 */

/** Slack's maximum for non-Marketplace apps; larger values are cut to it. */
export const HISTORY_PAGE_SIZE = 15;

const configSchema = z.strictObject({
  /** Channel ids to read; default: every channel the app is a member of. */
  channels: z
    .array(z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id'))
    .min(1)
    .optional(),
});
type Config = z.output<typeof configSchema>;

const checkpointSchema = z.object({
  /** Per channel: the newest ts recorded; the next pass asks only for messages after it. */
  oldest: z.record(z.string(), z.string()),
  /** The pass over the channels in progress; null between passes. */
  pass: z
    .object({
      /** Listing everything, ignoring `oldest` (a full sync). */
      full: z.boolean(),
      channels: z.array(z.string()),
      /** Index in `channels` of the channel being listed. */
      channel: z.number().int().min(0),
      /** Its next page; null: its first page. */
      page: pageRefSchema.nullable(),
      /** The newest ts seen in this channel so far in this pass. */
      newest: z.string().nullable(),
    })
    .nullable(),
});
type MessagesCheckpoint = z.output<typeof checkpointSchema>;
type Pass = NonNullable<MessagesCheckpoint['pass']>;

const messageSchema = z.looseObject({
  ts: z.string().regex(/^\d+(\.\d+)?$/),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  username: z.string().optional(),
  text: z.string().optional(),
  thread_ts: z.string().optional(),
  edited: z.looseObject({ ts: z.string().optional() }).optional(),
});
const historySchema = z.looseObject({ messages: z.array(messageSchema) });
type SlackMessage = z.output<typeof messageSchema>;

/** A channel the pass listed that is gone since (deleted, or the app removed from it). */
const GONE = new Set(['channel_not_found', 'not_in_channel']);

const newer = (a: string | null, b: string): string => (a === null || Number(b) > Number(a) ? b : a);

function toMessage(channel: string, teamId: string | null, message: SlackMessage): SyncedRecord<Message> {
  const id = `${channel}:${message.ts}`;
  const authorId = message.bot_id !== undefined ? (message.user ?? message.bot_id) : message.user;
  return {
    id,
    data: {
      id,
      channel,
      author: authorId ? { id: authorId, name: message.username ?? null, email: null } : null,
      text: message.text ?? '',
      // The thread's parent as a record id, so a reply joins its parent's record.
      threadId: message.thread_ts ? `${channel}:${message.thread_ts}` : null,
      sentAt: slackTime(message.ts)!.toISOString(),
      editedAt: slackTime(message.edited?.ts)?.toISOString() ?? null,
      url: channelUrl(teamId, channel),
    },
    raw: message,
  };
}

async function startPass(ctx: SyncContext<Config>): Promise<Pass> {
  const channels = ctx.config.channels ?? (await memberChannelIds(ctx.http, ctx.now));
  return { full: ctx.full, channels, channel: 0, page: null, newest: null };
}

/** The saved pass, unless a full sync was asked over a partial one or the configured channels changed. */
function resumablePass(ctx: SyncContext<Config>, saved: MessagesCheckpoint): Pass | null {
  const { pass } = saved;
  if (!pass || (ctx.full && !pass.full)) return null;
  const configured = ctx.config.channels;
  if (configured && configured.join() !== pass.channels.join()) return null;
  return pass;
}

/** Where a pass stands once `channel` is done: the next channel, or no pass and floors only for its channels. */
function finishChannel(
  checkpoint: MessagesCheckpoint,
  pass: Pass,
  newest: string | null,
): MessagesCheckpoint {
  const channel = pass.channels[pass.channel]!;
  const oldest = newest === null ? checkpoint.oldest : { ...checkpoint.oldest, [channel]: newest };
  const next = pass.channel + 1;
  if (next < pass.channels.length) {
    return { oldest, pass: { ...pass, channel: next, page: null, newest: null } };
  }
  return {
    oldest: Object.fromEntries(pass.channels.flatMap((id) => (oldest[id] ? [[id, oldest[id]]] : []))),
    pass: null,
  };
}

export const slackMessagesSync = defineResourceSync({
  model: 'Message',
  config: configSchema,
  async *sync(ctx) {
    const saved = checkpointSchema.catch({ oldest: {}, pass: null }).parse(ctx.checkpoint ?? {});
    let state: MessagesCheckpoint = {
      oldest: saved.oldest,
      pass: resumablePass(ctx, saved) ?? (await startPass(ctx)),
    };
    if (state.pass?.channels.length === 0) state = { oldest: {}, pass: null };
    if (!state.pass) {
      yield { records: [], checkpoint: state };
      return;
    }
    while (state.pass) {
      const pass: Pass = state.pass;
      const channel = pass.channels[pass.channel]!;
      const floor = pass.full ? undefined : state.oldest[channel];
      const pages = ctx.http.paginate(
        { path: '/conversations.history', query: { channel, oldest: floor } },
        { from: pass.page, pageSize: HISTORY_PAGE_SIZE },
      );
      try {
        for await (const page of pages) {
          const { messages } = slackResult(page.response, historySchema, ctx.now());
          const current = state.pass!;
          const newest = messages.reduce((latest, message) => newer(latest, message.ts), current.newest);
          state = page.next
            ? { ...state, pass: { ...current, page: page.next, newest } }
            : finishChannel(state, current, newest);
          const records = messages.map((message) => toMessage(channel, ctx.connection.accountId, message));
          yield { records, checkpoint: state };
        }
      } catch (error) {
        if (!(error instanceof SlackApiError)) throw error;
        const current = state.pass!;
        if (error.slackError === 'invalid_cursor' && current.page) {
          // Slack no longer takes the saved cursor: list this channel again from its first page.
          state = { ...state, pass: { ...current, page: null } };
          continue;
        }
        // A channel of the membership list that is gone since: skip it (a configured one is an error).
        if (!ctx.config.channels && GONE.has(error.slackError)) {
          state = finishChannel(state, current, current.newest);
          yield { records: [], checkpoint: state };
          continue;
        }
        throw error;
      }
    }
  },
});
