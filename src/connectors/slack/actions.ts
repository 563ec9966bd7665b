import { z } from 'zod';
import { defineAction } from '../sdk/action.js';
import { SlackApiError, slackResult } from './web-api-result.js';

/**
 * Slack's actions, over the Web API:
 * - chat.postMessage: https://docs.slack.dev/reference/methods/chat.postMessage (JSON body with
 *   the bot token; answers `{ok, channel, ts, message}`; failures are HTTP 200 with `ok: false`
 *   and an error code, typed by @slack/web-api's ChatPostMessageResponse).
 * Slack takes no idempotency key for chat.postMessage: the hub's own dedupe is all.
 */

const posted = z.object({ ok: z.literal(true), channel: z.string(), ts: z.string() });

export const slackPostMessage = defineAction({
  id: 'slack.post_message',
  version: 1,
  description:
    'Post a message to a Slack channel the app is a member of (a notification, an answer, a summary). `text` is required: it is the notification text and what screen readers read even when `blocks` lay the message out.',
  input: z.object({
    channel: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a conversation id (C…, G… or D…)')
      .describe('The conversation id (C0123456789); names are not accepted, since channels can be renamed.'),
    text: z.string().trim().min(1).max(40_000).describe('The message text, in Slack mrkdwn.'),
    blocks: z
      .array(z.looseObject({ type: z.string().min(1) }))
      .max(50)
      .optional()
      .describe('Block Kit blocks (https://docs.slack.dev/block-kit/); at most 50.'),
  }),
  output: z.object({
    channel: z.string().describe('The conversation the message went to.'),
    ts: z.string().describe("The message's timestamp: its id within the channel."),
  }),
  scopes: ['messages.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [
    {
      code: 'CHANNEL_NOT_FOUND',
      description: 'No such channel, or the app cannot see it.',
      providerError: 'channel_not_found',
    },
    {
      code: 'NOT_IN_CHANNEL',
      description: 'The app is not a member of the channel: invite it first.',
      providerError: 'not_in_channel',
    },
    { code: 'CHANNEL_ARCHIVED', description: 'The channel is archived.', providerError: 'is_archived' },
    {
      code: 'MESSAGE_TOO_LONG',
      description: 'The text is longer than Slack accepts.',
      providerError: 'msg_too_long',
    },
    {
      code: 'INVALID_BLOCKS',
      description: 'Slack refused the blocks (see Block Kit Builder).',
      providerError: 'invalid_blocks',
    },
    {
      code: 'RESTRICTED_ACTION',
      description: 'A workspace preference keeps the app from posting here.',
      providerError: 'restricted_action',
    },
  ],
  providerErrorOf: (error) => (error instanceof SlackApiError ? error.slackError : undefined),
  async run(ctx, input) {
    const response = await ctx.http.request({
      method: 'POST',
      path: '/chat.postMessage',
      json: { channel: input.channel, text: input.text, blocks: input.blocks },
    });
    const { channel, ts } = slackResult(response, posted, new Date());
    return { channel, ts };
  },
});

export const SLACK_ACTIONS = [slackPostMessage];
