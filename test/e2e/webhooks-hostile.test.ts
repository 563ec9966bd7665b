import { afterAll, beforeAll, expect, it } from 'vitest';
import { signalsStream } from '../../src/events/signal.js';
import { deadLettersStream } from '../../src/events/webhook.js';
import {
  RegisterTenantDocument,
  SignalDocument,
  WebhookDeadLetterDocument,
  WebhookDeadLettersDocument,
} from '../../src/generated/graphql.js';
import { githubIssueOpened } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { openedData } from '../support/open-events.js';
import { describeWithPostgres } from '../support/services.js';
import { post, settled, type WebhookConnection, webhookConnection } from './webhooks-support.js';

const NUL = '\u0000';
const ISSUE_OPENED = githubIssueOpened();
let nextIssueId = 9_000_001;
/** The recorded issues.opened delivery for a new issue of its own (one issue's opening is one signal). */
const issueTitled = (title: string) => {
  const payload = structuredClone(ISSUE_OPENED) as { issue: { id: number; title: string } };
  payload.issue.title = title;
  payload.issue.id = nextIssueId++;
  return payload;
};

describeWithPostgres('hostile webhook deliveries reach the log clean and faithful (PostgreSQL)', () => {
  let hub: TestHub;
  let github: WebhookConnection;
  let bystander: WebhookConnection;

  const url = () => `${hub.url}/webhooks/github/${github.connectionId}`;
  const signedPost = (body: string | Buffer, deliveryId?: string) =>
    post(url(), githubHeaders(github.secret, 'issues', body, deliveryId), body);
  const signal = async (id: string) =>
    (await hub.request(SignalDocument, { id }, asOperator('hostile'))).data?.signal;
  /** Another tenant's delivery still becomes a visible signal: nothing upstream wedged. */
  const othersStillFlow = async () => {
    const body = JSON.stringify(issueTitled(`bystander ${Math.random()}`));
    const response = await post(
      `${hub.url}/webhooks/github/${bystander.connectionId}`,
      githubHeaders(bystander.secret, 'issues', body),
      body,
    );
    expect(response.body).toMatchObject({ status: 'accepted' });
    await settled(hub);
    const id = (response.body['signals'] as string[])[0]!;
    const seen = await hub.request(SignalDocument, { id }, asOperator('bystander'));
    expect(seen.data?.signal).toMatchObject({ id });
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  };

  beforeAll(async () => {
    hub = await startTestHub();
    for (const id of ['hostile', 'bystander'])
      await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
    github = await webhookConnection(hub, 'hostile', 'github');
    bystander = await webhookConnection(hub, 'bystander', 'github');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers 404 problem+json, never 500, for NUL and odd bytes in the route', async () => {
    const body = '{}';
    const headers = githubHeaders(github.secret, 'ping', body);
    for (const [path, code] of [
      [`/webhooks/github/${github.connectionId}%00`, 'CONNECTION_NOT_FOUND'],
      [`/webhooks/github/%00`, 'CONNECTION_NOT_FOUND'],
      [`/webhooks/github/${github.connectionId}%C3%A9`, 'CONNECTION_NOT_FOUND'],
      [`/webhooks/github/%F0%9F%92%A9`, 'CONNECTION_NOT_FOUND'],
      [`/webhooks/git%00hub/${github.connectionId}`, 'PROVIDER_NOT_SUPPORTED'],
      [`/webhooks/git%00hub`, 'PROVIDER_NOT_SUPPORTED'],
    ] as const) {
      const response = await post(`${hub.url}${path}`, headers, body);
      expect(response.status, path).toBe(404);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.body, path).toMatchObject({ code });
    }
  });

  it('records NUL and lone surrogates in an issue title: signal text cleaned, payload kept as sent', async () => {
    for (const [title, cleaned] of [
      [`evil${NUL}title`, 'evil\uFFFDtitle'],
      ['half \uD83D of an emoji', 'half \uFFFD of an emoji'],
    ] as const) {
      const response = await signedPost(JSON.stringify(issueTitled(title)));
      expect(response.body).toMatchObject({ status: 'accepted' });
      await settled(hub);
      const recorded = await signal((response.body['signals'] as string[])[0]!);
      expect(recorded?.subject?.title).toBe(cleaned);
      expect((recorded!.payload as { issue: { title: string } }).issue.title).toBe(title);
    }
    await othersStillFlow();
  });

  it('keeps the bytes of a body that is not UTF-8 in the log, and serves its signal', async () => {
    const text = JSON.stringify(issueTitled('MARK'));
    const at = text.indexOf('MARK');
    const raw = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]),
      Buffer.from(text.slice(at + 4)),
    ]);
    const response = await signedPost(raw);
    expect(response.body).toMatchObject({ status: 'accepted' });
    await settled(hub);
    const id = (response.body['signals'] as string[])[0]!;
    const recorded = await signal(id);
    expect(recorded?.subject?.title).toBe('caf\uFFFD\uFFFD');
    expect((recorded!.payload as { issue: { title: string } }).issue.title).toBe('caf\uFFFD\uFFFD');
    let kept: string | undefined;
    for await (const event of hub.runtime.eventStore.readStream(
      signalsStream('hostile', github.connectionId),
    )) {
      const data = (await openedData(hub.runtime.vault, event)) as {
        signal: { id: string };
        delivery: { bodyBase64?: string };
      };
      if (data.signal.id === id) kept = data.delivery.bodyBase64;
    }
    expect(Buffer.from(kept!, 'base64')).toEqual(raw);
  });

  it('dead-letters a body nested 5,000 levels deep with 400 (not 503), each time it is retried', async () => {
    const deep = `{"action":"opened","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await signedPost(deep, 'deep-delivery');
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'WEBHOOK_PAYLOAD_INVALID', reason: 'payload_too_deep' });
    }
    await settled(hub);
    const letters = await hub.request(
      WebhookDeadLettersDocument,
      { connectionId: github.connectionId, first: 10 },
      asOperator('hostile'),
    );
    const deepLetters = letters.data!.webhookDeadLetters.edges.filter(
      (edge) => edge.node.reason === 'payload_too_deep',
    );
    expect(deepLetters).toHaveLength(1);
    const one = await hub.request(
      WebhookDeadLetterDocument,
      { id: deepLetters[0]!.node.id },
      asOperator('hostile'),
    );
    expect(one.data!.webhookDeadLetter?.delivery?.bodyBase64).toBe(Buffer.from(deep).toString('base64'));
    await othersStillFlow();
  });

  it('dead-letters the raw bytes 00 41 42 with a detail free of them, and the dead letters stay listed', async () => {
    const raw = Buffer.from([0x00, 0x41, 0x42]);
    const response = await signedPost(raw, 'nul-body');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ reason: 'malformed_payload' });
    await settled(hub);
    const events = [];
    for await (const event of hub.runtime.eventStore.readStream(
      deadLettersStream('hostile', github.connectionId),
    ))
      events.push(event);
    const letter = events.find((event) => (event.data as { deliveryId: string }).deliveryId === 'nul-body')!;
    expect((await openedData(hub.runtime.vault, letter))['detail']).toBe('body is not JSON');
    const listed = await hub.request(
      WebhookDeadLettersDocument,
      { connectionId: github.connectionId, first: 1 },
      asOperator('hostile'),
    );
    expect(listed.data!.webhookDeadLetters.edges[0]?.node).toMatchObject({
      deliveryId: 'nul-body',
      reason: 'malformed_payload',
      bodyBytes: 3,
    });
    const one = await hub.request(
      WebhookDeadLetterDocument,
      { id: listed.data!.webhookDeadLetters.edges[0]!.node.id },
      asOperator('hostile'),
    );
    expect(Buffer.from(one.data!.webhookDeadLetter!.delivery!.bodyBase64!, 'base64')).toEqual(raw);
    await othersStillFlow();
  });
});
