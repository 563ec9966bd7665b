import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { post, webhookConnection } from '../e2e/webhooks-support.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/** Made-up credentials, each in the shape its issuer gives it. */
const TOKENS = {
  operator: OPERATOR_TOKEN,
  queryGithub: 'ghp_Qu3ryStr1ngT0k3nV4lue0123456789AB',
  cookieJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb29raWUtdXNlciJ9.Y29va2llLXNpZ25hdHVyZQ',
  cookieSession: 'SESSIONCOOKIEVALUE123',
  webhookSlack: 'xoxb-222222222222-3333333333333-WebhookB0dyT0ken',
  webhookAccess: 'WEBHOOKACCESSTOKEN42',
  callbackCode: 'CALLBACKCODE77',
  callbackState: 'CALLBACKSTATE88',
  callbackVerifier: 'CALLBACKVERIFIER99',
  proxyGoogle: 'ya29.Pr0xyAuth0r1zat10nT0k3n',
};

describeWithPostgres('request logs carry ids and no credentials (PostgreSQL)', () => {
  let hub: TestHub;
  const lines: string[] = [];
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    hub = await startTestHub({
      // Everything the hub can say, so a token that reaches any line at all is found.
      env: { LOG_LEVEL: 'trace' },
      logDestination: { write: (line: string) => void lines.push(line) },
      // A careless handler that logs the whole request: the censor is what keeps its tokens out.
      beforeListen: (app) =>
        app.post('/test/careless', async (request) => {
          request.log.info(
            { headers: request.headers, query: request.query, body: request.body },
            `careless handler got ${request.raw.url} with ${request.headers.authorization}`,
          );
          return { ok: true };
        }),
    });
    await hub.request(RegisterTenantDocument, { input: { id: 'log-tenant', name: 'Logs' } }, asOperator());
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('keeps every token out of every line, and names the request, the tenant and the connection', async () => {
    lines.length = 0;
    // GraphQL with the operator token in Authorization, a GitHub token in the query string, a JWT
    // and a session in the cookie, and the tenant in X-Tenant-Id.
    const query = encodeURIComponent('{ connections { edges { node { id } } } }');
    const graphql = await fetch(`${hub.url}/graphql?query=${query}&access_token=${TOKENS.queryGithub}`, {
      headers: {
        ...asOperator('log-tenant'),
        cookie: `jwt=${TOKENS.cookieJwt}; session=${TOKENS.cookieSession}`,
        'x-request-id': 'req-graphql-1',
      },
    });
    expect(graphql.status).toBe(200);

    // A webhook delivery whose body holds tokens, with a signature that does not verify.
    const slack = await webhookConnection(hub, 'log-tenant', 'slack', 'slack-signing-secret-0123456789');
    const delivery = await post(
      `${hub.url}/webhooks/slack/${slack.connectionId}`,
      {
        'content-type': 'application/json',
        'x-slack-signature': 'v0=0000000000000000000000000000000000000000000000000000000000000000',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-request-id': 'req-webhook-1',
        authorization: `Bearer ${TOKENS.webhookSlack}`,
      },
      JSON.stringify({
        token: TOKENS.webhookSlack,
        access_token: TOKENS.webhookAccess,
        type: 'event_callback',
      }),
    );
    expect(delivery.status).toBe(401);

    // An OAuth callback (code, state and a verifier in the query string).
    const callback = await fetch(
      `${hub.url}/oauth/callback?code=${TOKENS.callbackCode}&state=${TOKENS.callbackState}&code_verifier=${TOKENS.callbackVerifier}`,
      { headers: { 'x-request-id': 'req-callback-1' } },
    );
    expect(callback.status).toBe(400);

    // A proxy call for a connection that is not there: the tenant and connection are bound first.
    const proxy = await fetch(`${hub.url}/proxy/conn-missing/user?key=${TOKENS.proxyGoogle}`, {
      headers: {
        ...asOperator('log-tenant'),
        'x-request-id': 'req-proxy-1',
        'x-goog-api-key': TOKENS.proxyGoogle,
      },
    });
    expect(proxy.status).toBeGreaterThanOrEqual(400);

    // The careless handler, given tokens in every place a request carries them.
    const careless = await fetch(
      `${hub.url}/test/careless?access_token=${TOKENS.queryGithub}&code=${TOKENS.callbackCode}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKENS.operator}`,
          cookie: `jwt=${TOKENS.cookieJwt}; session=${TOKENS.cookieSession}`,
          'content-type': 'application/json',
          'x-request-id': 'req-careless-1',
        },
        body: JSON.stringify({
          refresh_token: TOKENS.callbackVerifier,
          note: `forwarding ${TOKENS.webhookSlack} and ${TOKENS.proxyGoogle}`,
          query: { code: TOKENS.callbackCode, state: TOKENS.callbackState },
        }),
      },
    );
    expect(careless.status).toBe(200);
    const carelessLine = entries().find((entry) => entry.requestId === 'req-careless-1' && entry.headers);
    expect(carelessLine).toMatchObject({
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' },
      query: { access_token: '[redacted]', code: '[redacted]' },
    });

    const logged = lines.join('');
    for (const [name, token] of Object.entries(TOKENS)) expect(logged, `${name} leaked`).not.toContain(token);

    const of = (requestId: string) => entries().filter((entry) => entry.requestId === requestId);
    const completed = (requestId: string) => of(requestId).find((entry) => entry.msg === 'request completed');
    // Every request's lines carry its id: Fastify's own and those of the code it runs.
    for (const id of ['req-graphql-1', 'req-webhook-1', 'req-callback-1', 'req-proxy-1'])
      expect(of(id).length, id).toBeGreaterThanOrEqual(2);
    expect(completed('req-graphql-1')).toMatchObject({ tenantId: 'log-tenant', res: { statusCode: 200 } });
    expect(completed('req-webhook-1')).toMatchObject({
      provider: 'slack',
      tenantId: 'log-tenant',
      connectionId: slack.connectionId,
    });
    expect(completed('req-proxy-1')).toMatchObject({ tenantId: 'log-tenant', connectionId: 'conn-missing' });
    // Tracing is off here: no trace fields at all.
    expect(entries().some((entry) => 'traceId' in entry)).toBe(false);
  });
});
