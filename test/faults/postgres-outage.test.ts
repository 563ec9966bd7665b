import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres, describeWithRedis } from '../support/services.js';
import { tally, unavailableOrServed, violations } from './expectations.js';
import { type FaultHub, LIMIT_MS, probeFor, recovery, startFaultHub, worst } from './fault-hub.js';

const OUTAGE_MS = 10_000;

describeWithRedis('PostgreSQL down and partitioned under a running hub (fault suite, Redis)', () => {
  describeWithPostgres('(PostgreSQL)', () => {
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
        `answers every request within 5 s while PostgreSQL is ${mode} for 10 s, then recovers by itself`,
        async () => {
          await hub.postgres.setMode(mode);
          const answers = await probeFor(hub, OUTAGE_MS);
          await hub.postgres.up();
          const recoveredMs = await recovery(hub);
          console.info(
            `PostgreSQL ${mode}: worst latency per request (ms)`,
            worst(answers),
            `recovered in ${recoveredMs} ms`,
          );
          expect(
            tally(violations(answers, LIMIT_MS, unavailableOrServed)),
            tally(answers).join('\n'),
          ).toEqual([]);
          // The outage was seen: not every answer can be a success.
          expect(
            answers.filter((answer) => answer.probe === 'readyz' && answer.status === 503).length,
          ).toBeGreaterThan(0);
        },
        OUTAGE_MS + 40_000,
      );
    }
  });
});
