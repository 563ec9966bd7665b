import { z } from 'zod';
import { httpUrl } from '../../signals/signal.js';

/**
 * The fields of Slack Events API payloads that normalization reads. Slack documents many optional
 * fields and adds new ones; unknown fields pass through, and the whole envelope stays on the signal.
 * https://docs.slack.dev/apis/events-api/ and https://docs.slack.dev/reference/events/
 */

const id = z.string().min(1);

export const envelopeSchema = z.object({
  type: z.string(),
  team_id: id.nullable().optional().catch(undefined),
  enterprise_id: id.nullable().optional().catch(undefined),
  event_id: z.string().optional().catch(undefined),
  event_time: z.number().optional().catch(undefined),
  event: z.looseObject({ type: z.string() }).optional().catch(undefined),
  authorizations: z
    .array(z.object({ team_id: id.nullable().optional(), enterprise_id: id.nullable().optional() }))
    .optional()
    .catch(undefined),
});
export type SlackEnvelope = z.infer<typeof envelopeSchema>;

/** `message` (every subtype) and `app_mention`, which Slack shapes like a message. */
export const messageEventSchema = z.object({
  type: z.string(),
  subtype: z.string().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  username: z.string().optional(),
  text: z.string().optional(),
  ts: z.string().optional(),
  event_ts: z.string().optional(),
  deleted_ts: z.string().optional(),
  /** message_changed: the message as it is now. */
  message: z
    .object({
      user: z.string().optional(),
      bot_id: z.string().optional(),
      text: z.string().optional(),
      ts: z.string().optional(),
      edited: z.object({ user: z.string().optional() }).optional(),
    })
    .optional(),
});
export type SlackMessageEvent = z.infer<typeof messageEventSchema>;

export const reactionAddedSchema = z.object({
  user: z.string(),
  reaction: z.string(),
  item_user: z.string().optional(),
  item: z.object({
    type: z.string(),
    channel: z.string().optional(),
    ts: z.string().optional(),
    file: z.string().optional(),
  }),
  event_ts: z.string().optional(),
});

export const channelCreatedSchema = z.object({
  channel: z.object({
    id: z.string(),
    name: z.string(),
    created: z.number().optional(),
    creator: z.string().optional(),
  }),
});

export const memberJoinedChannelSchema = z.object({
  user: z.string(),
  channel: z.string(),
  channel_type: z.string().optional(),
  inviter: z.string().optional(),
  event_ts: z.string().optional(),
});

export const linkSharedSchema = z.object({
  channel: z.string(),
  user: z.string(),
  message_ts: z.string().optional(),
  source: z.string().optional(),
  links: z.array(z.object({ domain: z.string(), url: httpUrl })).min(1),
  event_ts: z.string().optional(),
});
