import { afterAll, beforeAll, expect, it } from 'vitest';
import { subscribeToSignals } from '../e2e/webhooks-live-support.js';
import { describeWithPostgres, describeWithRedis } from '../support/services.js';
import { servedWithoutRedis, tally, violations } from './expectations.js';
import { type FaultHub, LIMIT_MS, probeFor, probes, recovery, startFaultHub, worst } from './fault-hub.js';

const OUTAGE_MS = 8_000;

describeWithPostgres('Redis down and partitioned under a running hub (fault suite, PostgreSQL)', () => {
  describeWithRedis('(Redis)', () => {
    let hub: FaultHub;

    beforeAll(async () => {
      hub = await startFaultHub();
      await recovery(hub);
    });
    afterAll(async () => {
      await hub?.close();
    });

    for (const mode of ['down', 'partition'] as const) {
      it(
        `serves queries, mutations and webhook deliveries while Redis is ${mode}, /readyz degraded; live fan-out resumes after`,
        async () => {
          const subscriber = subscribeToSignals(hub.url.replace('http', 'ws') + '/graphql', hub.tenantId);
          try {
            await subscriber.ready;
            await hub.redis.setMode(mode);
            const answers = await probeFor(hub, OUTAGE_MS);
            await hub.redis.up();
            const recoveredMs = await recovery(hub);
            console.info(
              `Redis ${mode}: worst latency per request (ms)`,
              worst(answers),
              `recovered in ${recoveredMs} ms`,
            );
            expect(
              tally(violations(answers, LIMIT_MS, servedWithoutRedis)),
              tally(answers).join('\n'),
            ).toEqual([]);
            expect(answers.some((answer) => answer.probe === 'readyz' && answer.outcome === 'degraded')).toBe(
              true,
            );

            // Signals recorded from now on reach the subscriber again (its Redis subscription is back).
            await expect
              .poll(
                async () => {
                  await probes(hub).webhook();
                  return subscriber.next(1_000).then(
                    () => true,
                    () => false,
                  );
                },
                { timeout: 15_000, interval: 0 },
              )
              .toBe(true);
          } finally {
            await subscriber.close();
          }
        },
        OUTAGE_MS + 45_000,
      );
    }
  });
});
