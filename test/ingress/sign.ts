import { createHmac, randomUUID } from 'node:crypto';

/** GitHub's X-Hub-Signature-256 over the exact body bytes. */
export const githubSignature = (secret: string, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Slack's v0 signature over `v0:{timestamp}:{body}`. */
export const slackSignature = (secret: string, timestamp: string, body: string): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** The headers GitHub sends with a delivery, signed with `secret`. */
export function githubHeaders(
  secret: string,
  eventName: string,
  body: string | Buffer,
  deliveryId: string = randomUUID(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': eventName,
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': githubSignature(secret, body),
  };
}

/** The headers Slack sends with an Events API request, signed with `secret` at `now`. */
export function slackHeaders(secret: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

/** The headers Todoist sends: base64 HMAC-SHA256 of the body, keyed by the app's client secret. */
export function todoistHeaders(secret: string, body: string, deliveryId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-todoist-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
    'x-todoist-delivery-id': deliveryId,
  };
}

/** The headers a Jira webhook registered with a secret sends: X-Hub-Signature sha256= over the body. */
export function jiraHeaders(secret: string, body: string, deliveryId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-atlassian-webhook-identifier': deliveryId,
  };
}
