import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineCensor } from '../../src/platform/log-censor.js';
import { createLogger } from '../../src/platform/logger.js';

function capture(knownSecrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    knownSecrets,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

// Credentials as providers and clients send them (made up, in each one's shape).
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJhdWQiOiJodWIifQ.c2lnbmF0dXJlLWJ5dGVz';
const CREDENTIALS = {
  github: 'ghp_R4nd0mL00k1ngT0k3nV4lue0123456789',
  githubApp: 'ghs_Inst4ll4t10nT0k3nV4lue0123456789ab',
  githubPat: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  slack: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  google: 'ya29.a0AfB_byC-Goog1eAcc3ssT0k3n',
  basic: Buffer.from('client-id:client-secret-value').toString('base64'),
  operator: 'plain-operator-token-with-no-shape',
};

describe('log lines', () => {
  it('censor credentials by their shape wherever they appear: message, fields, error stack, URLs, text bodies', () => {
    const { logger, lines, entries } = capture([CREDENTIALS.operator]);
    logger.info(
      { upstream: `GET https://api.example/x?access_token=QUERYSECRET&page=2` },
      `authorization: Bearer ${CREDENTIALS.github} then token ${CREDENTIALS.githubApp}`,
    );
    logger.error(
      {
        err: new Error(
          `provider said: ${CREDENTIALS.slack} / ${CREDENTIALS.google} / Basic ${CREDENTIALS.basic}`,
        ),
      },
      'refresh failed',
    );
    logger.warn(
      { body: JSON.stringify({ access_token: 'ATSECRET', refresh_token: 'RTSECRET', token_type: 'bearer' }) },
      `pat ${CREDENTIALS.githubPat} jwt ${JWT} operator ${CREDENTIALS.operator} db postgres://sb:DBPASSWORD@db/sb`,
    );
    const all = lines.join('');
    for (const secret of [
      ...Object.values(CREDENTIALS),
      JWT,
      'QUERYSECRET',
      'ATSECRET',
      'RTSECRET',
      'DBPASSWORD',
    ])
      expect(all, secret).not.toContain(secret);
    // Every line is still JSON, and what is not a secret is still there.
    const [first, second, third] = entries();
    expect(first?.msg).toBe('authorization: Bearer [redacted] then token [redacted]');
    expect(first?.upstream).toBe('GET https://api.example/x?access_token=[redacted]&page=2');
    expect(second?.msg).toBe('refresh failed');
    expect(JSON.parse(String(third?.body))).toEqual({
      access_token: '[redacted]',
      refresh_token: '[redacted]',
      token_type: 'bearer',
    });
    expect(third?.msg).toContain('db postgres://sb:[redacted]@db/sb');
  });

  it('censor secret fields and headers by name at any depth, and code/state only in a callback query', () => {
    const { logger, entries } = capture();
    logger.info(
      {
        request: {
          headers: {
            authorization: 'opaque',
            cookie: 'sid=opaque',
            'set-cookie': ['a=1', 'b=2'],
            'x-hub-signature-256': 'sha256=0123',
            'x-slack-signature': 'v0=abcd',
            accept: 'application/json',
          },
        },
        integration: { clientSecret: 'opaque', clientId: 'app-1' },
        query: { code: 'AUTHCODE', state: 'STATE', scope: 'repo' },
        err: { code: 'ECONNREFUSED' },
        connection: { state: 'ACTIVE' },
      },
      'Basic authentication is not offered by this provider',
    );
    expect(entries()[0]).toMatchObject({
      request: {
        headers: {
          authorization: '[redacted]',
          cookie: '[redacted]',
          'set-cookie': ['[redacted]'],
          'x-hub-signature-256': '[redacted]',
          'x-slack-signature': '[redacted]',
          accept: 'application/json',
        },
      },
      integration: { clientSecret: '[redacted]', clientId: 'app-1' },
      query: { code: '[redacted]', state: '[redacted]', scope: 'repo' },
      err: { code: 'ECONNREFUSED' },
      connection: { state: 'ACTIVE' },
      msg: 'Basic authentication is not offered by this provider',
    });
  });

  it('leave an ordinary line as it was', () => {
    const censor = createLineCensor(['some-operator-token-value']);
    const line =
      '{"level":30,"requestId":"6f1c1c2e-1b6f-4d2a-9b0c-0a4f2b4c9d1e","req":{"method":"POST","url":"/graphql"},"msg":"token refreshed for connection c_0123456789"}\n';
    expect(censor(line)).toBe(line);
  });

  describe('with a tracing context', () => {
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => {
      context.setGlobalContextManager(manager.enable());
    });
    afterAll(() => {
      manager.disable();
      context.disable();
    });

    it('carry the active span trace and span ids, and none outside a span', () => {
      const { logger, entries } = capture();
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
      };
      const child = logger.child({ requestId: 'r-1' });
      context.with(trace.setSpan(context.active(), trace.wrapSpanContext(spanContext)), () =>
        child.info({ step: 1 }, 'inside'),
      );
      child.info('outside');
      const [inside, outside] = entries();
      expect(inside).toMatchObject({
        requestId: 'r-1',
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        step: 1,
      });
      expect(outside).toMatchObject({ requestId: 'r-1', msg: 'outside' });
      expect(outside).not.toHaveProperty('traceId');
    });
  });
});
