/**
 * A Slack Web API on loopback for sync and action tests: conversations.list,
 * conversations.history and chat.postMessage.
 *
 * Built from:
 * - Payload types: @slack/web-api 8.2, node_modules/@slack/web-api/dist/types/response/
 *   ConversationsListResponse.d.ts and ConversationsHistoryResponse.d.ts (every object served is
 *   typed by them).
 * - Values: the documented examples of https://docs.slack.dev/reference/methods/conversations.list
 *   (the "general" and "random" channels) and https://docs.slack.dev/reference/methods/conversations.history
 *   (its two messages, user ids and texts, and its `next_ts:` cursor encoding), as mirrored in
 *   slack-ruby/slack-api-ref methods/conversations/*.json; seeded channels and messages copy them
 *   with new ids, names and timestamps.
 * - Behaviour: the arguments and errors listed on those two pages (cursor, limit, oldest, latest,
 *   inclusive, types, exclude_archived; channel_not_found, not_in_channel, invalid_cursor,
 *   invalid_auth, not_authed, ratelimited); https://docs.slack.dev/apis/web-api/pagination (an empty
 *   next_cursor on the last page); https://docs.slack.dev/apis/web-api/rate-limits (HTTP 429 with
 *   Retry-After in seconds); and the 2025 rule for apps outside the Marketplace on
 *   conversations.history: 1 request per minute, `limit` at most (and by default) 15.
 *
 * Not modelled: conversations.replies, DMs and group DMs, Enterprise Grid, the tiers of other methods.
 * Time is the fake's own clock (`advanceClock`), so a test can pass the one-minute window at once.
 */
import type {
  ChatPostMessageResponse,
  ConversationsHistoryResponse,
  ConversationsListResponse,
} from '@slack/web-api';
import {
  bearerOf,
  type FakeReply,
  type FakeRequest,
  paramsOf,
  startLoopbackServer,
} from './loopback-server.js';

export type SlackChannel = NonNullable<ConversationsListResponse['channels']>[number];
export type SlackMessage = NonNullable<ConversationsHistoryResponse['messages']>[number];

export interface SlackApiFakeOptions {
  token?: string;
  /** Slack's 2025 limits for apps outside the Marketplace on conversations.history (default true). */
  nonMarketplace?: boolean;
}

export interface SlackRequestLog {
  method: string;
  params: Record<string, string>;
  status: number;
  error: string | null;
}

