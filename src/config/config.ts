import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TIMEOUTS, type DependencyTimeouts } from '../platform/timeouts.js';
import { allowlistEntryProblem, normalizeAllowlistEntry } from '../shared/redirect-allowlist.js';
import { parseAuditSigningKey } from './audit-signing-key.js';
import { frameAncestorProblem, originProblem } from './origins.js';
import { parseTracingConfig, type TracingConfig } from './tracing.js';

/**
 * The only reader of process.env. Every variable is validated at once and every problem is
 * reported together, naming the variable, so an operator fixes the configuration in one go.
 * Names are a contract (ARCHITECTURE.md); the README's table documents them.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const EVENTSTORE_SCHEMES = [
  'kurrentdb:',
  'kurrentdb+discover:',
  'esdb:',
  'esdb+discover:',
  'postgres:',
  'postgresql:',
];
const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];
const REDIS_SCHEMES = ['redis:', 'rediss:'];

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

function urlWithScheme(schemes: string[]) {
  return z.preprocess(
    blankAsUndefined,
    z
      .string()
      .superRefine((value, context) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          context.addIssue({ code: 'custom', message: `is not a valid URL (got ${redactUrl(value)})` });
          return;
        }
        if (!schemes.includes(url.protocol)) {
          context.addIssue({
            code: 'custom',
            message: `has an unknown scheme "${url.protocol}" (expected ${schemes.map((s) => `${s}//`).join(', ')})`,
          });
        } else if (!url.hostname) {
          context.addIssue({ code: 'custom', message: 'names no host' });
        }
      })
      .optional(),
  );
}

const portNumber = z.coerce
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');
const port = z.preprocess(blankAsUndefined, portNumber.default(4000));

/** Requests per minute; null: no limit. Above what one instance serves, so they stop runaways, not load. */
export interface RateLimits {
  /** Per tenant (else per caller) on /graphql. */
  graphqlPerMinute: number | null;
  /** Per webhook connection (per provider for app-level deliveries) on /webhooks. */
  webhooksPerMinute: number | null;
}

/** The sync engine on this instance. */
export interface SyncSettings {
  /** Runs this instance executes at once; 0: it only schedules (and serves reads). */
  workers: number;
  /** A run whose worker stops renewing its lease is resumed elsewhere after this long. */
  leaseTtlMs: number;
}

export interface AuditSettings {
  /** SWITCHBOARD_AUDIT_SIGNING_KEY as given (validated); null: generated in DATA_DIR when embedded. */
  signingKey: string | null;
  /** A seal at least this often while events arrive ... */
  sealEveryMs: number;
  /** ... and as soon as this many events are unsealed. */
  sealEveryEvents: number;
}

/** Names what is wrong with the key without ever repeating it. */
function auditSigningKeyProblem(value: string, context: z.RefinementCtx) {
  try {
    parseAuditSigningKey(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
}

export const DEFAULT_RATE_LIMITS = { graphqlPerMinute: 300_000, webhooksPerMinute: 120_000 };

function positiveInteger(fallback: number) {
  return z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .positive('must be positive')
      .default(fallback),
  );
}

// A budget per minute; 0 turns the limit off.
function perMinute(fallback: number) {
  return z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(0, 'must be 0 (no limit) or more')
      .default(fallback),
  );
}

const tokenList = z.preprocess(
  blankAsUndefined,
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((token) => token.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(16, 'each operator token must be at least 16 characters')))
    .optional(),
);

const isMasterKey = (value: string) => Buffer.from(value.trim(), 'base64').length === 32;

// Retired-but-still-readable master keys, for rotation. Messages name the entry, never its value.
const masterKeyList = z.preprocess(
  blankAsUndefined,
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .superRefine((keys, context) => {
      keys.forEach((key, index) => {
        if (!isMasterKey(key))
          context.addIssue({
            code: 'custom',
            message: `entry ${index + 1} must be 32 bytes, base64-encoded`,
          });
      });
    })
    .optional(),
);

