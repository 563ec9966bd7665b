import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectWithCredentialsDocument, RefreshConnectionDocument } from '../../src/generated/graphql.js';
import {
  connect,
  IDP,
  type LoopbackWorld,
  MACHINE,
  registerTenant,
  startLoopbackWorld,
} from '../connections/world.js';
import { asOperator, codes } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { moved, scrape } from './scrape.js';

describeWithPostgres(
  'token refresh metrics, with the tenant label an operator opted into (PostgreSQL, oidc-provider)',
  () => {
    let world: LoopbackWorld;
    const tenant = 'refresh-metrics';

    beforeAll(async () => {
      world = await startLoopbackWorld({
        accessTokenTtlSeconds: 60,
        env: { SWITCHBOARD_METRICS_TENANT_LABEL: 'true' },
      });
      await registerTenant(world, tenant);
    });
    afterAll(async () => {
      await world?.close();
    });

    const refresh = (id: string) => world.hub.request(RefreshConnectionDocument, { id }, asOperator(tenant));

    it('counts a refresh the OAuth server granted, labelled with its tenant', async () => {
      const connectionId = await connect(world, tenant);
      const before = await scrape(world.hub);
      expect((await refresh(connectionId)).errors).toBeUndefined();
      const after = await scrape(world.hub);
      expect(
        moved(before, after, 'switchboard_token_refreshes_total', {
          provider: IDP,
          result: 'succeeded',
          tenant,
        }),
      ).toBe(1);
      expect(
        moved(before, after, 'switchboard_token_refreshes_total', { provider: IDP, result: 'failed' }),
      ).toBe(0);
      // Only the metrics the catalog marks take the tenant label.
      expect(after.find('switchboard_token_refreshes_total')[0]?.labels).toHaveProperty('tenant');
      expect(after.find('switchboard_projection_lag_events')[0]?.labels).not.toHaveProperty('tenant');
    });

    it('counts a refresh the token endpoint kept failing', async () => {
      const connected = await world.hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider: MACHINE } },
        asOperator(tenant),
      );
      expect(connected.errors).toBeUndefined();
      const before = await scrape(world.hub);
      world.tokenReplies.push(503, 503, 503, 503);
      expect(codes(await refresh(connected.data!.connectWithCredentials.id))).toEqual([
        'PROVIDER_AUTH_ERROR',
      ]);
      const after = await scrape(world.hub);
      expect(
        moved(before, after, 'switchboard_token_refreshes_total', {
          provider: MACHINE,
          result: 'failed',
          tenant,
        }),
      ).toBe(1);
      expect(
        moved(before, after, 'switchboard_token_refreshes_total', { provider: MACHINE, result: 'succeeded' }),
      ).toBe(0);
    });
  },
);
