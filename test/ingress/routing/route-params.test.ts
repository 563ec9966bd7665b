import { describe, expect, it } from 'vitest';
import { isConnectionId, isProviderId, isRoutingId } from '../../../src/ingress/routing/route-params.js';

describe('webhook route parameters', () => {
  it('takes kebab-case provider ids up to 64 characters', () => {
    for (const id of ['github', 'google-calendar', 'microsoft-365', 'a'.repeat(64)])
      expect(isProviderId(id), id).toBe(true);
    for (const id of [
      '',
      'GitHub',
      'google_calendar',
      '-slack',
      'slack-',
      'a--b',
      'a/b',
      'x\u0000',
      'a'.repeat(65),
    ])
      expect(isProviderId(id), id).toBe(false);
  });

  it('takes as a connection id only what can name a stream', () => {
    expect(isConnectionId('conn_1')).toBe(true);
    for (const id of ['', 'a.b', 'a\u0000b', '../x']) expect(isConnectionId(id), id).toBe(false);
  });

  it('takes routing ids of storable text up to 256 characters', () => {
    for (const id of ['T123ABC456', '1185883450', 'sub-1 with spaces', 'a'.repeat(256)])
      expect(isRoutingId(id), id).toBe(true);
    for (const id of ['', 'a'.repeat(257), 'T1\u0000', 'lone \ud83d'])
      expect(isRoutingId(id), id).toBe(false);
  });
});