// `github=<secret>,slack=<secret>`: one app-level webhook secret per provider. Messages name the
// entry, never the secret.
const webhookSecrets = z.preprocess(
  blankAsUndefined,
  z
    .string()
    .transform((value, context) => {
      const secrets: Record<string, string> = {};
      value.split(',').forEach((entry, index) => {
        const at = entry.indexOf('=');
        const provider = entry.slice(0, at).trim();
        const secret = entry.slice(at + 1).trim();
        if (at <= 0 || secret === '' || provider in secrets) {
          context.addIssue({
            code: 'custom',
            message: `entry ${index + 1} must be <provider>=<secret>, one per provider`,
          });
        } else secrets[provider] = secret;
      });
      return secrets;
    })
    .optional(),
);

/**
 * A comma-separated list whose entries are each checked (`problemOf`) and kept as `keep` makes
 * them; every wrong entry is named, with its place in the list.
 */
const checkedList = (problemOf: (entry: string) => string | null, keep: (entry: string) => string) =>
  z.preprocess(
    blankAsUndefined,
    z
      .string()
      .transform((value, context) =>
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .flatMap((entry, index) => {
            const problem = problemOf(entry);
            if (problem === null) return [keep(entry)];
            context.addIssue({ code: 'custom', message: `entry ${index + 1} (${entry}) ${problem}` });
            return [];
          }),
      )
      .optional(),
  );

// Where OAuth callbacks may send users, for every tenant: origin + path prefix per entry.
const redirectAllowlist = checkedList(allowlistEntryProblem, normalizeAllowlistEntry);

// Who may frame the Connect page: 'self' or exact origins (CSP frame-ancestors); none by default.
const frameAncestors = checkedList(frameAncestorProblem, (entry) =>
  entry === "'self'" || entry === 'self' ? "'self'" : entry,
);

// Browser origins allowed to call /graphql cross-origin; each an exact origin, named when wrong.
const corsOrigins = checkedList(originProblem, (entry) => entry);

