import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

const scrape = (base: string, token?: string) =>
  fetch(`${base}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

/** A port nobody listens on right now, for a listener whose address the test must know. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function expectRefused(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status });
  expect(JSON.stringify(body)).not.toContain('switchboard_');
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

async function expectMetrics(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  expect(await response.text()).toContain('switchboard_process_cpu_user_seconds_total');
}

describeWithPostgres('/metrics is never public (PostgreSQL)', () => {
  describe('with neither a metrics token nor a metrics port', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('answers an operator token, and 401 problem+json to anyone else', async () => {
      await expectRefused(await scrape(hub.url), 401);
      await expectRefused(await scrape(hub.url, 'not-an-operator-token-at-all'), 401);
      await expectMetrics(await scrape(hub.url, OPERATOR_TOKEN));
    });
  });

  describe('with SWITCHBOARD_METRICS_TOKEN', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ env: { SWITCHBOARD_METRICS_TOKEN: METRICS_TOKEN } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('answers that token only', async () => {
      await expectRefused(await scrape(hub.url), 401);
      await expectRefused(await scrape(hub.url, `${METRICS_TOKEN}x`), 401);
      await expectRefused(await scrape(hub.url, OPERATOR_TOKEN), 401);
      await expectMetrics(await scrape(hub.url, METRICS_TOKEN));
    });
  });

  describe('with SWITCHBOARD_METRICS_PORT', () => {
    let hub: TestHub;
    let metricsPort: number;
    beforeAll(async () => {
      metricsPort = await freePort();
      hub = await startTestHub({ env: { SWITCHBOARD_METRICS_PORT: String(metricsPort) } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('serves /metrics on its own loopback listener, and not on the main port', async () => {
      await expectMetrics(await scrape(`http://127.0.0.1:${metricsPort}`));
      await expectRefused(await scrape(hub.url, OPERATOR_TOKEN), 404);
      // The listener serves metrics and nothing else.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/graphql`)).status).toBe(404);
    });

    it('closes the listener with the hub', async () => {
      await hub.close();
      await expect(scrape(`http://127.0.0.1:${metricsPort}`)).rejects.toThrow();
      hub = undefined as unknown as TestHub;
    });
  });
});
