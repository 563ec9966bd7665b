import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenFingerprint } from '../../src/auth/operator-tokens.js';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { eventCatalog } from '../../src/events/catalog.js';
import { callsStream, type ProviderCallEvent } from '../../src/events/provider-call.js';
import {
  AuditLogDocument,
  ConnectWithCredentialsDocument,
  StreamEventsDocument,
} from '../../src/generated/graphql.js';
import {
  CallAuditBacklogFullError,
  type CallAuditSlot,
  verifyBodyMac,
} from '../../src/proxy/call-recorder.js';
import { type EchoApi, startEchoApi } from '../support/fakes/echo-api.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { holdAppends } from '../support/held-appends.js';
import { asOperator, codes, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { dumpEverything, writeProvidersFile } from '../support/loopback-providers.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const ACME = 'proxy-audit-acme';
const GLOBEX = 'proxy-audit-globex';
const ECHO_KEY = 'echo_key_audit_5f4e3d2c1b0a99887766';
const GLOBEX_KEY = 'echo_key_audit_globex_00112233445566';
const MiB = 1024 * 1024;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The calls stream's records when the response headers arrived, before any body byte was read. */
  recordedAtHeaders: ProviderCallEvent[];
}

const operator = { kind: 'operator', id: tokenFingerprint(OPERATOR_TOKEN) };

