import { afterAll, beforeAll, expect, it } from 'vitest';
import { UNAVAILABLE_MESSAGE } from '../../src/http/graphql-errors.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { createScratchDatabase, describeWithPostgres, POSTGRES_URL } from '../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';

const TENANT = 'outage-a';

describeWithPostgres('GraphQL while PostgreSQL is unreachable (PostgreSQL)', () => {
  let forwarder: TcpForwarder;
  let database: { url: string; drop: () => Promise<void> };
  let hub: TestHub;

  const ask = async (query: string) => {
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asOperator(TENANT) },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: JSON.parse(text) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions: { code: string } }>;
      },
    };
  };

  beforeAll(async () => {
    const postgres = new URL(POSTGRES_URL);
    forwarder = await startTcpForwarder({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    database = await createScratchDatabase();
    const proxied = new URL(database.url);
    proxied.port = String(forwarder.port);
    // Event store and read models both behind the forwarder.
    hub = await startTestHub({ env: { EVENTSTORE_URL: proxied.toString() } });
    await registerTenant(hub, TENANT);
  });
  afterAll(async () => {
    await forwarder?.up();
    await hub?.close();
    await forwarder?.close();
    await database?.drop();
  });

  it('answers SERVICE_UNAVAILABLE with a safe message, not INTERNAL_SERVER_ERROR, and recovers by itself', async () => {
    expect((await ask('{ auditLog(first: 1) { edges { cursor } } }')).body.errors).toBeUndefined();
    await forwarder.down();

    // The event store (a DependencyError from the SQL store), the read models (Prisma), a mutation.
    for (const query of [
      '{ auditLog(first: 1) { edges { cursor } } }',
      '{ connections(first: 1) { edges { cursor } } }',
      `mutation { renameTenant(input: { id: "${TENANT}", name: "Renamed" }) { id } }`,
    ]) {
      const answer = await ask(query);
      expect(
        answer.body.errors?.map((error) => error.extensions.code),
        query,
      ).toEqual(['SERVICE_UNAVAILABLE']);
      expect(answer.body.errors?.[0]?.message).toBe(UNAVAILABLE_MESSAGE);
      expect(answer.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|prisma|postgres/i);
    }

    await forwarder.up();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      recovered = (await ask('{ connections(first: 1) { edges { cursor } } }')).body.errors === undefined;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
  });
});
