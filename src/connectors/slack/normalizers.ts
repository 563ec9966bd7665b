import type { Signal, SignalActor } from '../../signals/signal.js';
import { channelSubject, channelUrl, excerpt, placeOf, slackTime, userActor } from './describe.js';
import {
  channelCreatedSchema,
  linkSharedSchema,
  memberJoinedChannelSchema,
  messageEventSchema,
  reactionAddedSchema,
  type SlackMessageEvent,
} from './payloads.js';

/** A signal minus what the delivery supplies (id, provider, connection, payload). */
export type Normalized = Pick<Signal, 'kind' | 'actor' | 'subject' | 'summary'> & { occurredAt: Date | null };

/** The inner event and the workspace it happened in; null result: keep it as provider_event. */
type Normalizer = (event: unknown, teamId: string | null) => Normalized | null;

/** Subtypes that are someone saying something; other subtypes (joins, topic changes ...) are kept generically. */
const POSTED_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'bot_message', 'me_message']);

/**
 * Who wrote it. Bot messages are kept and marked (actor.bot) rather than skipped, so consumers can
 * drop their own echoes while Switchboard keeps everything.
 */
function authorOf(message: Pick<SlackMessageEvent, 'user' | 'bot_id' | 'username'>): SignalActor | null {
  if (message.bot_id !== undefined) {
    const id = message.user ?? message.bot_id;
    return { id, name: message.username ?? id, bot: true };
  }
  return message.user === undefined ? null : userActor(message.user);
}

function messageSubject(
  teamId: string | null,
  channel: string | undefined,
  ts: string | undefined,
  text?: string,
) {
  if (channel === undefined || ts === undefined) return null;
  return { type: 'message', id: `${channel}:${ts}`, title: excerpt(text), url: channelUrl(teamId, channel) };
}

const message: Normalizer = (raw, teamId) => {
  const event = messageEventSchema.safeParse(raw).data;
  if (!event) return null;
  const place = placeOf(event.channel, event.channel_type);
  if (POSTED_SUBTYPES.has(event.subtype)) {
    const actor = authorOf(event);
    return {
      kind: 'message_posted',
      actor,
      subject: messageSubject(teamId, event.channel, event.ts, event.text),
      summary: `${actor?.name ?? 'Someone'} posted a message ${place}: "${excerpt(event.text, 80)}"`,
      occurredAt: slackTime(event.ts, event.event_ts),
    };
  }
  if (event.subtype === 'message_changed' && event.message) {
    const edited = event.message;
    const actor = edited.edited?.user ? userActor(edited.edited.user) : authorOf(edited);
    return {
      kind: 'message_edited',
      actor,
      subject: messageSubject(teamId, event.channel, edited.ts, edited.text),
      summary: `${actor?.name ?? 'Someone'} edited a message ${place}: "${excerpt(edited.text, 80)}"`,
      occurredAt: slackTime(event.ts, event.event_ts),
    };
  }
  if (event.subtype === 'message_deleted') {
    // Slack does not say who deleted it; the original author is in previous_message (payload).
    return {
      kind: 'message_deleted',
      actor: null,
      subject: messageSubject(teamId, event.channel, event.deleted_ts),
      summary: `A message was deleted ${place}`,
      occurredAt: slackTime(event.ts, event.event_ts),
    };
  }
  return null;
};

const appMention: Normalizer = (raw, teamId) => {
  const event = messageEventSchema.safeParse(raw).data;
  if (!event) return null;
  const actor = authorOf(event);
  return {
    kind: 'app_mentioned',
    actor,
    subject: messageSubject(teamId, event.channel, event.ts, event.text),
    summary: `${actor?.name ?? 'Someone'} mentioned the app ${placeOf(event.channel, event.channel_type)}: "${excerpt(event.text, 80)}"`,
    occurredAt: slackTime(event.ts, event.event_ts),
  };
};

const reactionAdded: Normalizer = (raw, teamId) => {
  const event = reactionAddedSchema.safeParse(raw).data;
  if (!event) return null;
  const { item } = event;
  const subject =
    item.type === 'message' && item.channel && item.ts
      ? messageSubject(teamId, item.channel, item.ts, `message ${item.ts}`)
      : item.file
        ? { type: 'file', id: item.file, title: item.file, url: null }
        : null;
  const target = item.type.replaceAll('_', ' ');
  const author = event.item_user ? ` by ${event.item_user}` : '';
  const where = item.channel ? ` in channel ${item.channel}` : '';
  return {
    kind: 'reaction_added',
    actor: userActor(event.user),
    subject,
    summary: `${event.user} reacted :${event.reaction}: to a ${target}${author}${where}`,
    occurredAt: slackTime(event.event_ts),
  };
};

const channelCreated: Normalizer = (raw, teamId) => {
  const event = channelCreatedSchema.safeParse(raw).data;
  if (!event) return null;
  const { channel } = event;
  return {
    kind: 'channel_created',
    actor: channel.creator ? userActor(channel.creator) : null,
    subject: channelSubject(teamId, channel.id, `#${channel.name}`),
    summary: `${channel.creator ?? 'Someone'} created channel #${channel.name}`,
    occurredAt: slackTime(channel.created),
  };
};

const memberJoinedChannel: Normalizer = (raw, teamId) => {
  const event = memberJoinedChannelSchema.safeParse(raw).data;
  if (!event) return null;
  const invited = event.inviter ? ` (invited by ${event.inviter})` : '';
  return {
    kind: 'member_joined_channel',
    actor: userActor(event.user),
    subject: channelSubject(teamId, event.channel),
    summary: `${event.user} joined channel ${event.channel}${invited}`,
    occurredAt: slackTime(event.event_ts),
  };
};

const linkShared: Normalizer = (raw) => {
  const event = linkSharedSchema.safeParse(raw).data;
  if (!event) return null;
  const [first] = event.links;
  if (!first) return null;
  const domains = [...new Set(event.links.map((link) => link.domain))].join(', ');
  // Links typed in the composer arrive before (and even without) a posted message.
  const place = event.source === 'composer' ? 'in the message composer' : `in channel ${event.channel}`;
  const count = event.links.length === 1 ? 'a link' : `${event.links.length} links`;
  return {
    kind: 'link_shared',
    actor: userActor(event.user),
    subject: { type: 'link', id: first.url, title: first.domain, url: first.url },
    summary: `${event.user} shared ${count} (${domains}) ${place}`,
    occurredAt: slackTime(event.message_ts, event.event_ts),
  };
};

/** By the inner event's `type`. Anything else becomes a provider_event signal. */
export const SLACK_NORMALIZERS: Readonly<Record<string, Normalizer>> = {
  message,
  app_mention: appMention,
  reaction_added: reactionAdded,
  channel_created: channelCreated,
  member_joined_channel: memberJoinedChannel,
  link_shared: linkShared,
};
