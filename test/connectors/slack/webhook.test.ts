import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeSlackDelivery, slackRoutingId } from '../../../src/connectors/slack/webhook.js';
import { type Signal, signalId, signalSchema } from '../../../src/signals/signal.js';

/** Slack's documented Events API examples (see fixtures/README.md for each source). */
function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

const receivedAt = new Date('2026-01-01T00:00:00Z');

function normalize(name: string): Signal {
  const payload = fixture(name);
  const signals = normalizeSlackDelivery({
    provider: 'slack',
    deliveryId: String(payload['event_id']),
    payload,
    connectionId: 'conn_1',
    receivedAt,
  });
  expect(signals).toHaveLength(1);
  return signalSchema.parse(signals[0]);
}

describe('normalizeSlackDelivery over Slack documented examples', () => {
  it('message.channels → message_posted', () => {
    expect(normalize('message-channels')).toMatchObject({
      kind: 'message_posted',
      provider: 'slack',
      actor: { id: 'U123ABC456', name: 'U123ABC456', bot: false },
      subject: {
        type: 'message',
        id: 'C123ABC456:1355517523.000005',
        title: 'Live long and prospect.',
        url: 'https://slack.com/app_redirect?team=T123ABC456&channel=C123ABC456',
      },
      summary: 'U123ABC456 posted a message in channel C123ABC456: "Live long and prospect."',
      occurredAt: '2012-12-14T20:38:43.000Z',
    });
  });

  it('message.groups and message.im → message_posted, saying where', () => {
    expect(normalize('message-groups')).toMatchObject({ kind: 'message_posted' });
    expect(normalize('message-groups').summary).toMatch(
      /^U2147483697 posted a message in private channel G024BE91L: /,
    );
    expect(normalize('message-im')).toMatchObject({
      kind: 'message_posted',
      summary: 'U2147483697 posted a message in direct message D024BE91L: "Hello hello can you hear me?"',
    });
  });

  it('bot messages are kept and marked as bots', () => {
    expect(normalize('message-bot-message')).toMatchObject({
      kind: 'message_posted',
      actor: { id: 'BB12033', name: 'github', bot: true },
      summary: 'github posted a message in a conversation: "Pushing is the answer"',
      // The example has no channel, so nothing to link to.
      subject: null,
    });
  });

  it('message_changed → message_edited, message_deleted → message_deleted', () => {
    expect(normalize('message-changed')).toMatchObject({
      kind: 'message_edited',
      actor: { id: 'U123ABC456' },
      subject: { type: 'message', id: 'C123ABC456:1355517523.000005', title: 'Hello, world!' },
      summary: 'U123ABC456 edited a message in channel C123ABC456: "Hello, world!"',
      occurredAt: '2013-01-22T18:19:15.000Z',
    });
    expect(normalize('message-deleted')).toMatchObject({
      kind: 'message_deleted',
      actor: null,
      subject: { type: 'message', id: 'C123ABC456:1358878749.000002' },
      summary: 'A message was deleted in channel C123ABC456',
    });
  });

  it('app_mention → app_mentioned, skipping the microsecond event_ts Slack prints', () => {
    expect(normalize('app-mention')).toMatchObject({
      kind: 'app_mentioned',
      actor: { id: 'U061F7AUR' },
      subject: { type: 'message', id: 'C123ABC456:1515449522.000016' },
      summary:
        'U061F7AUR mentioned the app in channel C123ABC456: "<@U0LAN0Z89> is it everything a river should be?"',
      occurredAt: '2018-01-08T22:12:02.000Z',
    });
    expect(normalize('app-mention-invite')).toMatchObject({
      kind: 'app_mentioned',
      actor: { id: 'U0123ABCD' },
    });
  });

  it('reaction_added → reaction_added on the message', () => {
    expect(normalize('reaction-added')).toMatchObject({
      kind: 'reaction_added',
      actor: { id: 'U123ABC456' },
      subject: { type: 'message', id: 'C123ABC456:1360782400.498405' },
      summary: 'U123ABC456 reacted :thumbsup: to a message by U222222222 in channel C123ABC456',
      occurredAt: '2013-02-13T19:13:24.083Z',
    });
  });

  it('channel_created → channel_created, timed by the channel', () => {
    expect(normalize('channel-created')).toMatchObject({
      kind: 'channel_created',
      actor: { id: 'U024BE7LH' },
      subject: { type: 'channel', id: 'C024BE91L', title: '#fun' },
      summary: 'U024BE7LH created channel #fun',
      occurredAt: '2013-02-13T19:13:24.000Z',
    });
  });

  it('member_joined_channel → member_joined_channel, naming the inviter', () => {
    expect(normalize('member-joined-channel')).toMatchObject({
      kind: 'member_joined_channel',
      actor: { id: 'W123ABC456' },
      subject: { type: 'channel', id: 'C123ABC456' },
      summary: 'W123ABC456 joined channel C123ABC456 (invited by U123456789)',
      occurredAt: '2009-02-13T23:31:30.000Z',
    });
  });

  it('link_shared → link_shared, with the first link as subject', () => {
    expect(normalize('link-shared')).toMatchObject({
      kind: 'link_shared',
      actor: { id: 'U123ABC456' },
      subject: { type: 'link', id: 'https://example.com/12345', url: 'https://example.com/12345' },
      summary: 'U123ABC456 shared 3 links (example.com, another-example.com) in channel C123ABC456',
    });
  });

  it('keeps events and message subtypes without a kind as provider_event', () => {
    expect(normalize('emoji-changed')).toMatchObject({
      kind: 'provider_event',
      actor: null,
      subject: null,
      summary: 'Slack emoji_changed (remove)',
      occurredAt: '2013-02-21T21:41:56.000Z',
    });
    expect(normalize('message-channel-join')).toMatchObject({
      kind: 'provider_event',
      actor: { id: 'U2147483828' },
      summary: 'Slack message (channel_join) by U2147483828',
    });
  });

  it('falls back to the receive time when Slack gives only placeholder times', () => {
    // link_shared's message_ts is "123456789.9875" and event_time 123456789: 1973, not a real time.
    expect(normalize('link-shared').occurredAt).toBe(receivedAt.toISOString());
  });

  it('never links to anything but http(s)', () => {
    const payload = fixture('link-shared');
    const event = payload['event'] as Record<string, unknown>;
    const hostile = { ...payload, event: { ...event, links: [{ domain: 'x', url: 'javascript:alert(1)' }] } };
    const [signal] = normalizeSlackDelivery({
      provider: 'slack',
      deliveryId: 'Ev1',
      payload: hostile,
      connectionId: 'c',
      receivedAt,
    });
    expect(signal).toMatchObject({ kind: 'provider_event', subject: { type: 'channel' } });
    expect(signal?.subject?.url).toMatch(/^https:/);
  });

  it('keeps even a payload that is not an Events API envelope', () => {
    const [signal] = normalizeSlackDelivery({
      provider: 'slack',
      deliveryId: 'x',
      payload: 'garbage',
      connectionId: 'c',
      receivedAt,
    });
    expect(signal).toMatchObject({
      kind: 'provider_event',
      summary: 'Slack unrecognized payload',
      payload: 'garbage',
    });
  });

  it('derives the signal id from event_id, so Slack retries make the same signal', () => {
    const signal = normalize('message-im');
    expect(signal.id).toBe(signalId('slack', 'conn_1', 'Ev0PV52K21', 0));
    expect(normalize('message-im')).toEqual(signal);
  });
});

describe('slackRoutingId', () => {
  it('reads team_id, then the authorization, then the enterprise', () => {
    expect(slackRoutingId(fixture('message-channels'))).toBe('T123ABC456');
    expect(slackRoutingId(fixture('message-groups'))).toBe('T061EG9R6');
    const { team_id: _, ...withoutTeam } = fixture('message-channels');
    expect(slackRoutingId(withoutTeam)).toBe('T123ABC456');
    expect(slackRoutingId({ type: 'event_callback', enterprise_id: 'E123ABC456', team_id: null })).toBe(
      'E123ABC456',
    );
    expect(slackRoutingId({ type: 'event_callback' })).toBeNull();
    expect(slackRoutingId('garbage')).toBeNull();
  });
});