const envSchema = z
  .object({
    PORT: port,
    HOST: z.preprocess(blankAsUndefined, z.string().default('127.0.0.1')),
    DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('./data')),
    EVENTSTORE_URL: urlWithScheme(EVENTSTORE_SCHEMES),
    DATABASE_URL: urlWithScheme(POSTGRES_SCHEMES),
    REDIS_URL: urlWithScheme(REDIS_SCHEMES),
    SWITCHBOARD_REDIS_PREFIX: z.preprocess(blankAsUndefined, z.string().default('switchboard:')),
    SWITCHBOARD_OPERATOR_TOKENS: tokenList,
    SWITCHBOARD_OPERATOR_TOKEN: tokenList,
    SWITCHBOARD_OIDC_ISSUER: urlWithScheme(['https:', 'http:']),
    SWITCHBOARD_OIDC_AUDIENCE: z.preprocess(blankAsUndefined, z.string().optional()),
    SWITCHBOARD_CONSOLE_OIDC_CLIENT_ID: z.preprocess(blankAsUndefined, z.string().optional()),
    SWITCHBOARD_MASTER_KEY: z.preprocess(
      blankAsUndefined,
      z.string().refine(isMasterKey, 'must be 32 bytes, base64-encoded').optional(),
    ),
    SWITCHBOARD_MASTER_KEYS_PREVIOUS: masterKeyList,
    SWITCHBOARD_PUBLIC_URL: urlWithScheme(['https:', 'http:']),
    SWITCHBOARD_PROVIDERS_FILE: z.preprocess(blankAsUndefined, z.string().optional()),
    SWITCHBOARD_WEBHOOK_SECRETS: webhookSecrets,
    SWITCHBOARD_REDIRECT_ALLOWLIST: redirectAllowlist,
    SWITCHBOARD_CORS_ORIGINS: corsOrigins,
    SWITCHBOARD_CONNECT_FRAME_ANCESTORS: frameAncestors,
    SWITCHBOARD_METRICS_TOKEN: z.preprocess(
      blankAsUndefined,
      z.string().trim().min(16, 'must be at least 16 characters').optional(),
    ),
    SWITCHBOARD_METRICS_PORT: z.preprocess(blankAsUndefined, portNumber.optional()),
    SWITCHBOARD_METRICS_HOST: z.preprocess(blankAsUndefined, z.string().optional()),
    SWITCHBOARD_METRICS_TENANT_LABEL: z.preprocess(
      blankAsUndefined,
      z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
    ),
    LOG_LEVEL: z.preprocess(
      blankAsUndefined,
      z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
    NODE_ENV: z.preprocess(
      blankAsUndefined,
      z.enum(['development', 'production', 'test']).default('development'),
    ),
    SWITCHBOARD_GRAPHQL_INTROSPECTION: z.preprocess(
      blankAsUndefined,
      z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
    ),
    SWITCHBOARD_WS_MAX_SUBSCRIPTIONS: positiveInteger(100),
    SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT: positiveInteger(50),
    SWITCHBOARD_WS_MAX_BUFFERED_BYTES: positiveInteger(1024 * 1024),
    SWITCHBOARD_STARTUP_TIMEOUT_SECONDS: z.preprocess(
      blankAsUndefined,
      z.coerce.number({ message: 'must be a number' }).positive('must be positive').default(30),
    ),
    SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS: positiveInteger(10),
    SWITCHBOARD_DB_CONNECT_TIMEOUT_MS: positiveInteger(DEFAULT_TIMEOUTS.databaseConnectMs),
    SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS: positiveInteger(DEFAULT_TIMEOUTS.databaseStatementMs),
    SWITCHBOARD_REDIS_COMMAND_TIMEOUT_MS: positiveInteger(DEFAULT_TIMEOUTS.redisCommandMs),
    SWITCHBOARD_RATE_LIMIT_GRAPHQL_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.graphqlPerMinute),
    SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE: perMinute(DEFAULT_RATE_LIMITS.webhooksPerMinute),
    SWITCHBOARD_SYNC_WORKERS: z.preprocess(
      blankAsUndefined,
      z.coerce
        .number({ message: 'must be a number' })
        .int('must be an integer')
        .min(0, 'must be 0 (no sync worker on this instance) or more')
        .default(4),
    ),
    SWITCHBOARD_SYNC_LEASE_TTL_SECONDS: positiveInteger(15),
    SWITCHBOARD_AUDIT_SIGNING_KEY: z.preprocess(
      blankAsUndefined,
      z.string().superRefine(auditSigningKeyProblem).optional(),
    ),
    SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS: positiveInteger(60),
    SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: positiveInteger(10_000),
  })
  .superRefine((env, context) => {
    if (env.SWITCHBOARD_METRICS_HOST !== undefined && env.SWITCHBOARD_METRICS_PORT === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['SWITCHBOARD_METRICS_HOST'],
        message: 'has no effect without SWITCHBOARD_METRICS_PORT',
      });
    }
    if (env.SWITCHBOARD_METRICS_PORT && env.SWITCHBOARD_METRICS_PORT === env.PORT) {
      context.addIssue({
        code: 'custom',
        path: ['SWITCHBOARD_METRICS_PORT'],
        message: 'must differ from PORT (unset it to serve /metrics on the main port)',
      });
    }
    if (Boolean(env.SWITCHBOARD_OIDC_ISSUER) !== Boolean(env.SWITCHBOARD_OIDC_AUDIENCE)) {
      context.addIssue({
        code: 'custom',
        path: [env.SWITCHBOARD_OIDC_ISSUER ? 'SWITCHBOARD_OIDC_AUDIENCE' : 'SWITCHBOARD_OIDC_ISSUER'],
        message: 'SWITCHBOARD_OIDC_ISSUER and SWITCHBOARD_OIDC_AUDIENCE are set together or not at all',
      });
    }
  });

export type EventStoreConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; variable: 'EVENTSTORE_URL' | 'DATABASE_URL' }
  | { kind: 'kurrentdb'; url: string };

export type ReadModelConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; variable: 'EVENTSTORE_URL' | 'DATABASE_URL' };

