import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CurrentTenantDocument,
  DeleteTenantDocument,
  RegisterTenantDocument,
  RenameTenantDocument,
} from '../../src/generated/graphql.js';
import { asOperator, codes, startTestHub, type TestHub } from '../support/hub.js';
import {
  createScratchDatabase,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../support/services.js';

/**
 * Issue 11: each instance reads tenants through a cache of its own (tenant-directory.ts), dropped
 * by the tenants projection's change notices over Redis. A rename or a deletion made through one
 * hub is what the other answers with at once, with no TTL to wait out.
 */
describeWithPostgres('tenant reads across instances (PostgreSQL)', () => {
  describeWithRedis('two hubs, one Redis (Redis)', () => {
    let database: { url: string; drop: () => Promise<void> };
    let first: TestHub;
    let second: TestHub;

    beforeAll(async () => {
      database = await createScratchDatabase();
      const env = { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix(), EVENTSTORE_URL: database.url };
      first = await startTestHub({ env });
      second = await startTestHub({ env });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      await database?.drop();
    });

    const nameOn = async (hub: TestHub, tenantId: string) =>
      (await hub.request(CurrentTenantDocument, {}, asOperator(tenantId))).data?.tenant?.name;

    it('a rename through one hub is read on the other at once, both ways, each time', async () => {
      await first.request(RegisterTenantDocument, { input: { id: 'cached', name: 'Before' } }, asOperator());
      // Both caches hold the tenant now.
      expect(await nameOn(first, 'cached')).toBe('Before');
      expect(await nameOn(second, 'cached')).toBe('Before');
      for (let round = 0; round < 5; round++) {
        const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first];
        const name = `Renamed ${round}`;
        const renamed = await writer.request(
          RenameTenantDocument,
          { input: { id: 'cached', name } },
          asOperator(),
        );
        expect(renamed.errors).toBeUndefined();
        expect(await nameOn(reader, 'cached')).toBe(name);
        expect(await nameOn(writer, 'cached')).toBe(name);
      }
    });

    it('a tenant deleted through one hub is refused by the other at once', async () => {
      await first.request(RegisterTenantDocument, { input: { id: 'doomed', name: 'Doomed' } }, asOperator());
      expect(await nameOn(second, 'doomed')).toBe('Doomed');
      const deleted = await first.request(DeleteTenantDocument, { id: 'doomed' }, asOperator());
      expect(deleted.errors).toBeUndefined();
      const after = await second.request(CurrentTenantDocument, {}, asOperator('doomed'));
      expect(codes(after)).toEqual(['TENANT_NOT_FOUND']);
    });

    it("a cached tenant answers only its own id: another tenant's header gets another tenant's row", async () => {
      await first.request(RegisterTenantDocument, { input: { id: 'left', name: 'Left' } }, asOperator());
      await first.request(RegisterTenantDocument, { input: { id: 'right', name: 'Right' } }, asOperator());
      for (let i = 0; i < 3; i++) {
        expect(await nameOn(second, 'left')).toBe('Left');
        expect(await nameOn(second, 'right')).toBe('Right');
      }
    });
  });
});
