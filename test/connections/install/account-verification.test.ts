import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccount } from '../../../src/connections/install/account-verification.js';
import { quickbooksManifest } from '../../../src/connectors/quickbooks/manifest.js';
import { defineManifest } from '../../../src/connectors/sdk/manifest.js';
import { json, type ProviderFixture, startProviderFixture } from '../../support/provider-fixture.js';

describe("QuickBooks' account verification (Intuit company info, on a loopback fixture)", () => {
  let fixture: ProviderFixture;
  let manifest: typeof quickbooksManifest;
  beforeAll(async () => {
    fixture = await startProviderFixture();
    manifest = defineManifest({
      ...quickbooksManifest,
      api: { ...quickbooksManifest.api, baseUrl: `${fixture.origin}/v3/company/{realmId}` },
    });
  });
  afterAll(async () => fixture?.close());

  it('asks for the claimed realm with the new token and believes only the expected status', async () => {
    fixture.reply((request) =>
      request.headers.authorization === 'Bearer good-token'
        ? json(200, { CompanyInfo: { CompanyName: 'Sandbox Company_US_1', Id: '1' } })
        : json(403, { Fault: { Error: [{ Message: 'ApplicationAuthorizationFailed', code: '3100' }] } }),
    );
    const account = { fields: { realmId: '9130357992204316' } };
    expect(await verifyAccount(manifest, account, 'good-token', 5_000)).toEqual({ ok: true });
    expect(fixture.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v3/company/9130357992204316/companyinfo/9130357992204316',
      headers: { accept: 'application/json' },
    });
    expect(await verifyAccount(manifest, account, 'other-token', 5_000)).toEqual({
      ok: false,
      detail: 'the verification answered HTTP 403',
    });
  });

  it('encodes the claimed id, so a crafted realmId cannot point the check at another path', async () => {
    fixture.reply(() => json(200, {}));
    const crafted = { fields: { realmId: '111/companyinfo/111?x=' } };
    await verifyAccount(manifest, crafted, 'good-token', 5_000);
    expect(fixture.requests.map((request) => request.path)).toEqual([
      '/v3/company/111%2Fcompanyinfo%2F111%3Fx%3D/companyinfo/111%2Fcompanyinfo%2F111%3Fx%3D',
    ]);
    expect(await verifyAccount(manifest, { fields: {} }, 'good-token', 5_000)).toEqual({
      ok: false,
      detail: 'the callback carried no realmId',
    });
  });
});
