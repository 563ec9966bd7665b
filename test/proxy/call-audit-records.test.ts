import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { eventCatalog } from '../../src/events/catalog.js';
import { callsStream, type ProviderCallEvent } from '../../src/events/provider-call.js';
import { StreamDeletedError } from '../../src/eventstore/errors.js';
import { AuditLogDocument, StreamEventsDocument } from '../../src/generated/graphql.js';
import { verifyBodyMac } from '../../src/proxy/call-recorder.js';
import { DecryptionFailedError, TenantKeyDestroyedError } from '../../src/vault/index.js';
import { asOperator, codes, startTestHub, type TestHub } from '../support/hub.js';
import { providerCall } from '../support/provider-call.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { everyRow, findings } from '../support/table-scan.js';

const ACME = 'acme-audit';
const GLOBEX = 'globex-audit';
const DOOMED = 'doomed-audit';

/** A body as GitHub's create-issue takes it and answers it (REST docs, "Create an issue"). */
const issueRequest = (marker: string) =>
  JSON.stringify({
    title: 'Found a bug',
    body: `I'm having a problem with this. ${marker}`,
    labels: ['bug'],
  });
const issueResponse = (marker: string) =>
  JSON.stringify({
    id: 1,
    number: 1347,
    html_url: 'https://github.com/octocat/Hello-World/issues/1347',
    title: 'Found a bug',
    body: `I'm having a problem with this. ${marker}`,
  });

