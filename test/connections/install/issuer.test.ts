import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectionStream } from '../../../src/events/connection.js';
import { CompleteConnectionDocument, ConnectionDocument } from '../../../src/generated/graphql.js';
import { asOperator, codes } from '../../support/hub.js';
import { describeWithPostgres } from '../../support/services.js';
import {
  authorize,
  followCallback,
  IDP,
  type LoopbackWorld,
  PLAIN_IDP,
  registerTenant,
  startLoopbackWorld,
  UNDECLARED_IDP,
} from '../world.js';

/**
 * RFC 9207: every provider shares /oauth/callback, so a response must say which authorization
 * server issued it. `iss` is checked against the manifest's issuer whenever it comes, discovery or
 * not, and required from a provider that declares it always sends one.
 */
describeWithPostgres('the callback iss parameter, RFC 9207 (PostgreSQL, oidc-provider)', () => {
  let world: LoopbackWorld;
  const tenant = 'iss-a';

  beforeAll(async () => {
    world = await startLoopbackWorld({ accessTokenTtlSeconds: 300 });
    await registerTenant(world, tenant);
  });
  afterAll(async () => {
    await world?.close();
  });

  async function connection(connectionId: string) {
    const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
    return read.data?.connection;
  }

  async function eventTypes(connectionId: string): Promise<string[]> {
    const types: string[] = [];
    for await (const event of world.hub.runtime.eventStore.readStream(
      connectionStream(tenant, connectionId),
    )) {
      types.push(event.type);
    }
    return types;
  }

  /** The provider's redirect back, with `iss` replaced (or removed when null), as a mix-up would send it. */
  async function callbackWithIss(provider: string, iss: string | null) {
    const { connectionId, callbackUrl } = await authorize(world, tenant, { provider });
    expect(callbackUrl.searchParams.get('iss')).toBe(world.idp.issuer);
    if (iss === null) callbackUrl.searchParams.delete('iss');
    else callbackUrl.searchParams.set('iss', iss);
    const landing = await followCallback(callbackUrl);
    expect(landing.kind).toBe('callback');
    return { connectionId, back: landing.kind === 'callback' ? landing.url : new URL('http://x') };
  }

  it('connects when iss is the issuer the manifest declares, without discovery', async () => {
    const { connectionId, back } = await callbackWithIss(PLAIN_IDP, world.idp.issuer);
    expect(back.searchParams.get('error')).toBeNull();
    expect(await connection(connectionId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('fails the attempt when iss names another server, for a provider without discovery', async () => {
    const { connectionId, back } = await callbackWithIss(PLAIN_IDP, 'https://attacker.example');
    expect(back.searchParams.get('error')).toBe('issuer_mismatch');
    expect(back.searchParams.get('connection_id')).toBe(connectionId);
    expect(await connection(connectionId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'issuer_mismatch',
    });
    expect(await eventTypes(connectionId)).toEqual(['ConnectionStarted', 'ConnectionFailed']);
  });

  it('fails the attempt when iss is missing from a provider that declares it always sends one', async () => {
    const { connectionId, back } = await callbackWithIss(PLAIN_IDP, null);
    expect(back.searchParams.get('error')).toBe('issuer_mismatch');
    expect(await connection(connectionId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'issuer_mismatch',
    });
  });

  it('fails the attempt when iss comes from a provider whose manifest declares no issuer to compare it with', async () => {
    const { connectionId, back } = await callbackWithIss(UNDECLARED_IDP, world.idp.issuer);
    expect(back.searchParams.get('error')).toBe('issuer_mismatch');
    expect(back.searchParams.get('error_description')).toContain('auth.issuer');
    expect(await connection(connectionId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'issuer_mismatch',
    });
  });

  it('records issuer_mismatch for a discovered provider too, before any code is exchanged', async () => {
    const { connectionId, back } = await callbackWithIss(IDP, `${world.idp.issuer}/other`);
    expect(back.searchParams.get('error')).toBe('issuer_mismatch');
    expect(await connection(connectionId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'issuer_mismatch',
    });
  });

  it('checks the iss a backend passes to completeConnection', async () => {
    const { connectionId, state, callbackUrl } = await authorize(world, tenant, {
      provider: PLAIN_IDP,
      redirectUri: null,
    });
    const code = callbackUrl.searchParams.get('code')!;
    const done = await world.hub.request(
      CompleteConnectionDocument,
      { input: { state, code, params: { iss: 'https://attacker.example' } } },
      asOperator(tenant),
    );
    expect(codes(done)).toEqual(['BAD_USER_INPUT']);
    expect(done.errors?.[0]?.message).toContain('iss');
    expect(await connection(connectionId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'issuer_mismatch',
    });
  });
});
