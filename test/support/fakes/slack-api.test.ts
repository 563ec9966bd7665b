import {
  type ConversationsListResponse,
  type ErrorCode,
  type WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackApiFake, startSlackApiFake } from './slack-api.js';

/** The Slack fake, driven by Slack's own client: what it serves, @slack/web-api can read. */

let fake: SlackApiFake;
beforeEach(async () => {
  fake = await startSlackApiFake();
});
afterEach(() => fake.close());

const clientOf = (token: string, options: { rejectRateLimitedCalls?: boolean } = {}) =>
  new WebClient(token, { slackApiUrl: `${fake.url}/`, retryConfig: { retries: 0 }, ...options });

describe('the Slack Web API fake, through @slack/web-api', () => {
  it('pages conversations.list with cursors, archived channels on request, unjoined private ones hidden', async () => {
    fake.seedChannels(5);
    const archived = fake.addChannel({ is_archived: true });
    const hidden = fake.addChannel({ is_private: true, is_member: false });
    const invited = fake.addChannel({ is_private: true });
    const client = clientOf(fake.token);

    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.paginate('conversations.list', {
      types: 'public_channel,private_channel',
      exclude_archived: false,
      limit: 3,
    })) {
      pages += 1;
      for (const channel of (page as ConversationsListResponse).channels ?? []) ids.push(channel.id!);
    }

    expect(pages).toBe(3);
    expect(ids).toEqual(
      fake
        .channels()
        .map((channel) => channel.id)
        .filter((id) => id !== hidden.id),
    );
    expect(ids).toContain(invited.id);
    const live = await client.conversations.list({ exclude_archived: true, limit: 100 });
    expect(live.channels?.map((channel) => channel.id)).not.toContain(archived.id);
    expect(live.channels?.[0]).toMatchObject({ name: 'general', is_general: true, num_members: 4 });
    expect(fake.calls['conversations.list']).toBe(4);
  });

  it('serves history newest first, 15 a page at most, after `oldest`, and pages on with the cursor', async () => {
    const [channel] = fake.seedChannels(1);
    const seeded = fake.seedMessages(channel!.id!, 20);
    const client = clientOf(fake.token);

    const first = await client.conversations.history({ channel: channel!.id!, limit: 100 });
    expect(first.messages).toHaveLength(15);
    expect(first.messages?.[0]).toEqual(seeded[19]);
    expect(first.has_more).toBe(true);

    fake.advanceClock(60);
    const second = await client.conversations.history({
      channel: channel!.id!,
      limit: 15,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(second.messages?.map((message) => message.ts)).toEqual(
      seeded
        .slice(0, 5)
        .reverse()
        .map((message) => message.ts),
    );
    expect(second.has_more).toBe(false);
    expect(second.response_metadata?.next_cursor).toBe('');

    fake.advanceClock(60);
    const posted = fake.postMessage(channel!.id!, { text: 'new since the backfill' });
    const since = await client.conversations.history({ channel: channel!.id!, oldest: seeded[19]!.ts });
    expect(since.messages).toEqual([posted]);
  });

  it('answers a second history call within the minute with 429 ratelimited and Retry-After', async () => {
    const [channel] = fake.seedChannels(1);
    fake.seedMessages(channel!.id!, 3);
    const client = clientOf(fake.token, { rejectRateLimitedCalls: true });

    await client.conversations.history({ channel: channel!.id! });
    fake.advanceClock(20);
    const refused = await client.conversations.history({ channel: channel!.id! }).catch((error) => error);
    expect((refused as { code: ErrorCode }).code).toBe('slack_webapi_rate_limited_error');
    expect((refused as WebAPIRateLimitedError).retryAfter).toBe(40);
    expect(fake.requests.at(-1)).toMatchObject({ status: 429, error: 'ratelimited' });

    fake.advanceClock(40);
    const again = await client.conversations.history({ channel: channel!.id! });
    expect(again.messages).toHaveLength(3);
    expect(fake.calls['conversations.history']).toBe(3);
  });

  it('refuses a wrong or revoked token with invalid_auth, and channels the app cannot read', async () => {
    const [joined] = fake.seedChannels(1);
    const outside = fake.addChannel({ is_member: false });
    const client = clientOf(fake.token);
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { data?: { error?: string } }) => error.data?.error,
      );

    expect(await codeOf(clientOf('xoxb-not-the-token').conversations.list({}))).toBe('invalid_auth');
    expect(await codeOf(client.conversations.history({ channel: outside.id! }))).toBe('not_in_channel');
    fake.advanceClock(60);
    expect(await codeOf(client.conversations.history({ channel: 'C0NOSUCH1' }))).toBe('channel_not_found');
    fake.setInvalidAuth(true);
    expect(await codeOf(client.conversations.list({}))).toBe('invalid_auth');
    fake.setInvalidAuth(false);
    fake.deleteChannel(joined!.id!);
    expect(await codeOf(client.conversations.list({}))).toBe('ok');
  });

  it('posts with chat.postMessage as WebClient calls it, and refuses as the method documents', async () => {
    const [channel] = fake.seedChannels(1);
    const client = clientOf(fake.token);
    const posted = await client.chat.postMessage({
      channel: channel!.id!,
      text: 'Hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Hello*' } }],
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: channel!.id,
      message: { text: 'Hello', bot_id: 'B123ABC456' },
    });
    expect(fake.messages(channel!.id!)[0]?.ts).toBe(posted.ts);

    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { data?: { error?: string } }) => error.data?.error,
      );
    const archived = fake.addChannel({ is_archived: true });
    expect(await codeOf(client.chat.postMessage({ channel: archived.id!, text: 'x' }))).toBe('is_archived');
    expect(await codeOf(client.chat.postMessage({ channel: 'C0NOSUCH1', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(
      await codeOf(client.chat.postMessage({ channel: channel!.id!, text: 'x', blocks: [{} as never] })),
    ).toBe('invalid_blocks');
  });
});
