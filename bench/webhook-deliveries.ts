import { createHmac, randomUUID } from 'node:crypto';
import { githubExample } from '../scripts/github-example.js';

/**
 * Signed GitHub deliveries for the webhook benchmark, made in the load generator's process
 * (bench/load-runner.ts imports this module). Bodies are real @octokit/webhooks-examples payloads;
 * each request changes real fields' values (an issue's or pull request's id and number, a comment id, a
 * push's head sha) so every delivery is a new one: the hub recognizes GitHub replays by their body,
 * and an opened issue or pull request by its id (its change key, src/connectors/github/change-keys.ts),
 * so a delivery that kept the example's id would be recorded once and acknowledged as a duplicate after.
 */
export interface DeliveryOptions {
  /** Webhook connections to spread the deliveries over, round robin. */
  connections: Array<{ connectionId: string; secret: string }>;
}

const SENTINEL = 987654321987;
const TEMPLATES: Array<{ eventName: string; action?: string; mark(payload: Record<string, unknown>): void }> =
  [
    {
      eventName: 'issues',
      action: 'opened',
      mark: (p) => {
        const issue = p['issue'] as Record<string, unknown>;
        issue['id'] = SENTINEL;
        issue['number'] = SENTINEL;
      },
    },
    {
      eventName: 'issue_comment',
      action: 'created',
      mark: (p) => ((p['comment'] as Record<string, unknown>)['id'] = SENTINEL),
    },
    {
      eventName: 'pull_request',
      action: 'opened',
      mark: (p) => {
        const pull = p['pull_request'] as Record<string, unknown>;
        pull['id'] = SENTINEL;
        pull['number'] = SENTINEL;
      },
    },
    { eventName: 'push', mark: (p) => (p['after'] = String(SENTINEL)) },
  ];

function templates(): Array<{ eventName: string; parts: string[]; quoted: boolean }> {
  return TEMPLATES.map((template) => {
    const copy = githubExample(template.eventName, template.action);
    template.mark(copy);
    const text = JSON.stringify(copy);
    const quoted = template.eventName === 'push';
    const needle = quoted ? `"${SENTINEL}"` : String(SENTINEL);
    // Every marked field takes the request's value.
    return { eventName: template.eventName, parts: text.split(needle), quoted };
  });
}

/** What load-runner calls: a function giving the next request's path, headers and body. */
export function createRequestGenerator(options: unknown): () => {
  path: string;
  headers: Record<string, string>;
  body: string;
} {
  const { connections } = options as DeliveryOptions;
  const bodies = templates();
  // Unique across runs (warm-up, measured run) without coordination.
  let n = Date.now() * 1000;
  return () => {
    n++;
    const connection = connections[n % connections.length]!;
    const template = bodies[n % bodies.length]!;
    const value = template.quoted ? `"${n.toString(16).padStart(40, '0')}"` : String(n);
    const body = template.parts.join(value);
    return {
      path: `/webhooks/github/${connection.connectionId}`,
      headers: {
        'content-type': 'application/json',
        'x-github-event': template.eventName,
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', connection.secret).update(body).digest('hex')}`,
      },
      body,
    };
  };
}
