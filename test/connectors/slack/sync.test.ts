import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FullResyncRequired, ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { Checkpoint } from '../../../src/connectors/sdk/sync.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { SLACK_SYNCS } from '../../../src/connectors/slack/sync.js';
import { type SlackApiFake, startSlackApiFake } from '../../support/fakes/slack-api.js';
import { runResourceSync, type SyncRunOptions, type SyncRunResult } from '../../support/run-resource-sync.js';

let fake: SlackApiFake;
beforeEach(async () => {
  fake = await startSlackApiFake();
});
afterEach(() => fake.close());

const run = (resource: 'channels' | 'messages', options: Partial<SyncRunOptions> = {}) =>
  runResourceSync(SLACK_SYNCS[resource], {
    manifest: slackManifest,
    baseUrl: fake.url,
    token: fake.token,
    ...options,
  });

const historyRequests = () => fake.requests.filter((request) => request.method === 'conversations.history');

/**
 * Runs until a run ends its listing, each starting from the last one's checkpoint a minute later
 * (Slack's 1/minute rule for conversations.history stops every run after one page).
 */
async function runUntilDone(options: Partial<SyncRunOptions> = {}) {
  const runs: SyncRunResult[] = [];
  let checkpoint = options.checkpoint ?? null;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const result = await run('messages', {
      ...options,
      checkpoint,
      full: options.full ?? checkpoint === null,
    });
    runs.push(result);
    checkpoint = result.checkpoint;
    if (result.error === null) return { runs, checkpoint, ids: runs.flatMap((each) => each.recordIds) };
    expect(result.error).toBeInstanceOf(ProviderCallError);
    expect((result.error as ProviderCallError).failureClass).toBe('rate_limited');
    fake.advanceClock(60);
  }
  throw new Error('the sync never finished');
}

describe('Slack channels sync', () => {
  it('lists public, invited private and archived channels in pages of 200, as canonical Channels', async () => {
    fake.seedChannels(230);
    const archived = fake.addChannel({ is_archived: true });
    const hidden = fake.addChannel({ is_private: true, is_member: false });
    const invited = fake.addChannel({ is_private: true, is_member: false });
    fake.updateChannel(invited.id!, { is_member: true });

    const result = await run('channels');

    expect(result.error).toBeNull();
    expect(result.pages).toHaveLength(2);
    const expected = fake.channels().filter((channel) => channel.id !== hidden.id);
    expect(result.recordIds).toEqual(expected.map((channel) => channel.id));
    const general = result.pages[0]!.records[0]!;
    expect(general.data).toEqual({
      id: expected[0]!.id,
      name: 'general',
      topic: 'Company-wide announcements and work-based matters',
      private: false,
      archived: false,
      memberCount: 4,
      createdAt: new Date((1449252889 + 1) * 1000).toISOString(),
    });
    expect(general.raw).toEqual(expected[0]);
    const byId = new Map(
      result.pages.flatMap((page) => page.records).map((record) => [record.id, record.data]),
    );
    expect(byId.get(archived.id!)).toMatchObject({ archived: true });
    expect(byId.get(invited.id!)).toMatchObject({ private: true });
    expect(fake.requests.map((request) => request.params)).toEqual([
      { types: 'public_channel,private_channel', exclude_archived: 'false', limit: '200' },
      expect.objectContaining({ cursor: expect.any(String) }),
    ]);
    expect(result.checkpoint).toEqual({ next: null });
  });

  it('resumes a listing at the page its checkpoint names, with no gap and no duplicate', async () => {
    fake.seedChannels(450);
    const whole = await run('channels');
    const afterFirst = whole.pages[0]!.checkpoint;

    const resumed = await run('channels', { checkpoint: afterFirst });

    expect(resumed.error).toBeNull();
    expect(resumed.pages).toHaveLength(2);
    expect([...whole.pages[0]!.records.map((record) => record.id), ...resumed.recordIds]).toEqual(
      fake.channels().map((channel) => channel.id),
    );
  });

  it('lists everything again on the next run, so a deleted channel is absent from the full scan', async () => {
    const [, gone] = fake.seedChannels(3);
    const first = await run('channels');
    fake.deleteChannel(gone!.id!);
    fake.updateChannel(first.recordIds[0]!, { name: 'announcements' });

    const second = await run('channels', { checkpoint: first.checkpoint });

    expect(slackManifest.syncs.find((sync) => sync.resource === 'channels')).toMatchObject({
      cursor: 'none',
      deletes: 'full_scan',
    });
    expect(second.recordIds).toEqual(first.recordIds.filter((id) => id !== gone!.id));
    expect(second.pages[0]!.records[0]!.data).toMatchObject({ name: 'announcements' });
  });

  it('starts over (FullResyncRequired) when Slack refuses the saved cursor', async () => {
    fake.seedChannels(3);
    const result = await run('channels', { checkpoint: { next: { cursor: 'bm90IGEgY3Vyc29y' } } });
    expect(result.error).toBeInstanceOf(FullResyncRequired);
  });

  it('turns ok:false invalid_auth into an auth failure, missing scopes into terminal ones', async () => {
    fake.seedChannels(2);
    fake.setInvalidAuth(true);
    const refused = await run('channels');
    expect(refused.error).toBeInstanceOf(ProviderCallError);
    expect((refused.error as ProviderCallError).failureClass).toBe('auth');
    expect(refused.pages).toEqual([]);

    fake.setInvalidAuth(false);
    const wrongChannel = await run('messages', { config: { channels: ['C0NOSUCH1'] } });
    expect((wrongChannel.error as ProviderCallError).failureClass).toBe('terminal');
    expect((wrongChannel.error as ProviderCallError).message).toContain('channel_not_found');
  });
});

