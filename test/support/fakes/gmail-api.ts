/**
 * Gmail's users.messages.send on loopback for the send_message action.
 *
 * Built from https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/send
 * and .../guides/sending: `POST /gmail/v1/users/{userId}/messages/send` with a Message whose `raw`
 * is the RFC 2822 message, base64url-encoded, and an optional `threadId`; the answer is the sent
 * Message resource `{id, threadId, labelIds: ["SENT"]}` (ids are 16 hex digits). Errors use
 * Google's JSON error body `{error: {code, message, errors: [{message, domain, reason}], status}}`:
 * 400 INVALID_ARGUMENT "Invalid To header" for a message without a recipient, 404 NOT_FOUND for a
 * thread the mailbox does not have, 401 UNAUTHENTICATED for a bad token.
 *
 * Fake's own choices: it decodes only what tests read (headers, and a single base64 text/plain
 * body); a new thread id is the message id, as Gmail does for a first message.
 */
import {
  bearerOf,
  type FakeReply,
  type FakeRequest,
  type LoopbackServer,
  startLoopbackServer,
} from './loopback-server.js';

export interface SentGmailMessage {
  id: string;
  threadId: string;
  /** Header name (lower case) → value, as sent. */
  headers: Record<string, string>;
  /** The decoded text/plain body. */
  text: string;
}

export interface GmailApiFake {
  /** The API base: `http://127.0.0.1:<port>/gmail/v1`. */
  url: string;
  token: string;
  sent: SentGmailMessage[];
  close(): Promise<void>;
}

const googleError = (code: number, status: string, message: string, reason: string): FakeReply => ({
  status: code,
  body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
});

export function parseMime(message: string): { headers: Record<string, string>; text: string } {
  const split = message.indexOf('\r\n\r\n');
  const head = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const base64 = headers['content-transfer-encoding']?.toLowerCase() === 'base64';
  const text = base64 ? Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') : body;
  return { headers, text };
}

export async function startGmailApiFake(options: { token?: string } = {}): Promise<GmailApiFake> {
  const token = options.token ?? 'ya29.a0AfH6SMBx-fake-gmail-access-token';
  const sent: SentGmailMessage[] = [];
  let count = 0;

  const send = (request: FakeRequest): FakeReply => {
    const message = JSON.parse(request.body || '{}') as { raw?: unknown; threadId?: unknown };
    if (typeof message.raw !== 'string' || message.raw === '')
      return googleError(
        400,
        'INVALID_ARGUMENT',
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        'invalidArgument',
      );
    const { headers, text } = parseMime(Buffer.from(message.raw, 'base64url').toString('utf8'));
    if (!headers['to'] && !headers['cc'] && !headers['bcc'])
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid To header', 'invalidArgument');
    if (message.threadId !== undefined && !sent.some((each) => each.threadId === message.threadId))
      return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound');
    count += 1;
    const id = (0x18c0_0000_0000_0000n + BigInt(count)).toString(16);
    const threadId = typeof message.threadId === 'string' ? message.threadId : id;
    sent.push({ id, threadId, headers, text });
    return { status: 200, body: { id, threadId, labelIds: ['SENT'] } };
  };

  const server: LoopbackServer = await startLoopbackServer((request) => {
    if (bearerOf(request) !== token)
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials.',
        'authError',
      );
    if (request.method === 'POST' && /^\/gmail\/v1\/users\/me\/messages\/send$/.test(request.pathname))
      return send(request);
    return googleError(404, 'NOT_FOUND', 'Not Found', 'notFound');
  });
  return { url: `${server.origin}/gmail/v1`, token, sent, close: () => server.close() };
}