describeWithPostgres(
  '/proxy audit: every call recorded, writes before the answer (PostgreSQL, loopback fakes)',
  () => {
    let hub: TestHub;
    let echo: EchoApi;
    let github: GithubApiFake;
    const ids: Record<string, string> = {};

    const records = async (tenantId: string, connectionId: string): Promise<ProviderCallEvent[]> => {
      const events: ProviderCallEvent[] = [];
      for await (const event of hub.runtime.eventStore.readStream(callsStream(tenantId, connectionId))) {
        events.push(eventCatalog.decode(event) as ProviderCallEvent);
      }
      return events;
    };

    /** The records of a connection once the batch of reads is flushed and the call's own record is in. */
    const flushedRecords = async (tenantId: string, connectionId: string, atLeast: number) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        await hub.runtime.callRecorder.flush();
        const found = await records(tenantId, connectionId);
        if (found.length >= atLeast) return found;
        if (Date.now() > deadline) throw new Error(`${atLeast} records expected, ${found.length} found`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    /** node:http, reading the calls stream as soon as the response's headers are in. */
    const call = (
      path: string,
      options: { method?: string; tenant?: string; body?: Buffer | string; connectionId?: string } = {},
    ): Promise<Answer> => {
      const tenant = options.tenant ?? ACME;
      const connectionId = options.connectionId ?? ids['echo']!;
      return new Promise((resolve, reject) => {
        const request = http.request(
          `${hub.url}/proxy/${connectionId}${path}`,
          {
            method: options.method ?? 'GET',
            headers: { ...asOperator(tenant), 'content-type': 'application/json' },
          },
          (response) => {
            response.pause();
            records(tenant, connectionId).then((recordedAtHeaders) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () =>
                resolve({
                  status: response.statusCode ?? 0,
                  headers: response.headers,
                  body: Buffer.concat(chunks),
                  recordedAtHeaders,
                }),
              );
              response.on('error', reject);
              response.resume();
            }, reject);
          },
        );
        request.on('error', reject);
        request.end(options.body);
      });
    };

    beforeAll(async () => {
      [echo, github] = await Promise.all([startEchoApi(), startGithubApiFake()]);
      github.addRepository('octocat/hello-world');
      github.seedIssues('octocat/hello-world', 3);
      const apiKey = (name: string, prefix = '') => ({
        mode: 'api_key',
        apiKey: { in: 'header', name, prefix },
      });
      const providers = await writeProvidersFile([
        {
          id: 'echo',
          displayName: 'Echo',
          categories: ['testing'],
          auth: apiKey('X-Api-Key'),
          scopes: [],
          api: { baseUrl: `${echo.origin}/v1`, allowPrivateNetwork: true },
        },
        {
          id: 'github-loopback',
          displayName: 'GitHub (loopback)',
          categories: ['testing'],
          auth: apiKey('Authorization', 'Bearer '),
          scopes: [],
          api: { ...githubManifest.api, baseUrl: github.origin, allowPrivateNetwork: true },
        },
        // Declared as a public provider would be: its loopback address is refused before any socket.
        {
          id: 'inward',
          displayName: 'Inward',
          categories: ['testing'],
          auth: apiKey('X-Api-Key'),
          scopes: [],
          api: { baseUrl: echo.origin },
        },
      ]);
      hub = await startTestHub({ env: { SWITCHBOARD_PROVIDERS_FILE: providers.path } });
      await registerTenant(hub, ACME);
      await registerTenant(hub, GLOBEX);
      const connect = async (tenant: string, provider: string, key: string) => {
        const result = await hub.request(
          ConnectWithCredentialsDocument,
          { input: { provider, credentials: { apiKey: key } } },
          asOperator(tenant),
        );
        expect(result.errors).toBeUndefined();
        return result.data!.connectWithCredentials.id;
      };
      ids['echo'] = await connect(ACME, 'echo', ECHO_KEY);
      ids['github'] = await connect(ACME, 'github-loopback', github.token);
      ids['inward'] = await connect(ACME, 'inward', ECHO_KEY);
      ids['globexEcho'] = await connect(GLOBEX, 'echo', GLOBEX_KEY);
    });
    afterAll(async () => {
      await hub?.close();
      await Promise.all([echo?.close(), github?.close()]);
    });

    it("records a proxied GET once the batch is flushed: template, query names, status, bytes, the response's MAC, the rate limit, the actor; no token", async () => {
      const answer = await call('/repos/octocat/hello-world/issues?per_page=2&state=open', {
        connectionId: ids['github'],
      });
      expect(answer.status).toBe(200);
      const [event] = await flushedRecords(ACME, ids['github']!, 1);
      expect(event!.metadata.actor).toBe(`operator:${operator.id}`);
      const { data } = event!;
      expect(data).toMatchObject({
        connectionId: ids['github'],
        provider: 'github-loopback',
        kind: 'proxy',
        actionId: null,
        method: 'GET',
        pathTemplate: '/repos/octocat/hello-world/issues',
        queryKeys: ['per_page', 'state'],
        status: 200,
        errorCode: null,
        attempts: 1,
        request: { bytes: 0, mac: null },
        actor: operator,
      });
      expect(data.response.bytes).toBe(answer.body.length);
      expect(await verifyBodyMac(hub.runtime.vault, ACME, data.response.mac!, answer.body)).toBe(true);
      expect(data.rateLimit?.remaining).toBe(Number(answer.headers['x-ratelimit-remaining']));
      expect(data.rateLimit?.resetAt).toBe(
        new Date(Number(answer.headers['x-ratelimit-reset']) * 1000).toISOString(),
      );
      expect(data.durationMs.total).toBeGreaterThanOrEqual(data.durationMs.provider);
      expect(JSON.stringify([event!.data, event!.metadata])).not.toContain(github.token);
    });

    it("has a POST's record on the log before its response arrives: held appends hold the answer", async () => {
      const { held, release, restore } = holdAppends(hub.runtime.eventStore, 'calls-');
      const body = JSON.stringify({ title: 'Found a bug', body: "I'm having a problem with this." });
      let answered = false;
      try {
        const pending = call('/echo/items/1347/comments', { method: 'POST', body }).then((answer) => {
          answered = true;
          return answer;
        });
        const deadline = Date.now() + 5_000;
        while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(held).toEqual([callsStream(ACME, ids['echo']!)]);
        // The provider has answered and the hub holds its answer: it is waiting on the record.
        expect(echo.received.at(-1)?.body).toBe(body);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(answered).toBe(false);
        release();
        const answer = await pending;
        expect(answer.status).toBe(200);
        const recorded = answer.recordedAtHeaders.at(-1)!.data;
        expect(recorded).toMatchObject({
          method: 'POST',
          pathTemplate: '/echo/items/{id}/comments',
          status: 200,
          request: { bytes: Buffer.byteLength(body) },
          response: { bytes: answer.body.length },
        });
        const { vault } = hub.runtime;
        expect(await verifyBodyMac(vault, ACME, recorded.request.mac!, body)).toBe(true);
        expect(await verifyBodyMac(vault, ACME, recorded.response.mac!, answer.body)).toBe(true);
        // The echo's answer repeats the injected key: the record keeps its MAC, never the bytes.
        expect(answer.body.toString()).toContain(ECHO_KEY);
        expect(
          JSON.stringify(answer.recordedAtHeaders.map((event) => [event.data, event.metadata])),
        ).not.toContain(ECHO_KEY);
      } finally {
        restore();
      }
    });

    it('answers a write whose response is larger than the memory buffer only after its record, with every byte', async () => {
      const size = 3 * MiB;
      const answer = await call(`/bytes/${size}`, { method: 'POST' });
      expect(answer.status).toBe(200);
      expect(answer.body.equals(Buffer.alloc(size, 'x'))).toBe(true);
      const recorded = answer.recordedAtHeaders.at(-1)!.data;
      expect(recorded).toMatchObject({
        method: 'POST',
        pathTemplate: '/bytes/{id}',
        response: { bytes: size },
      });
      expect(await verifyBodyMac(hub.runtime.vault, ACME, recorded.response.mac!, answer.body)).toBe(true);
    });

    it('MACs a streamed upload over the bytes forwarded', async () => {
      const upload = Buffer.alloc(2 * MiB + 17, 'u');
      upload.write('first bytes differ', 0);
      const answer = await new Promise<{ status: number }>((resolve, reject) => {
        const request = http.request(
          `${hub.url}/proxy/${ids['echo']}/echo/upload`,
          { method: 'PUT', headers: { ...asOperator(ACME), 'content-type': 'application/octet-stream' } },
          (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          },
        );
        request.on('error', reject);
        // Chunked, with no Content-Length: the proxy streams it on instead of buffering it.
        for (let at = 0; at < upload.length; at += 256 * 1024)
          request.write(upload.subarray(at, at + 256 * 1024));
        request.end();
      });
      expect(answer.status).toBe(200);
      expect(echo.received.at(-1)?.bodyBytes).toBe(upload.length);
      const recorded = (await records(ACME, ids['echo']!)).at(-1)!.data;
      expect(recorded).toMatchObject({ method: 'PUT', request: { bytes: upload.length } });
      const { vault } = hub.runtime;
      expect(await verifyBodyMac(vault, ACME, recorded.request.mac!, upload)).toBe(true);
      expect(await verifyBodyMac(vault, ACME, recorded.request.mac!, Buffer.alloc(upload.length, 'u'))).toBe(
        false,
      );
    });

    it('MACs a streamed 5 MB response as it passes: the record verifies against those bytes only', async () => {
      const size = 5 * MiB;
      const answer = await call(`/bytes/${size}`);
      expect(answer.body.length).toBe(size);
      const recorded = (await flushedRecords(ACME, ids['echo']!, 1))
        .map((event) => event.data)
        .filter((data) => data.method === 'GET' && data.response.bytes === size);
      expect(recorded).toHaveLength(1);
      const { vault } = hub.runtime;
      expect(await verifyBodyMac(vault, ACME, recorded[0]!.response.mac!, answer.body)).toBe(true);
      const altered = Buffer.from(answer.body);
      altered[size - 1] = 'y'.charCodeAt(0);
      expect(await verifyBodyMac(vault, ACME, recorded[0]!.response.mac!, altered)).toBe(false);
    });

    it('refuses a read with 503 AUDIT_BACKLOG_FULL before any provider request while the backlog is full; writes are still appended at once', async () => {
      const recorder = hub.runtime.callRecorder;
      await recorder.flush();
      const slots: CallAuditSlot[] = [];
      try {
        for (;;) slots.push(recorder.reserve({ kind: 'proxy', method: 'GET' }));
      } catch (error) {
        expect(error).toBeInstanceOf(CallAuditBacklogFullError);
      }
      expect(slots.length).toBeGreaterThan(0);
      const before = { received: echo.received.length, connections: echo.connections };
      try {
        const refused = await call('/echo/items');
        expect(refused.status).toBe(503);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(JSON.parse(refused.body.toString())).toMatchObject({ code: 'AUDIT_BACKLOG_FULL' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(echo.received.length).toBe(before.received);
        expect(echo.connections).toBe(before.connections);

        const write = await call('/echo/items', { method: 'POST', body: '{"name":"widget"}' });
        expect(write.status).toBe(200);
        expect(write.recordedAtHeaders.at(-1)?.data).toMatchObject({ method: 'POST', status: 200 });
      } finally {
        for (const slot of slots) slot.release();
      }
      const served = await call('/echo/items');
      expect(served.status).toBe(200);
    });

    it('records a call refused or broken off, and gives every reserved place back', async () => {
      const refused = await call('/echo/x', { connectionId: ids['inward'] });
      expect(refused.status).toBe(502);
      const [inward] = await flushedRecords(ACME, ids['inward']!, 1);
      expect(inward!.data).toMatchObject({ status: null, errorCode: 'PROXY_PATH_REFUSED', attempts: 0 });

      const before = (await flushedRecords(ACME, ids['echo']!, 1)).length;
      await new Promise<void>((resolve, reject) => {
        http
          .get(
            `${hub.url}/proxy/${ids['echo']}/bytes/${50 * MiB}`,
            { headers: asOperator(ACME) },
            (response) => {
              let bytes = 0;
              response.on('data', (chunk: Buffer) => {
                bytes += chunk.length;
                if (bytes > MiB) response.destroy();
              });
              response.on('close', resolve);
            },
          )
          .on('error', reject);
      });
      const aborted = (await flushedRecords(ACME, ids['echo']!, before + 1)).at(-1)!.data;
      expect(aborted).toMatchObject({ method: 'GET', status: 200, errorCode: 'CALLER_ABORTED' });
      expect(aborted.response.bytes).toBeLessThan(50 * MiB);
      await hub.runtime.callRecorder.flush();
      expect(hub.runtime.callRecorder.pending).toBe(0);
    });

    it("shows a tenant its proxy calls in auditLog and streamEvents, and no other tenant's; no key anywhere", async () => {
      expect((await call('/echo/globex', { tenant: GLOBEX, connectionId: ids['globexEcho'] })).status).toBe(
        200,
      );
      await flushedRecords(GLOBEX, ids['globexEcho']!, 1);
      const log = async (tenant: string) => {
        const result = await hub.request(
          AuditLogDocument,
          { first: 500, types: ['ProviderCallRecorded'] },
          asOperator(tenant),
        );
        expect(result.errors).toBeUndefined();
        return result.data!.auditLog.edges.map((edge) => edge.node);
      };
      const acme = await log(ACME);
      expect(acme.length).toBeGreaterThan(3);
      expect(acme.every((event) => event.stream.startsWith(`calls-${ACME}.`))).toBe(true);
      expect(new Set(acme.map((event) => event.stream))).toContain(callsStream(ACME, ids['echo']!));
      const globex = await log(GLOBEX);
      expect(
        globex.map((event) => [event.stream, (event.data as { pathTemplate: string }).pathTemplate]),
      ).toEqual([[callsStream(GLOBEX, ids['globexEcho']!), '/echo/globex']]);
      const refused = await hub.request(
        StreamEventsDocument,
        { stream: callsStream(ACME, ids['echo']!) },
        asOperator(GLOBEX),
      );
      expect(codes(refused)).toEqual(['FORBIDDEN']);

      const everything = await dumpEverything(hub.databaseUrl, hub.runtime.eventStore);
      for (const secret of [ECHO_KEY, GLOBEX_KEY, github.token, OPERATOR_TOKEN])
        expect(everything).not.toContain(secret);
    });
  },
);
