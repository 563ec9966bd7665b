import { randomUUID } from 'node:crypto';
import type { ProviderCall } from '../../src/proxy/call-recorder.js';

/** A finished proxy read of a GitHub issue, as the proxy route reports it; override what a test is about. */
export function providerCall(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    kind: 'proxy',
    provider: 'github',
    method: 'GET',
    path: '/repos/octocat/hello-world/issues/1347',
    status: 200,
    attempts: 1,
    startedAt: new Date(),
    durationMs: { total: 12.5, provider: 11.25 },
    actor: { kind: 'operator', id: 'a1b2c3d4' },
    requestId: randomUUID(),
    ...overrides,
  };
}