describe('Slack messages sync (1 history request a minute, 15 messages a page)', () => {
  it('backfills across runs: each stops rate limited after one page and the next continues at its cursor', async () => {
    const [general, random] = fake.seedChannels(2);
    const outside = fake.addChannel({ is_member: false });
    fake.seedMessages(general!.id!, 40);
    fake.seedMessages(random!.id!, 7);
    fake.seedMessages(outside.id!, 3);

    const { runs, checkpoint, ids } = await runUntilDone();

    // 40 messages: pages of 15, 15 and 10; then 7: one page. One page per run, every run but the
    // last ending on the provider's 429 for its second history call.
    expect(runs.map((each) => each.pages.length)).toEqual([1, 1, 1, 1]);
    expect(runs.slice(0, -1).every((each) => (each.error as ProviderCallError).retryAt !== null)).toBe(true);
    const expected = [general!, random!].flatMap((channel) =>
      fake.messages(channel.id!).map((message) => `${channel.id}:${message.ts}`),
    );
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(47);
    // Every run after the first asked for exactly the page the previous checkpoint named.
    const accepted = historyRequests().filter((request) => request.status === 200);
    expect(accepted).toHaveLength(4);
    expect(accepted.map((request) => request.params.limit)).toEqual(['15', '15', '15', '15']);
    expect(accepted[1]!.params.cursor).toBe(shapeOf(runs[0]!.checkpoint).pass!.page!.cursor);
    expect(accepted[3]!.params.cursor).toBeUndefined();
    expect(checkpoint).toEqual({
      oldest: {
        [general!.id!]: fake.messages(general!.id!)[0]!.ts,
        [random!.id!]: fake.messages(random!.id!)[0]!.ts,
      },
      pass: null,
    });
  });

  it('keeps the page checkpoint precise: after every page, a new sync() continues with no gap and no duplicate', async () => {
    const [general] = fake.seedChannels(1);
    fake.seedMessages(general!.id!, 31);
    const collected: string[] = [];
    let checkpoint: Checkpoint | null = null;
    const checkpoints: Checkpoint[] = [];
    for (let runs = 0; runs < 3; runs += 1) {
      const result = await run('messages', { checkpoint, full: checkpoint === null });
      expect(result.pages).toHaveLength(1);
      collected.push(...result.recordIds);
      checkpoint = result.checkpoint;
      checkpoints.push(checkpoint!);
      fake.advanceClock(60);
    }
    expect(collected).toEqual(fake.messages(general!.id!).map((message) => `${general!.id}:${message.ts}`));
    expect(checkpoints.map((each) => (shapeOf(each).pass?.page ?? null) !== null)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('asks only for messages after the newest one recorded per channel on the next pass', async () => {
    const [general, random] = fake.seedChannels(2);
    fake.seedMessages(general!.id!, 3);
    fake.seedMessages(random!.id!, 2);
    const backfill = await runUntilDone();
    fake.advanceClock(60);
    const newInGeneral = [fake.postMessage(general!.id!, { text: 'one' }), fake.postMessage(general!.id!)];
    const newInRandom = fake.postMessage(random!.id!, { text: 'two' });
    const before = historyRequests().length;

    const next = await runUntilDone({ checkpoint: backfill.checkpoint });

    expect(next.ids).toEqual([
      ...newInGeneral.reverse().map((message) => `${general!.id}:${message.ts}`),
      `${random!.id}:${newInRandom.ts}`,
    ]);
    const asked = historyRequests()
      .slice(before)
      .filter((request) => request.status === 200);
    expect(asked.map((request) => [request.params.channel, request.params.oldest])).toEqual([
      [general!.id, shapeOf(backfill.checkpoint).oldest[general!.id!]],
      [random!.id, shapeOf(backfill.checkpoint).oldest[random!.id!]],
    ]);
  });

  it('lists the whole history again on a full sync, ignoring the per-channel floors', async () => {
    const [general] = fake.seedChannels(1);
    fake.seedMessages(general!.id!, 4);
    const backfill = await runUntilDone();
    fake.advanceClock(60);

    const full = await runUntilDone({ checkpoint: backfill.checkpoint, full: true });

    expect(full.ids).toEqual(backfill.ids);
    expect(historyRequests().at(-1)!.params.oldest).toBeUndefined();
  });

  it('reads only the configured channels, without listing conversations', async () => {
    const [general, random] = fake.seedChannels(2);
    fake.seedMessages(general!.id!, 2);
    fake.seedMessages(random!.id!, 2);

    const { ids } = await runUntilDone({ config: { channels: [random!.id] } });

    expect(ids).toEqual(fake.messages(random!.id!).map((message) => `${random!.id}:${message.ts}`));
    expect(fake.calls['conversations.list']).toBeUndefined();
  });

  it('skips a channel the app left after the pass listed it', async () => {
    const [general, random] = fake.seedChannels(2);
    fake.seedMessages(general!.id!, 16);
    fake.seedMessages(random!.id!, 2);
    const first = await run('messages');
    fake.updateChannel(general!.id!, { is_member: false });
    fake.advanceClock(60);

    const { ids, checkpoint } = await runUntilDone({ checkpoint: first.checkpoint });

    expect(ids).toEqual(fake.messages(random!.id!).map((message) => `${random!.id}:${message.ts}`));
    expect(shapeOf(checkpoint).pass).toBeNull();
  });

  it('maps bot, edited and threaded messages to canonical Messages with their raw JSON', async () => {
    const [general] = fake.seedChannels(1);
    const bot = fake.postMessage(general!.id!, {
      subtype: 'bot_message',
      user: undefined,
      bot_id: 'B123ABC456',
      username: 'deploybot',
      text: 'Deployed',
    });
    const parent = fake.postMessage(general!.id!, { text: 'Who is on call?' });
    const replied = fake.postMessage(general!.id!, { thread_ts: parent.ts, reply_count: 1 });
    const edited = fake.editMessage(general!.id!, parent.ts!, 'Who is on call today?');

    const result = await run('messages', { accountId: 'T061EG9R6' });

    const byTs = new Map(result.pages[0]!.records.map((record) => [record.id, record]));
    expect(byTs.get(`${general!.id}:${bot.ts}`)!.data).toMatchObject({
      author: { id: 'B123ABC456', name: 'deploybot', email: null },
      text: 'Deployed',
      threadId: null,
    });
    expect(byTs.get(`${general!.id}:${parent.ts}`)).toMatchObject({
      data: {
        id: `${general!.id}:${parent.ts}`,
        channel: general!.id,
        author: { id: 'U012AB3CDE', name: null, email: null },
        text: 'Who is on call today?',
        sentAt: new Date(Number(parent.ts) * 1000).toISOString(),
        editedAt: new Date(Number(edited.edited!.ts) * 1000).toISOString(),
        url: `https://slack.com/app_redirect?team=T061EG9R6&channel=${general!.id}`,
      },
      raw: edited,
    });
    expect(byTs.get(`${general!.id}:${replied.ts}`)!.data).toMatchObject({
      threadId: `${general!.id}:${parent.ts}`,
    });
  });
});

/** The messages checkpoint as sync-messages.ts writes it. */
const shapeOf = (checkpoint: Checkpoint | null) => checkpoint as unknown as CheckpointShape;

interface CheckpointShape {
  oldest: Record<string, string>;
  pass: {
    channels: string[];
    channel: number;
    page: { cursor: string } | null;
    newest: string | null;
  } | null;
}