export interface Config {
  profile: 'embedded' | 'production';
  port: number;
  host: string;
  dataDir: string;
  eventStore: EventStoreConfig;
  readModels: ReadModelConfig;
  redisUrl: string | null;
  /** Namespace of every Redis key and channel: deployments (and test runs) sharing a Redis keep apart. */
  redisPrefix: string;
  operatorTokens: string[];
  oidc: { issuer: string; audience: string } | null;
  /** The operator console's OIDC client id (a public client, PKCE); the audience when unset. */
  consoleOidcClientId: string | null;
  masterKey: Buffer | null;
  /** Older master keys that still unwrap data keys until an operator retires them (after rewrapAll). */
  previousMasterKeys: Buffer[];
  publicUrl: string;
  providersFile: string | null;
  /** App-level webhook secrets by provider (GitHub App webhook secret, Slack signing secret). */
  webhookAppSecrets: Record<string, string>;
  /** Normalized entries (origin + path prefix) every tenant's OAuth redirectUri may match. */
  redirectAllowlist: string[];
  /** Origins browsers may call /graphql from (never with credentials); empty: no CORS at all. */
  corsOrigins: string[];
  /** CSP frame-ancestors of the Connect pages ('self' or origins); empty: nobody may frame them. */
  connectFrameAncestors: string[];
  /**
   * Who may read /metrics: with a listener of its own, whoever reaches it (and holds the token when
   * one is set); on the main port, the holder of the token, else of an operator token.
   */
  metrics: {
    token: string | null;
    listener: { host: string; port: number } | null;
    /**
     * A `tenant` label on the metrics the catalog marks (observability/metrics/catalog.ts): off by
     * default, since every tenant multiplies those series for every scraper.
     */
    tenantLabel: boolean;
  };
  logLevel: (typeof LOG_LEVELS)[number];
  nodeEnv: 'development' | 'production' | 'test';
  startupTimeoutMs: number;
  /**
   * Introspection and GraphiQL: on for the embedded profile (development) unless turned off; off on
   * the production profile or with NODE_ENV=production unless turned on.
   */
  graphqlIntrospection: boolean;
  /** graphql-ws limits: operations per socket, sockets per tenant (per instance), unsent bytes per socket. */
  webSocket: { maxSubscriptions: number; maxSocketsPerTenant: number; maxBufferedBytes: number };
  timeouts: DependencyTimeouts;
  /** Audit seals over the log (src/audit). */
  audit: AuditSettings;
  /** A connection that sends no request within this is closed (first request, or next on keep-alive). */
  httpIdleTimeoutMs: number;
  rateLimits: RateLimits;
  sync: SyncSettings;
  /** OpenTelemetry tracing, from the standard OTEL_* variables (tracing.ts). */
  tracing: TracingConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(
      `Switchboard cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((problem) => `  - ${problem.variable}: ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const tracing = parseTracingConfig(env);
  if (!parsed.success || !tracing.ok) {
    throw new ConfigError([
      ...(parsed.error?.issues ?? []).map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
      ...(tracing.ok ? [] : tracing.problems),
    ]);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const eventStoreUrl = e.EVENTSTORE_URL ?? e.DATABASE_URL;
  const eventStore: EventStoreConfig = !eventStoreUrl
    ? { kind: 'pglite', dataDir: path.join(dataDir, 'eventstore') }
    : POSTGRES_SCHEMES.includes(new URL(eventStoreUrl).protocol)
      ? {
          kind: 'postgres',
          url: eventStoreUrl,
          variable: e.EVENTSTORE_URL ? 'EVENTSTORE_URL' : 'DATABASE_URL',
        }
      : { kind: 'kurrentdb', url: eventStoreUrl };
  // Read models live in DATABASE_URL; without it, beside a PostgreSQL event store; else embedded.
  const readModels: ReadModelConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, variable: 'DATABASE_URL' }
    : eventStore.kind === 'postgres'
      ? { kind: 'postgres', url: eventStore.url, variable: eventStore.variable }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'readmodels') };
  const production = eventStore.kind !== 'pglite' || readModels.kind !== 'pglite' || Boolean(e.REDIS_URL);
  return {
    profile: production ? 'production' : 'embedded',
    port: e.PORT,
    host: e.HOST,
    dataDir,
    eventStore,
    readModels,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.SWITCHBOARD_REDIS_PREFIX,
    // The plural wins when both are set.
    operatorTokens: e.SWITCHBOARD_OPERATOR_TOKENS ?? e.SWITCHBOARD_OPERATOR_TOKEN ?? [],
    oidc:
      e.SWITCHBOARD_OIDC_ISSUER && e.SWITCHBOARD_OIDC_AUDIENCE
        ? { issuer: e.SWITCHBOARD_OIDC_ISSUER, audience: e.SWITCHBOARD_OIDC_AUDIENCE }
        : null,
    consoleOidcClientId: e.SWITCHBOARD_CONSOLE_OIDC_CLIENT_ID ?? null,
    masterKey: e.SWITCHBOARD_MASTER_KEY ? Buffer.from(e.SWITCHBOARD_MASTER_KEY, 'base64') : null,
    previousMasterKeys: (e.SWITCHBOARD_MASTER_KEYS_PREVIOUS ?? []).map((key) => Buffer.from(key, 'base64')),
    publicUrl: (e.SWITCHBOARD_PUBLIC_URL ?? `http://${displayHost(e.HOST)}:${e.PORT}`).replace(/\/+$/, ''),
    providersFile: e.SWITCHBOARD_PROVIDERS_FILE ? path.resolve(e.SWITCHBOARD_PROVIDERS_FILE) : null,
    webhookAppSecrets: e.SWITCHBOARD_WEBHOOK_SECRETS ?? {},
    redirectAllowlist: [...new Set(e.SWITCHBOARD_REDIRECT_ALLOWLIST ?? [])],
    corsOrigins: [...new Set(e.SWITCHBOARD_CORS_ORIGINS ?? [])],
    connectFrameAncestors: [...new Set(e.SWITCHBOARD_CONNECT_FRAME_ANCESTORS ?? [])],
    metrics: {
      token: e.SWITCHBOARD_METRICS_TOKEN ?? null,
      listener:
        e.SWITCHBOARD_METRICS_PORT === undefined
          ? null
          : { host: e.SWITCHBOARD_METRICS_HOST ?? '127.0.0.1', port: e.SWITCHBOARD_METRICS_PORT },
      tenantLabel: e.SWITCHBOARD_METRICS_TENANT_LABEL === 'true',
    },
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
    startupTimeoutMs: e.SWITCHBOARD_STARTUP_TIMEOUT_SECONDS * 1000,
    // A deployment on PostgreSQL or Redis is production whatever NODE_ENV says (often unset there).
    graphqlIntrospection: e.SWITCHBOARD_GRAPHQL_INTROSPECTION
      ? e.SWITCHBOARD_GRAPHQL_INTROSPECTION === 'true'
      : !production && e.NODE_ENV !== 'production',
    webSocket: {
      maxSubscriptions: e.SWITCHBOARD_WS_MAX_SUBSCRIPTIONS,
      maxSocketsPerTenant: e.SWITCHBOARD_WS_MAX_SOCKETS_PER_TENANT,
      maxBufferedBytes: e.SWITCHBOARD_WS_MAX_BUFFERED_BYTES,
    },
    timeouts: {
      databaseConnectMs: e.SWITCHBOARD_DB_CONNECT_TIMEOUT_MS,
      databaseStatementMs: e.SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS,
      redisCommandMs: e.SWITCHBOARD_REDIS_COMMAND_TIMEOUT_MS,
    },
    httpIdleTimeoutMs: e.SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS * 1000,
    rateLimits: {
      graphqlPerMinute: e.SWITCHBOARD_RATE_LIMIT_GRAPHQL_PER_MINUTE || null,
      webhooksPerMinute: e.SWITCHBOARD_RATE_LIMIT_WEBHOOKS_PER_MINUTE || null,
    },
    tracing: tracing.tracing,
    sync: { workers: e.SWITCHBOARD_SYNC_WORKERS, leaseTtlMs: e.SWITCHBOARD_SYNC_LEASE_TTL_SECONDS * 1000 },
    audit: {
      signingKey: e.SWITCHBOARD_AUDIT_SIGNING_KEY ?? null,
      sealEveryMs: e.SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS * 1000,
      sealEveryEvents: e.SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS,
    },
  };
}

const displayHost = (host: string) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);

/** A URL safe to print: the password is replaced. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
