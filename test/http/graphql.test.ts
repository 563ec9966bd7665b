import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

describeWithPostgres('GraphQL over HTTP compliance (graphql-http audits, PostgreSQL)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // Some audits query __type: introspection on, as the embedded profile has it.
    hub = await startTestHub({ env: { SWITCHBOARD_GRAPHQL_INTROSPECTION: 'true' } });
  });
  afterAll(async () => hub?.close());

  it('passes every graphql-http server audit with zero errors', async () => {
    const results = await Promise.all(serverAudits({ url: `${hub.url}/graphql` }).map((audit) => audit.fn()));
    const errors = results.filter((result) => result.status === 'error');
    expect(errors.map((error) => `${error.name}: ${'reason' in error ? error.reason : ''}`)).toEqual([]);
    const warnings = results.filter((result) => result.status === 'warn');
    expect(
      warnings.map((warning) => `${warning.name}: ${'reason' in warning ? warning.reason : ''}`),
    ).toEqual([]);
  });
});
