import { describe, it } from 'vitest';
import { integrationDecider } from '../../src/domain/integration.js';
import { GLOBAL_SCOPE } from '../../src/events/integration.js';
import { given, testContext } from '../support/decider.js';

const secret = {
  v: 1 as const,
  keyId: 'dk_x',
  iv: Buffer.alloc(12).toString('base64'),
  ciphertext: 'AAAA',
  tag: Buffer.alloc(16).toString('base64'),
};

describe('integration decider', () => {
  it('configures a global OAuth app, and reconfigures it (a rotated secret is a new fact)', () => {
    const command = {
      type: 'ConfigureIntegration' as const,
      scope: GLOBAL_SCOPE,
      provider: 'github',
      clientId: 'Iv1.abc',
      clientSecret: secret,
      defaultScopes: ['read:user'],
    };
    const { type: _command, ...fields } = command;
    const configured = {
      type: 'IntegrationConfigured' as const,
      data: { ...fields, configuredAt: testContext().now.toISOString() },
    };
    given(integrationDecider, []).when(command).then([configured]);
    given(integrationDecider, [configured]).when(command).then([configured]);
  });
});
