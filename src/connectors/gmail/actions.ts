import { z } from 'zod';
import { defineAction } from '../sdk/action.js';
import { base64Url, mimeMessage } from './mime-message.js';

/**
 * Gmail's actions:
 * - users.messages.send: https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/send
 *   (`POST /gmail/v1/users/me/messages/send` with `{raw, threadId?}` → 200 and the sent Message:
 *   `{id, threadId, labelIds: ["SENT"]}`; Google's error body `{error: {code, message, status}}`:
 *   400 INVALID_ARGUMENT / FAILED_PRECONDITION for a message it cannot send, 404 for an unknown
 *   thread). Gmail takes no idempotency key: the hub's own dedupe is all.
 */
const address = z.email().max(320);

export const gmailSendMessage = defineAction({
  id: 'gmail.send_message',
  version: 1,
  description:
    'Send a plain-text email from the connected Gmail account. It is delivered at once and cannot be recalled; to reply within a conversation, pass its threadId (Gmail also needs the subject to match).',
  input: z.object({
    to: z.array(address).min(1).max(100).describe('Recipient addresses.'),
    cc: z.array(address).max(100).optional(),
    bcc: z.array(address).max(100).optional(),
    subject: z
      .string()
      .max(998)
      .regex(/^[^\r\n]*$/, 'must be one line')
      .describe('The subject line.'),
    text: z.string().max(5_000_000).describe('The plain-text body.'),
    threadId: z
      .string()
      .regex(/^[0-9a-f]{1,32}$/)
      .optional()
      .describe('A Gmail thread id to add the message to.'),
  }),
  output: z.object({
    id: z.string().describe('The sent message id.'),
    threadId: z.string().describe('The thread it belongs to.'),
  }),
  scopes: ['messages.send'],
  // A sent email cannot be taken back.
  hints: { readOnly: false, destructive: true, idempotent: false },
  errors: [
    {
      code: 'INVALID_MESSAGE',
      description: 'Gmail refused the message (an address or header it cannot send).',
      status: 400,
    },
    { code: 'THREAD_NOT_FOUND', description: 'No thread with that id in this mailbox.', status: 404 },
    {
      code: 'FORBIDDEN',
      description: 'The account may not send this (a Workspace policy or missing permission).',
      status: 403,
    },
  ],
  async run(ctx, input) {
    const raw = base64Url(mimeMessage(input));
    const response = await ctx.http.request({
      method: 'POST',
      path: '/users/me/messages/send',
      json: input.threadId === undefined ? { raw } : { raw, threadId: input.threadId },
    });
    const sent = z.object({ id: z.string(), threadId: z.string() }).parse(response.body);
    return { id: sent.id, threadId: sent.threadId };
  },
});

export const GMAIL_ACTIONS = [gmailSendMessage];
