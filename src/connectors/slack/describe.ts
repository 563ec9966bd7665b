import type { SignalActor, SignalSubject } from '../../signals/signal.js';

/** Wording and linking helpers shared by the Slack normalizers. */

/**
 * Slack events name people by id only; resolving names needs users.info, which is sync's business,
 * so the id doubles as the name here.
 */
export function userActor(userId: string): SignalActor {
  return { id: userId, name: userId, bot: false };
}

/**
 * A conversation link that needs no workspace domain (events do not carry it): Slack's documented
 * app_redirect opens the channel in the right workspace. https://docs.slack.dev/interactivity/deep-linking
 */
export function channelUrl(teamId: string | null, channelId: string): string {
  const query = new URLSearchParams(teamId ? { team: teamId, channel: channelId } : { channel: channelId });
  return `https://slack.com/app_redirect?${query.toString()}`;
}

export function channelSubject(teamId: string | null, channelId: string, title = channelId): SignalSubject {
  return { type: 'channel', id: channelId, title, url: channelUrl(teamId, channelId) };
}

/** Where a message was posted, from the event's channel_type (channel, group, im, mpim). */
export function placeOf(channel: string | undefined, channelType: string | undefined): string {
  if (channel === undefined) return 'in a conversation';
  switch (channelType) {
    case 'im':
      return `in direct message ${channel}`;
    case 'mpim':
      return `in group direct message ${channel}`;
    case 'group':
      return `in private channel ${channel}`;
    default:
      return `in channel ${channel}`;
  }
}

/** Message text inside a one-line summary or title: one line, cut short. */
export function excerpt(text: string | undefined, max = 100): string {
  const clean = (text ?? '').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Slack times are epoch seconds, as "1355517523.000005" strings (ts, event_ts) or integers
 * (event_time). Some documented examples carry microsecond integers ("1515449522000016"): anything
 * outside 2001..2286 is not a time in seconds and is skipped.
 */
export function slackTime(...candidates: Array<string | number | null | undefined>): Date | null {
  for (const candidate of candidates) {
    const seconds = typeof candidate === 'string' ? Number(candidate) : candidate;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 1e9 && seconds < 1e10) {
      return new Date(Math.round(seconds * 1000));
    }
  }
  return null;
}
