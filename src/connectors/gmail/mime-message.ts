/**
 * A plain-text email as RFC 5322 / MIME text, which Gmail's messages.send takes base64url-encoded
 * in `raw` (https://developers.google.com/workspace/gmail/api/guides/sending). Header values come
 * from validated input: addresses are plain addresses and the subject has no line breaks, so no
 * header can be injected; a non-ASCII subject is an RFC 2047 encoded word; the body is UTF-8 in
 * base64 lines of 76 characters (RFC 2045).
 */
export interface PlainTextEmail {
  to: readonly string[];
  cc?: readonly string[] | undefined;
  bcc?: readonly string[] | undefined;
  subject: string;
  text: string;
}

export function mimeMessage(email: PlainTextEmail): string {
  const headers = [
    `To: ${email.to.join(', ')}`,
    ...(email.cc?.length ? [`Cc: ${email.cc.join(', ')}`] : []),
    // Gmail removes Bcc from what recipients get and delivers to its addresses.
    ...(email.bcc?.length ? [`Bcc: ${email.bcc.join(', ')}`] : []),
    `Subject: ${encodedWord(email.subject)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
  ];
  const body = Buffer.from(email.text, 'utf8')
    .toString('base64')
    .replace(/.{76}(?=.)/g, '$&\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/** ASCII stays as it is; anything else becomes `=?UTF-8?B?…?=` (RFC 2047). */
function encodedWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** `raw` as Gmail wants it: the whole message, base64url (RFC 4648 §5). */
export const base64Url = (message: string) => Buffer.from(message, 'utf8').toString('base64url');
