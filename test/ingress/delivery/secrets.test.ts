import { describe, expect, it } from 'vitest';
import { webhookSchema } from '../../../src/connectors/sdk/schema/webhooks.js';
import { secretsOf } from '../../../src/ingress/delivery/secrets.js';

describe('secretsOf', () => {
  it("keeps the manifest's secret fields, and nothing more for a signed scheme", () => {
    const webhooks = webhookSchema.parse({
      scheme: 'standard_webhooks',
      secretFields: ['token', 'auth.key'],
    });
    expect(secretsOf(webhooks)).toEqual({ fields: ['token', 'auth.key'], headers: [] });
  });

  it("adds Graph's clientState path, once, even when the manifest forgot it or named it too", () => {
    expect(secretsOf(webhookSchema.parse({ scheme: 'microsoft_graph' }))).toEqual({
      fields: ['value[].clientState'],
      headers: [],
    });
    const named = webhookSchema.parse({ scheme: 'microsoft_graph', secretFields: ['value[].clientState'] });
    expect(secretsOf(named).fields).toEqual(['value[].clientState']);
  });

  it("adds Google's channel token header, lower-cased, whatever the manifest calls it", () => {
    expect(secretsOf(webhookSchema.parse({ scheme: 'google_channel_token' })).headers).toEqual([
      'x-goog-channel-token',
    ]);
    const custom = webhookSchema.parse({ scheme: 'google_channel_token', tokenHeader: 'X-Custom-Token' });
    expect(secretsOf(custom).headers).toEqual(['x-custom-token']);
  });
});