export interface SlackApiFake {
  /** The Web API base, `http://127.0.0.1:<port>/api` (WebClient wants it with a trailing slash). */
  url: string;
  token: string;
  /** Requests per API method, refused ones included. */
  calls: Record<string, number>;
  requests: SlackRequestLog[];
  seedChannels(count: number, fields?: Partial<SlackChannel>): SlackChannel[];
  addChannel(fields?: Partial<SlackChannel>): SlackChannel;
  updateChannel(id: string, fields: Partial<SlackChannel>): SlackChannel;
  deleteChannel(id: string): void;
  /** Every channel, sorted by id as conversations.list pages them. */
  channels(): SlackChannel[];
  /** `count` messages older than the fake's clock, oldest first in the returned array. */
  seedMessages(channel: string, count: number): SlackMessage[];
  /** A message newer than every other in the channel. */
  postMessage(channel: string, fields?: Partial<SlackMessage>): SlackMessage;
  editMessage(channel: string, ts: string, text: string): SlackMessage;
  deleteMessage(channel: string, ts: string): void;
  /** A channel's messages, newest first as conversations.history lists them. */
  messages(channel: string): SlackMessage[];
  /** Answer every call with `invalid_auth` (a revoked token) until switched off. */
  setInvalidAuth(invalid: boolean): void;
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

const EXAMPLE_USERS = ['U012AB3CDE', 'U061F7AUR'];
const EXAMPLE_TEXTS = [
  'I find you punny and would like to smell your nose letter',
  'What, you want to smell my shoes better?',
];
/** The first `created` of the documented channels, and their `updated` (milliseconds, as documented). */
const EXAMPLE_CREATED = 1449252889;
const EXAMPLE_UPDATED = 1678229664302;

function exampleChannel(id: string, name: string): SlackChannel {
  return {
    id,
    name,
    is_channel: true,
    is_group: false,
    is_im: false,
    created: EXAMPLE_CREATED,
    creator: 'U012A3CDE',
    is_archived: false,
    is_general: name === 'general',
    unlinked: 0,
    name_normalized: name,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    pending_shared: [],
    is_pending_ext_shared: false,
    is_member: true,
    is_private: false,
    is_mpim: false,
    updated: EXAMPLE_UPDATED,
    topic: { value: 'Company-wide announcements and work-based matters', creator: '', last_set: 0 },
    purpose: {
      value:
        'This channel is for team-wide communication and announcements. All team members are in this channel.',
      creator: '',
      last_set: 0,
    },
    previous_names: [],
    num_members: 4,
  };
}

/** "1512085950.000216" → microseconds, so timestamps compare as numbers. */
function micros(ts: string): bigint {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
}

function tsOf(value: bigint): string {
  return `${value / 1_000_000n}.${String(value % 1_000_000n).padStart(6, '0')}`;
}

const encodeCursor = (text: string) => Buffer.from(text).toString('base64');
const decodeCursor = (cursor: string, prefix: string): string | null => {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  return text.startsWith(prefix) ? text.slice(prefix.length) : null;
};

const slackError = (error: string, status = 200, headers?: Record<string, string>): FakeReply => ({
  status,
  headers,
  body: { ok: false, error },
});

export async function startSlackApiFake(options: SlackApiFakeOptions = {}): Promise<SlackApiFake> {
  const token = options.token ?? 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
  const nonMarketplace = options.nonMarketplace ?? true;
  const channels = new Map<string, SlackChannel>();
  const history = new Map<string, SlackMessage[]>(); // oldest first
  const calls: Record<string, number> = {};
  const requests: SlackRequestLog[] = [];
  let clockOffset = 0;
  let invalidAuth = false;
  let lastHistoryCall: number | null = null;
  let channelCount = 0;
  let lastTs = 0n;

  const now = () => Date.now() + clockOffset;
  const nextTs = () => {
    lastTs = BigInt(now()) * 1000n > lastTs ? BigInt(now()) * 1000n : lastTs + 1n;
    return tsOf(lastTs);
  };

  const list = (params: Map<string, string>): FakeReply => {
    const types = new Set((params.get('types') ?? 'public_channel').split(','));
    const excludeArchived =
      params.get('exclude_archived') === 'true' || params.get('exclude_archived') === '1';
    const limit = Math.min(Number(params.get('limit') ?? 100) || 100, 1000);
    let from = '';
    if (params.get('cursor')) {
      const id = decodeCursor(params.get('cursor')!, 'team:');
      if (id === null) return slackError('invalid_cursor');
      from = id;
    }
    const visible = [...channels.values()]
      .filter((channel) => (channel.is_private ? types.has('private_channel') : types.has('public_channel')))
      // A bot sees only the private channels it was invited to.
      .filter((channel) => !channel.is_private || channel.is_member)
      .filter((channel) => !excludeArchived || !channel.is_archived)
      .sort((a, b) => a.id!.localeCompare(b.id!))
      .filter((channel) => channel.id! >= from);
    const page = visible.slice(0, limit);
    const next = visible[limit];
    return {
      status: 200,
      body: {
        ok: true,
        channels: page,
        response_metadata: { next_cursor: next ? encodeCursor(`team:${next.id}`) : '' },
      } satisfies ConversationsListResponse,
    };
  };

  const conversationHistory = (params: Map<string, string>): FakeReply => {
    if (nonMarketplace) {
      const at = now();
      if (lastHistoryCall !== null && at - lastHistoryCall < 60_000) {
        const wait = Math.ceil((lastHistoryCall + 60_000 - at) / 1000);
        return slackError('ratelimited', 429, { 'retry-after': String(wait) });
      }
      lastHistoryCall = at;
    }
    const channel = channels.get(params.get('channel') ?? '');
    if (!channel || (channel.is_private && !channel.is_member)) return slackError('channel_not_found');
    if (!channel.is_member) return slackError('not_in_channel');
    const maxLimit = nonMarketplace ? 15 : 999;
    const limit = Math.min(Number(params.get('limit') ?? maxLimit) || maxLimit, maxLimit);
    const inclusive = params.get('inclusive') === 'true' || params.get('inclusive') === '1';
    const oldest = params.get('oldest') ? micros(params.get('oldest')!) : null;
    const latest = params.get('latest') ? micros(params.get('latest')!) : null;
    let cursorAt: bigint | null = null;
    if (params.get('cursor')) {
      const at = decodeCursor(params.get('cursor')!, 'next_ts:');
      if (at === null || !/^\d+$/.test(at)) return slackError('invalid_cursor');
      cursorAt = BigInt(at);
    }
    // Newest first; a cursor points at the first message of its page.
    const window = [...(history.get(channel.id!) ?? [])].reverse().filter((message) => {
      const ts = micros(message.ts!);
      if (oldest !== null && (inclusive ? ts < oldest : ts <= oldest)) return false;
      if (latest !== null && (inclusive ? ts > latest : ts >= latest)) return false;
      return cursorAt === null || ts <= cursorAt;
    });
    const page = window.slice(0, limit);
    const next = window[limit];
    return {
      status: 200,
      body: {
        ok: true,
        messages: page,
        has_more: next !== undefined,
        pin_count: 0,
        response_metadata: { next_cursor: next ? encodeCursor(`next_ts:${micros(next.ts!)}`) : '' },
      } satisfies ConversationsHistoryResponse,
    };
  };

  /**
   * chat.postMessage (https://docs.slack.dev/reference/methods/chat.postMessage): the documented
   * answer `{ok, channel, ts, message}` with the example's bot identity (B123ABC456), typed by
   * ChatPostMessageResponse; errors from the method's list: channel_not_found, not_in_channel,
   * is_archived, no_text, msg_too_long (over 40,000 characters), invalid_blocks (a block without
   * a type, or more than 50).
   */
  const chatPostMessage = (params: Map<string, string>): FakeReply => {
    const channel = channels.get(params.get('channel') ?? '');
    if (!channel || (channel.is_private && !channel.is_member)) return slackError('channel_not_found');
    if (channel.is_archived) return slackError('is_archived');
    if (!channel.is_member) return slackError('not_in_channel');
    const text = params.get('text') ?? '';
    let blocks: unknown[] | undefined;
    if (params.has('blocks')) {
      const parsed: unknown = JSON.parse(params.get('blocks')!);
      const valid =
        Array.isArray(parsed) &&
        parsed.length <= 50 &&
        parsed.every((block) => typeof (block as { type?: unknown })?.type === 'string');
      if (!valid) return slackError('invalid_blocks');
      blocks = parsed;
    }
    if (text === '' && !blocks) return slackError('no_text');
    if (text.length > 40_000) return slackError('msg_too_long');
    const message = fake.postMessage(channel.id!, {
      user: undefined,
      text,
      bot_id: 'B123ABC456',
      app_id: 'A123ABC456',
      ...(blocks ? { blocks: blocks as SlackMessage['blocks'] } : {}),
    });
    return {
      status: 200,
      body: {
        ok: true,
        channel: channel.id!,
        ts: message.ts!,
        message: { ...message, type: 'message' },
      } satisfies ChatPostMessageResponse,
    };
  };

  const methods: Record<string, (params: Map<string, string>) => FakeReply> = {
    'conversations.list': list,
    'conversations.history': conversationHistory,
    'chat.postMessage': chatPostMessage,
  };

  const handle = (request: FakeRequest): FakeReply => {
    const method = request.pathname.replace(/^\/api\//, '');
    calls[method] = (calls[method] ?? 0) + 1;
    const params = paramsOf(request);
    const given = bearerOf(request) ?? params.get('token') ?? null;
    params.delete('token');
    let reply: FakeReply;
    if (!methods[method]) reply = slackError('unknown_method', 404);
    else if (given === null) reply = slackError('not_authed');
    else if (given !== token || invalidAuth) reply = slackError('invalid_auth');
    else reply = methods[method](params);
    const body = reply.body as { ok: boolean; error?: string };
    requests.push({
      method,
      params: Object.fromEntries(params),
      status: reply.status,
      error: body.error ?? null,
    });
    return reply;
  };

  const server = await startLoopbackServer(handle);

  const channelOf = (id: string) => {
    const channel = channels.get(id);
    if (!channel) throw new Error(`no channel ${id} in the Slack fake`);
    return channel;
  };

  const fake: SlackApiFake = {
    url: `${server.origin}/api`,
    token,
    calls,
    requests,
    seedChannels(count, fields) {
      return Array.from({ length: count }, () => fake.addChannel(fields));
    },
    addChannel(fields = {}) {
      channelCount += 1;
      const id = `C${channelCount.toString(36).toUpperCase().padStart(8, '0')}`;
      const name = ['general', 'random'][channelCount - 1] ?? `channel-${channelCount}`;
      const channel = { ...exampleChannel(id, name), created: EXAMPLE_CREATED + channelCount, ...fields, id };
      channels.set(id, channel);
      history.set(id, []);
      return channel;
    },
    updateChannel(id, fields) {
      const channel = { ...channelOf(id), ...fields, id, updated: now() };
      channels.set(id, channel);
      return channel;
    },
    deleteChannel(id) {
      channelOf(id);
      channels.delete(id);
      history.delete(id);
    },
    channels: () => [...channels.values()].sort((a, b) => a.id!.localeCompare(b.id!)),
    seedMessages(channel, count) {
      channelOf(channel);
      const start = BigInt(now() - count * 1000) * 1000n;
      const seeded = Array.from(
        { length: count },
        (_, index): SlackMessage => ({
          type: 'message',
          user: EXAMPLE_USERS[index % 2],
          text: `${EXAMPLE_TEXTS[index % 2]} #${index + 1}`,
          ts: tsOf(start + BigInt(index) * 1_000_000n + 216n),
        }),
      );
      const messages = [...(history.get(channel) ?? []), ...seeded].sort((a, b) =>
        micros(a.ts!) < micros(b.ts!) ? -1 : 1,
      );
      history.set(channel, messages);
      const newest = micros(messages.at(-1)?.ts ?? '0');
      if (newest > lastTs) lastTs = newest;
      return seeded;
    },
    postMessage(channel, fields = {}) {
      channelOf(channel);
      const message: SlackMessage = {
        type: 'message',
        user: EXAMPLE_USERS[0],
        text: EXAMPLE_TEXTS[0],
        ...fields,
        ts: nextTs(),
      };
      history.get(channel)!.push(message);
      return message;
    },
    editMessage(channel, ts, text) {
      const messages = history.get(channelOf(channel).id!)!;
      const index = messages.findIndex((message) => message.ts === ts);
      if (index < 0) throw new Error(`no message ${ts} in ${channel}`);
      const edited = { ...messages[index], text, edited: { user: messages[index]!.user, ts: nextTs() } };
      messages[index] = edited;
      return edited;
    },
    deleteMessage(channel, ts) {
      const messages = history.get(channelOf(channel).id!)!;
      const index = messages.findIndex((message) => message.ts === ts);
      if (index < 0) throw new Error(`no message ${ts} in ${channel}`);
      messages.splice(index, 1);
    },
    messages: (channel) => [...(history.get(channel) ?? [])].reverse(),
    setInvalidAuth(invalid) {
      invalidAuth = invalid;
    },
    advanceClock(seconds) {
      clockOffset += seconds * 1000;
    },
    close: () => server.close(),
  };
  return fake;
}
