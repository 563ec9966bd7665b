import { describe, expect, it } from 'vitest';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { parseProvidersFile } from '../../src/connectors/providers-file.js';
import { declarationOf } from '../../src/connectors/sdk/manifest.js';
import { changeSignalId } from '../../src/signals/signal.js';
import { githubExamples } from '../connectors/github/examples.js';
import { fakeSealed, gatewayHarness } from './gateway-harness.js';
import { deliveryRequest } from './request.js';
import { githubHeaders } from './sign.js';

/**
 * A provider that extends GitHub (a GitHub Enterprise Server instance from the providers file)
 * receives GitHub's real GHES 3.5 `issues` `opened` delivery (@octokit/webhooks-examples/ghes-35):
 * verified by GitHub's scheme and normalized by GitHub's code, under its own provider id.
 */
const [gheAcme, ghCopy] = parseProvidersFile(
  'providers.json',
  JSON.stringify({
    providers: [
      {
        id: 'ghe-acme',
        extends: 'github',
        displayName: 'GitHub Enterprise (Acme)',
        api: { baseUrl: 'https://ghe.acme.com/api/v3' },
        auth: {
          authorizationUrl: 'https://ghe.acme.com/login/oauth/authorize',
          tokenUrl: 'https://ghe.acme.com/login/oauth/access_token',
        },
      },
      // The same declaration without `extends`: same webhook scheme, but no GitHub code.
      { ...declarationOf(githubManifest), id: 'gh-copy', displayName: 'GitHub copy', syncs: [] },
    ],
  }),
);

const opened = githubExamples().find(
  (example) =>
    example.source === 'ghes-35' && example.eventName === 'issues' && example.payload['action'] === 'opened',
);
if (!opened) throw new Error('@octokit/webhooks-examples has no ghes-35 issues.opened example');
const body = JSON.stringify(opened.payload);
/** What the delivery reports: an issue's opening, which a sync can see too, so it names the change. */
const openedKey = `issue:${(opened.payload['issue'] as { id: number }).id}:created`;
const installationId = String((opened.payload['installation'] as { id: number }).id);

function hub() {
  const harness = gatewayHarness({
    now: () => new Date(),
    customProviders: [gheAcme!, ghCopy!],
    appSecrets: { github: 'github-app-secret', 'ghe-acme': 'ghe-app-secret' },
  });
  const connection = (connectionId: string, provider: string, routingId?: string) =>
    harness.connections.set(connectionId, {
      tenantId: 'acme',
      connectionId,
      provider,
      routingId,
      secret: fakeSealed('the-connection-secret'),
    });
  connection('gh1', 'github');
  connection('ghe1', 'ghe-acme', installationId);
  connection('copy1', 'gh-copy');
  /** The gateway's answer: its status, and 200 only with an accepted delivery. */
  const receive = async (
    provider: string,
    connectionId: string | null,
    secret: string,
    deliveryId: string,
  ) => {
    const response = await harness.gateway.receive({
      provider,
      connectionId,
      request: deliveryRequest({ headers: githubHeaders(secret, 'issues', body, deliveryId), body }),
      requestId: 'req-1',
    });
    if (response.status === 200) expect(JSON.parse(response.body)).toMatchObject({ status: 'accepted' });
    return response;
  };
  /** The signal recorded for a connection, its sealed parts opened. */
  const signalOf = async (connectionId: string) => {
    const appended = harness.appended.filter((entry) => entry.stream === `signals-acme.${connectionId}`);
    const events = appended.flatMap((entry) => entry.events);
    expect(events.map((event) => event.type)).toEqual(['SignalRecorded']);
    return (await harness.open(events[0]!))['signal'] as Record<string, unknown>;
  };
  return { harness, receive, signalOf };
}

describe('webhooks of a provider that extends a built-in (in memory)', () => {
  it("verifies and normalizes a GHES delivery into GitHub's signal, under its own provider and id", async () => {
    const { receive, signalOf } = hub();
    const deliveryId = '5ea5ab80-e6f5-11ec-8d4e-0a5e1a4c3c1b';
    expect((await receive('github', 'gh1', 'the-connection-secret', deliveryId)).status).toBe(200);
    expect((await receive('ghe-acme', 'ghe1', 'the-connection-secret', deliveryId)).status).toBe(200);

    const github = await signalOf('gh1');
    const ghe = await signalOf('ghe1');
    expect(github['kind']).toBe('issue_created');
    expect(ghe).toEqual({
      ...github,
      id: changeSignalId('ghe-acme', 'ghe1', openedKey),
      provider: 'ghe-acme',
      connectionId: 'ghe1',
    });
    expect(ghe['id']).not.toBe(github['id']);
  });

  it('refuses a delivery signed with any other secret', async () => {
    const { harness, receive } = hub();
    expect((await receive('ghe-acme', 'ghe1', 'not-the-secret', 'd-1')).status).toBe(401);
    expect(harness.appended.map((entry) => entry.events[0]?.type)).toEqual(['WebhookRejected']);
  });

  it("routes app-level deliveries by installation with the extension's own app secret, never GitHub's", async () => {
    const { receive, signalOf } = hub();
    expect((await receive('ghe-acme', null, 'github-app-secret', 'd-app-1')).status).toBe(401);
    expect((await receive('ghe-acme', null, 'ghe-app-secret', 'd-app-2')).status).toBe(200);
    expect(await signalOf('ghe1')).toMatchObject({
      id: changeSignalId('ghe-acme', 'ghe1', openedKey),
      provider: 'ghe-acme',
      kind: 'issue_created',
    });
  });

  it('gives a look-alike without `extends` the verification its scheme names, but no GitHub code', async () => {
    const { receive, signalOf } = hub();
    expect((await receive('gh-copy', 'copy1', 'the-connection-secret', 'd-copy')).status).toBe(200);
    expect(await signalOf('copy1')).toMatchObject({ provider: 'gh-copy', kind: 'provider_event' });
  });
});
