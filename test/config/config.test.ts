import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problems(env: NodeJS.ProcessEnv): Array<{ variable: string; message: string }> {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs embedded with no environment at all', () => {
    const config = loadConfig({});
    expect(config.profile).toBe('embedded');
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.eventStore).toEqual({ kind: 'pglite', dataDir: path.resolve('data', 'eventstore') });
    expect(config.readModels).toEqual({ kind: 'pglite', dataDir: path.resolve('data', 'readmodels') });
    expect(config.redisUrl).toBeNull();
    expect(config.publicUrl).toBe('http://127.0.0.1:4000');
  });

  it('reports every problem at once, naming each variable', () => {
    const found = problems({
      PORT: 'abc',
      EVENTSTORE_URL: 'mysql://db/x',
      DATABASE_URL: 'not a url',
      REDIS_URL: 'http://cache',
      LOG_LEVEL: 'loud',
      SWITCHBOARD_MASTER_KEY: 'short',
    });
    const byVariable = Object.fromEntries(found.map((p) => [p.variable, p.message]));
    expect(Object.keys(byVariable).sort()).toEqual(
      ['DATABASE_URL', 'EVENTSTORE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL', 'SWITCHBOARD_MASTER_KEY'].sort(),
    );
    expect(byVariable.EVENTSTORE_URL).toContain('unknown scheme "mysql:"');
    expect(byVariable.DATABASE_URL).toContain('not a valid URL');
    expect(byVariable.PORT).toContain('number');
  });

  it('never prints a password from a malformed URL', () => {
    const [problem] = problems({ DATABASE_URL: 'postgres://user:hunter2@' });
    expect(problem?.message).not.toContain('hunter2');
  });

  it('prints a readable report', () => {
    try {
      loadConfig({ EVENTSTORE_URL: 'ftp://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^Switchboard cannot start: the configuration has 1 problem\n {2}- EVENTSTORE_URL: /,
      );
    }
  });

  it('chooses the SQL store on PostgreSQL and keeps read models beside it', () => {
    const config = loadConfig({ EVENTSTORE_URL: 'postgres://db/events' });
    expect(config.profile).toBe('production');
    expect(config.eventStore).toMatchObject({ kind: 'postgres', url: 'postgres://db/events' });
    expect(config.readModels).toMatchObject({ kind: 'postgres', url: 'postgres://db/events' });
  });

  it('chooses KurrentDB for kurrentdb:// and esdb://, read models in DATABASE_URL', () => {
    const config = loadConfig({
      EVENTSTORE_URL: 'kurrentdb://es:2113?tls=false',
      DATABASE_URL: 'postgresql://db/read',
    });
    expect(config.eventStore.kind).toBe('kurrentdb');
    expect(config.readModels).toMatchObject({
      kind: 'postgres',
      url: 'postgresql://db/read',
      variable: 'DATABASE_URL',
    });
    expect(loadConfig({ EVENTSTORE_URL: 'esdb://es:2113' }).eventStore.kind).toBe('kurrentdb');
  });

  it('uses DATABASE_URL for the event store when EVENTSTORE_URL is not set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/app' }).eventStore).toMatchObject({
      kind: 'postgres',
      variable: 'DATABASE_URL',
    });
  });

  it('takes the plural operator tokens over the single one, and refuses short tokens', () => {
    const long = (c: string) => c.repeat(24);
    const config = loadConfig({
      SWITCHBOARD_OPERATOR_TOKENS: `${long('a')}, ${long('b')}`,
      SWITCHBOARD_OPERATOR_TOKEN: long('c'),
    });
    expect(config.operatorTokens).toEqual([long('a'), long('b')]);
    expect(loadConfig({ SWITCHBOARD_OPERATOR_TOKEN: long('c') }).operatorTokens).toEqual([long('c')]);
    expect(problems({ SWITCHBOARD_OPERATOR_TOKENS: 'short' })[0]?.variable).toBe(
      'SWITCHBOARD_OPERATOR_TOKENS',
    );
  });

  it('wants the OIDC issuer and audience together', () => {
    expect(problems({ SWITCHBOARD_OIDC_ISSUER: 'https://id.example.com' })[0]?.variable).toBe(
      'SWITCHBOARD_OIDC_AUDIENCE',
    );
  });

  it('reads app-level webhook secrets per provider and names a bad entry, never its secret', () => {
    expect(loadConfig({}).webhookAppSecrets).toEqual({});
    expect(
      loadConfig({
        SWITCHBOARD_WEBHOOK_SECRETS: 'github=gh-app-secret, slack=8f742231b10e8888abcd99yyyzzz85a5',
      }).webhookAppSecrets,
    ).toEqual({ github: 'gh-app-secret', slack: '8f742231b10e8888abcd99yyyzzz85a5' });
    // A secret may itself contain '=' (base64): only the first one separates.
    expect(loadConfig({ SWITCHBOARD_WEBHOOK_SECRETS: 'zoom=abc==' }).webhookAppSecrets).toEqual({
      zoom: 'abc==',
    });
    const bad = problems({ SWITCHBOARD_WEBHOOK_SECRETS: 'github=one,github=two-secret-value,slack' });
    expect(bad.map((problem) => problem.variable)).toEqual([
      'SWITCHBOARD_WEBHOOK_SECRETS',
      'SWITCHBOARD_WEBHOOK_SECRETS',
    ]);
    expect(JSON.stringify(bad)).not.toContain('two-secret-value');
    expect(loadConfig({ SWITCHBOARD_REDIS_PREFIX: 'acme:' }).redisPrefix).toBe('acme:');
  });

  it('reads the graphql-ws limits, with defaults, and refuses what is not a positive whole number', () => {
    expect(loadConfig({}).webSocket).toEqual({
      maxSubscriptions: 100,
      maxSocketsPerTenant: 50,
      maxBufferedBytes: 1024 * 1024,
    });
    expect(
      loadConfig({
        SWITCHBOARD_WS_MAX_SUBSCRIPTIONS: '10',
        SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT: '5',
        SWITCHBOARD_WS_MAX_BUFFERED_BYTES: '65536',
      }).webSocket,
    ).toEqual({ maxSubscriptions: 10, maxSocketsPerTenant: 5, maxBufferedBytes: 65536 });
    const bad = problems({
      SWITCHBOARD_WS_MAX_SUBSCRIPTIONS: '0',
      SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT: 'many',
      SWITCHBOARD_WS_MAX_BUFFERED_BYTES: '1.5',
    });
    expect(bad.map((problem) => problem.variable).sort()).toEqual([
      'SWITCHBOARD_WS_MAX_BUFFERED_BYTES',
      'SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT',
      'SWITCHBOARD_WS_MAX_SUBSCRIPTIONS',
    ]);
  });

  it('reads the global redirect allowlist: https URLs, http only on loopback, each bad entry named', () => {
    expect(loadConfig({}).redirectAllowlist).toEqual([]);
    expect(
      loadConfig({
        SWITCHBOARD_REDIRECT_ALLOWLIST: 'https://App.example.com/oauth/, http://127.0.0.1:3000/cb,,',
      }).redirectAllowlist,
    ).toEqual(['https://app.example.com/oauth', 'http://127.0.0.1:3000/cb']);
    const bad = problems({
      SWITCHBOARD_REDIRECT_ALLOWLIST: 'https://ok.example.com,http://app.example.com/cb,app.example.com',
    });
    expect(bad.map((problem) => problem.variable)).toEqual([
      'SWITCHBOARD_REDIRECT_ALLOWLIST',
      'SWITCHBOARD_REDIRECT_ALLOWLIST',
    ]);
    expect(bad[0]?.message).toContain('entry 2');
    expect(bad[1]?.message).toContain('entry 3');
  });

  it('serves introspection and GraphiQL on the embedded profile only, unless told otherwise', () => {
    const postgres = 'postgres://db.internal/switchboard';
    expect(loadConfig({}).graphqlIntrospection).toBe(true);
    expect(loadConfig({ DATABASE_URL: postgres }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ EVENTSTORE_URL: postgres }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ REDIS_URL: 'redis://cache.internal' }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: postgres, SWITCHBOARD_GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection,
    ).toBe(true);
    expect(loadConfig({ SWITCHBOARD_GRAPHQL_INTROSPECTION: 'false' }).graphqlIntrospection).toBe(false);
  });

  it('reads who may scrape /metrics: an operator by default, a token, or a loopback listener of its own', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, listener: null, tenantLabel: false });
    expect(
      loadConfig({
        SWITCHBOARD_METRICS_TOKEN: ' scraper-token-0123456789 ',
        SWITCHBOARD_METRICS_PORT: '9464',
      }).metrics,
    ).toEqual({
      token: 'scraper-token-0123456789',
      listener: { host: '127.0.0.1', port: 9464 },
      tenantLabel: false,
    });
    expect(
      loadConfig({ SWITCHBOARD_METRICS_PORT: '9464', SWITCHBOARD_METRICS_HOST: '0.0.0.0' }).metrics.listener,
    ).toEqual({ host: '0.0.0.0', port: 9464 });
    const bad = problems({
      SWITCHBOARD_METRICS_TOKEN: 'short',
      SWITCHBOARD_METRICS_PORT: '4000',
    });
    expect(Object.fromEntries(bad.map((problem) => [problem.variable, problem.message]))).toEqual({
      SWITCHBOARD_METRICS_TOKEN: 'must be at least 16 characters',
      SWITCHBOARD_METRICS_PORT: 'must differ from PORT (unset it to serve /metrics on the main port)',
    });
    expect(problems({ SWITCHBOARD_METRICS_HOST: '0.0.0.0' })).toEqual([
      { variable: 'SWITCHBOARD_METRICS_HOST', message: 'has no effect without SWITCHBOARD_METRICS_PORT' },
    ]);
  });

  it('reads the opt-in tenant label of metrics: off by default, true or false only', () => {
    expect(loadConfig({ SWITCHBOARD_METRICS_TENANT_LABEL: 'true' }).metrics.tenantLabel).toBe(true);
    expect(loadConfig({ SWITCHBOARD_METRICS_TENANT_LABEL: 'false' }).metrics.tenantLabel).toBe(false);
    expect(loadConfig({ SWITCHBOARD_METRICS_TENANT_LABEL: ' ' }).metrics.tenantLabel).toBe(false);
    expect(problems({ SWITCHBOARD_METRICS_TENANT_LABEL: 'yes' })).toEqual([
      { variable: 'SWITCHBOARD_METRICS_TENANT_LABEL', message: 'must be true or false' },
    ]);
  });

  it('reads CORS origins: none by default, exact origins only, each bad entry named', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ SWITCHBOARD_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,,' })
        .corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    const bad = problems({
      SWITCHBOARD_CORS_ORIGINS:
        'https://ok.example.com,*,https://app.example.com/,app.example.com,ftp://x.example',
    });
    expect(bad.map((problem) => problem.variable)).toEqual(Array(4).fill('SWITCHBOARD_CORS_ORIGINS'));
    expect(bad.map((problem) => problem.message)).toEqual([
      'entry 2 (*) must be an exact origin (no wildcard, no "null")',
      'entry 3 (https://app.example.com/) must be an origin alone, with no path or trailing slash (https://app.example.com)',
      'entry 4 (app.example.com) is not an origin such as https://app.example.com',
      'entry 5 (ftp://x.example) must be an http or https origin',
    ]);
  });

  it("reads the Connect page's frame ancestors: none by default, 'self' or exact origins, each bad entry named", () => {
    expect(loadConfig({}).connectFrameAncestors).toEqual([]);
    expect(
      loadConfig({ SWITCHBOARD_CONNECT_FRAME_ANCESTORS: "self, https://app.example.com,'self'" })
        .connectFrameAncestors,
    ).toEqual(["'self'", 'https://app.example.com']);
    expect(
      problems({ SWITCHBOARD_CONNECT_FRAME_ANCESTORS: "*,'none',https://app.example.com/embed" }).map(
        (problem) => problem.message,
      ),
    ).toEqual([
      'entry 1 (*) must be an exact origin (no wildcard, no "null")',
      "entry 2 ('none') is the default: leave the variable empty for 'none'",
      'entry 3 (https://app.example.com/embed) must be an origin alone, with no path or trailing slash (https://app.example.com)',
    ]);
  });

  it('bounds every dependency wait and idle connection, with defaults that fit a 5 s answer', () => {
    const config = loadConfig({});
    expect(config.timeouts).toEqual({
      databaseConnectMs: 1_500,
      databaseStatementMs: 2_000,
      redisCommandMs: 1_000,
    });
    expect(config.httpIdleTimeoutMs).toBe(10_000);
    expect(
      loadConfig({
        SWITCHBOARD_DB_CONNECT_TIMEOUT_MS: '800',
        SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS: '30000',
        SWITCHBOARD_REDIS_COMMAND_TIMEOUT_MS: '250',
        SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS: '65',
      }),
    ).toMatchObject({
      timeouts: { databaseConnectMs: 800, databaseStatementMs: 30_000, redisCommandMs: 250 },
      httpIdleTimeoutMs: 65_000,
    });
    expect(
      problems({ SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS: '0', SWITCHBOARD_REDIS_COMMAND_TIMEOUT_MS: 'soon' }),
    ).toEqual([
      { variable: 'SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS', message: 'must be positive' },
      { variable: 'SWITCHBOARD_REDIS_COMMAND_TIMEOUT_MS', message: 'must be a number' },
    ]);
  });

  it('reads per-minute request budgets; 0 turns one off', () => {
    expect(loadConfig({}).rateLimits).toEqual({ graphqlPerMinute: 300_000, webhooksPerMinute: 120_000 });
    expect(
      loadConfig({
        SWITCHBOARD_RATE_LIMIT_GRAPHQL_PER_MINUTE: '600',
        SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE: '0',
      }).rateLimits,
    ).toEqual({ graphqlPerMinute: 600, webhooksPerMinute: null });
    expect(problems({ SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE: '-1' })[0]?.variable).toBe(
      'SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE',
    );
  });
});
