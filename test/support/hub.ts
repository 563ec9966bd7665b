import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { FastifyInstance } from 'fastify';
import { type ExecutionResult, print } from 'graphql';
import type { pino } from 'pino';
import { createAppLogger } from '../../src/app/app-logger.js';
import { createApp } from '../../src/app/create-app.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import type { GraphQLLimits } from '../../src/http/graphql.js';
import { createScratchDatabase } from './services.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';
/** A fixed 32-byte master key for tests (never a real deployment's). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
/** A fixed Ed25519 seed that signs test audit seals (never a real deployment's). */
export const TEST_AUDIT_SIGNING_KEY = Buffer.alloc(32, 11).toString('base64');

export interface TestHub {
  url: string;
  wsUrl: string;
  runtime: Runtime;
  app: FastifyInstance;
  databaseUrl: string;
  /** A typed GraphQL request over real HTTP. */
  request<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables?: Variables,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<Result> & { status: number }>;
  close(): Promise<void>;
}

export interface TestHubOptions {
  env?: Record<string, string>;
  limits?: Partial<GraphQLLimits>;
  bodyLimit?: number;
  /** Listen on this port (default: a random one); for a SWITCHBOARD_PUBLIC_URL known in advance. */
  port?: number;
  /**
   * The embedded profile (PGlite) in this data directory instead of a scratch PostgreSQL database:
   * a later hub on the same directory finds the data of this one.
   */
  dataDir?: string;
  /** Receives the hub's log lines (set LOG_LEVEL in `env` to see more than nothing). */
  logDestination?: pino.DestinationStream;
  /** Adds to the app before it listens (a test route). */
  beforeListen?: (app: FastifyInstance) => void;
  /** The built browser bundles to serve (default dist/web). */
  webAssetsDir?: string;
}

/**
 * The whole hub in this process over a scratch PostgreSQL database, listening on a random
 * loopback port: tests talk to it with real HTTP and websocket clients.
 */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const database = options.dataDir ? { url: '', drop: async () => {} } : await createScratchDatabase();
  const config = loadConfig({
    ...(options.dataDir ? { DATA_DIR: options.dataDir } : { EVENTSTORE_URL: database.url }),
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
    SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    LOG_LEVEL: 'silent',
    SWITCHBOARD_STARTUP_TIMEOUT_SECONDS: '5',
    ...options.env,
  });
  const runtime = await createRuntime(
    config,
    createAppLogger(config, { destination: options.logDestination }),
  );
  const app = await createApp(runtime, {
    limits: options.limits,
    bodyLimit: options.bodyLimit,
    webAssetsDir: options.webAssetsDir,
  });
  options.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    runtime,
    app,
    databaseUrl: database.url,
    async request(document, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { ...((await response.json()) as ExecutionResult<never>), status: response.status };
    },
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

export const asOperator = (tenantId?: string): Record<string, string> => ({
  authorization: `Bearer ${OPERATOR_TOKEN}`,
  ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
});

export const bearer = (token: string, tenantId?: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
});

/** The stable error codes of a result, in order. */
export const codes = (result: ExecutionResult): string[] =>
  (result.errors ?? []).map((error) => String(error.extensions?.code));
