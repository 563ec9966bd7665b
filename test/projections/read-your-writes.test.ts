import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { createMaskError } from '../../src/http/graphql-errors.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  NotYetVisibleError,
  ProjectionFailedError,
  WaitForTimeoutError,
} from '../../src/projections/errors.js';
import { READ_MODEL } from '../../src/projections/names.js';
import { waitUntilVisible } from '../../src/projections/read-your-writes.js';

describe('read-your-writes', () => {
  it('waits only for the read models named, and not at all for none', async () => {
    const waitFor = vi.fn(async () => {});
    await waitUntilVisible({ waitFor }, 7n, [READ_MODEL.connections, READ_MODEL.webhookEndpoints], 100);
    expect(waitFor).toHaveBeenCalledWith(7n, {
      timeoutMs: 100,
      projections: ['connections', 'webhook-endpoints'],
    });
    waitFor.mockClear();
    await waitUntilVisible({ waitFor }, 7n, [], 100);
    expect(waitFor).not.toHaveBeenCalled();
  });

  it('turns a timeout or a stopped projection into NOT_YET_VISIBLE, exposed with its position; anything else passes', async () => {
    const timeout = new WaitForTimeoutError(9n, 100, [{ name: 'connections', position: 3n }]);
    const stopped = new ProjectionFailedError('connections', undefined, new Error('bad'));
    for (const cause of [timeout, stopped]) {
      const error = await waitUntilVisible(
        { waitFor: async () => Promise.reject(cause) },
        9n,
        [READ_MODEL.connections],
        100,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotYetVisibleError);
      expect(error).toMatchObject({ code: 'NOT_YET_VISIBLE', expose: true, cause });
    }
    const other = new Error('database down');
    await expect(
      waitUntilVisible({ waitFor: async () => Promise.reject(other) }, 9n, [READ_MODEL.tenants], 100),
    ).rejects.toBe(other);

    const masked = createMaskError(createLogger({ level: 'silent' }))(
      new GraphQLError('x', { originalError: new NotYetVisibleError(9n, ['tenants'], timeout) }),
      'Unexpected error.',
    ) as GraphQLError;
    expect(masked.message).toMatch(/recorded at position 9/);
    expect(masked.extensions).toEqual({ code: 'NOT_YET_VISIBLE', position: '9', retryable: true });
  });
});
