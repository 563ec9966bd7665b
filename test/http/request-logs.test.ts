import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { post, webhookConnection } from '../e2e/webhooks-support.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

describeWithPostgres('request logs keep query values out (PostgreSQL)', () => {
  let hub: TestHub;
  const lines: string[] = [];
  const secrets = ['SECRETCODE', 'SECRETSTATE', 'SECRETVALIDATION', 'SECRETBARE', 'SECRETACCESS'];

  beforeAll(async () => {
    hub = await startTestHub({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    await hub.request(RegisterTenantDocument, { input: { id: 'logs', name: 'Logs' } }, asOperator());
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('logs the path and parameter names of an OAuth callback, a Graph handshake and a 404, never a value', async () => {
    const callback = await fetch(`${hub.url}/oauth/callback?code=SECRETCODE&state=SECRETSTATE`);
    expect(callback.status).toBe(400);
    const graph = await webhookConnection(hub, 'logs', 'microsoft-365');
    const handshake = await post(
      `${hub.url}/webhooks/microsoft-365/${graph.connectionId}?validationToken=SECRETVALIDATION`,
      {},
      '',
    );
    // The handshake did reach the gateway: the token comes back as the answer.
    expect(handshake).toMatchObject({ status: 200, text: 'SECRETVALIDATION' });
    expect((await fetch(`${hub.url}/nowhere?access_token=SECRETACCESS&SECRETBARE`)).status).toBe(404);

    const logged = lines.join('');
    for (const secret of secrets) expect(logged, `a log line holds ${secret}`).not.toContain(secret);
    const urls = lines
      .map((line) => JSON.parse(line) as { req?: { url?: string } })
      .flatMap((entry) => entry.req?.url ?? []);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/oauth/callback?code=[redacted]&state=[redacted]',
        `/webhooks/microsoft-365/${graph.connectionId}?validationToken=[redacted]`,
        '/nowhere?access_token=[redacted]&[redacted]',
      ]),
    );
  });
});