describeWithPostgres('provider call records: MACs, shredding, secrecy, audit reads (PostgreSQL)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
    for (const tenant of [ACME, GLOBEX, DOOMED]) await registerTenant(hub, tenant);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const lastCall = async (tenantId: string, connectionId: string): Promise<ProviderCallEvent> => {
    const events = [];
    for await (const event of hub.runtime.eventStore.readStream(callsStream(tenantId, connectionId))) {
      events.push(eventCatalog.decode(event) as ProviderCallEvent);
    }
    return events[events.length - 1]!;
  };

  it("MACs a buffered and a streamed body under the tenant's key: they verify, other bytes and other tenants do not", async () => {
    const recorder = hub.runtime.callRecorder;
    const request = Buffer.from(issueRequest('mac'));
    const response = issueResponse('mac');
    const streamed = await recorder.bodyMac(ACME);
    for (let at = 0; at < response.length; at += 17) streamed.update(response.slice(at, at + 17));
    await recorder.record(
      ACME,
      'gh-mac',
      providerCall({ method: 'POST', status: 201, requestBody: request, responseBody: streamed.digest() }),
    );
    const { data } = await lastCall(ACME, 'gh-mac');
    expect(data.request.bytes).toBe(request.length);
    expect(data.response.bytes).toBe(Buffer.byteLength(response));
    const vault = hub.runtime.vault;
    expect(await verifyBodyMac(vault, ACME, data.request.mac!, request)).toBe(true);
    expect(await verifyBodyMac(vault, ACME, data.response.mac!, response)).toBe(true);
    expect(await verifyBodyMac(vault, ACME, data.request.mac!, issueRequest('MAC'))).toBe(false);
    expect(await verifyBodyMac(vault, ACME, data.response.mac!, request)).toBe(false);
    // Another tenant cannot even derive the key: ACME's data key is refused to it.
    await expect(verifyBodyMac(vault, GLOBEX, data.request.mac!, request)).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );

    // A rotation gives new MACs a new key; the old ones still verify with theirs.
    await hub.runtime.vault.rotateTenantKey(ACME);
    await recorder.record(ACME, 'gh-mac', providerCall({ method: 'POST', requestBody: request }));
    const after = (await lastCall(ACME, 'gh-mac')).data.request.mac!;
    expect(after.keyId).not.toBe(data.request.mac!.keyId);
    expect(after.hmac).not.toBe(data.request.mac!.hmac);
    expect(await verifyBodyMac(vault, ACME, data.request.mac!, request)).toBe(true);
    expect(await verifyBodyMac(vault, ACME, after, request)).toBe(true);
  });

  it('records no body as no MAC', async () => {
    await hub.runtime.callRecorder.record(ACME, 'gh-empty', providerCall({ method: 'DELETE', status: 204 }));
    const { data } = await lastCall(ACME, 'gh-empty');
    expect(data.request).toEqual({ bytes: 0, mac: null });
    expect(data.response).toEqual({ bytes: 0, mac: null });
  });

  it('leaves MACs unverifiable and the calls stream tombstoned once the tenant is deleted', async () => {
    const body = issueRequest('doomed');
    await hub.runtime.callRecorder.record(
      DOOMED,
      'gh-doomed',
      providerCall({ method: 'POST', requestBody: body }),
    );
    const { mac } = (await lastCall(DOOMED, 'gh-doomed')).data.request;
    expect(await verifyBodyMac(hub.runtime.vault, DOOMED, mac!, body)).toBe(true);

    const deletion = await hub.runtime.connections.deleteTenant(systemCaller('test', randomUUID()), DOOMED);
    expect(deletion.streamsTombstoned).toBeGreaterThanOrEqual(2);
    await expect(verifyBodyMac(hub.runtime.vault, DOOMED, mac!, body)).rejects.toBeInstanceOf(
      TenantKeyDestroyedError,
    );
    await expect(lastCall(DOOMED, 'gh-doomed')).rejects.toBeInstanceOf(StreamDeletedError);
    // Nothing can be recorded for it any more: its MAC key cannot be derived.
    await expect(
      hub.runtime.callRecorder.record(
        DOOMED,
        'gh-doomed',
        providerCall({ method: 'POST', requestBody: body }),
      ),
    ).rejects.toBeInstanceOf(TenantKeyDestroyedError);
  });

  it('stores no token, no body and no query value anywhere in the database', async () => {
    const token = `gho_${randomUUID().replaceAll('-', '')}`;
    const bodyMarker = `body-${randomUUID()}`;
    const queryMarker = `query-${randomUUID()}`;
    const recorder = hub.runtime.callRecorder;
    await recorder.record(
      ACME,
      'gh-secrets',
      providerCall({
        method: 'PATCH',
        path: `/repos/octocat/hello-world/issues/1347?access_token=${token}&q=${queryMarker}`,
        requestBody: issueRequest(bodyMarker),
        responseBody: Buffer.from(issueResponse(bodyMarker)),
      }),
    );
    await recorder.record(
      ACME,
      'gh-secrets',
      providerCall({ path: `/search/issues?q=${queryMarker}`, responseBody: issueResponse(bodyMarker) }),
    );
    await recorder.flush();
    const { data } = await lastCall(ACME, 'gh-secrets');
    expect(data).toMatchObject({ pathTemplate: '/search/issues', queryKeys: ['q'] });
    const rows = await everyRow(hub.databaseUrl);
    expect(rows.some((row) => row.text.includes('ProviderCallRecorded'))).toBe(true);
    for (const marker of [token, bodyMarker, queryMarker]) expect(findings(rows, marker)).toEqual([]);
  });

  it("shows a tenant its calls in auditLog and streamEvents, and no other tenant's", async () => {
    await hub.runtime.callRecorder.record(ACME, 'gh-audit', providerCall({ method: 'POST', status: 201 }));
    await hub.runtime.callRecorder.record(GLOBEX, 'gh-audit', providerCall({ method: 'PUT', status: 200 }));
    await hub.runtime.callRecorder.flush();

    const mine = await hub.request(
      AuditLogDocument,
      { first: 500, types: ['ProviderCallRecorded'] },
      asOperator(ACME),
    );
    const acmeCalls = mine.data!.auditLog.edges.map((edge) => edge.node);
    expect(acmeCalls.length).toBeGreaterThan(0);
    expect(acmeCalls.every((event) => event.stream.startsWith(`calls-${ACME}.`))).toBe(true);
    expect(acmeCalls.some((event) => event.stream === callsStream(ACME, 'gh-audit'))).toBe(true);

    const theirs = await hub.request(
      AuditLogDocument,
      { first: 500, types: ['ProviderCallRecorded'] },
      asOperator(GLOBEX),
    );
    expect(
      theirs.data!.auditLog.edges.map((edge) => [
        edge.node.stream,
        (edge.node.data as { method: string }).method,
      ]),
    ).toEqual([[callsStream(GLOBEX, 'gh-audit'), 'PUT']]);

    const stream = await hub.request(
      StreamEventsDocument,
      { stream: callsStream(ACME, 'gh-audit') },
      asOperator(ACME),
    );
    expect(
      stream.data!.streamEvents.edges.map((edge) => [
        edge.node.type,
        (edge.node.data as { method: string }).method,
      ]),
    ).toEqual([['ProviderCallRecorded', 'POST']]);
    const refused = await hub.request(
      StreamEventsDocument,
      { stream: callsStream(ACME, 'gh-audit') },
      asOperator(GLOBEX),
    );
    expect(codes(refused)).toEqual(['FORBIDDEN']);
  });
});
