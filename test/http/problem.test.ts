import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/http/server.js';
import { createLogger } from '../../src/platform/logger.js';
import { BadUserInputError, DependencyError } from '../../src/shared/errors.js';

async function answering(error: unknown) {
  const app = await createServer({ logger: createLogger({ level: 'silent' }), readiness: [] });
  app.get('/fails', async () => {
    throw error;
  });
  return app.inject('/fails');
}

describe('problem+json errors', () => {
  it('answers an unavailable dependency 503 with Retry-After, without its internals', async () => {
    const response = await answering(
      new DependencyError('The event store database is unavailable: 10.0.0.5:5432'),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      title: 'Service Unavailable',
    });
    expect(response.body).not.toContain('10.0.0.5');
  });

  it('finds the DependencyError a library wrapped, and treats an untranslated database outage the same', async () => {
    const wrapped = new Error('read models', { cause: new DependencyError('down') });
    const raw = new Error('Query read timeout');
    for (const error of [wrapped, raw]) {
      const response = await answering(error);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    }
  });

  it('keeps exposing errors raised on purpose, and masks the rest', async () => {
    expect((await answering(new BadUserInputError('no'))).json()).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      title: 'no',
    });
    const unexpected = await answering(new Error('secret detail'));
    expect(unexpected.statusCode).toBe(500);
    expect(unexpected.headers['retry-after']).toBeUndefined();
    expect(unexpected.body).not.toContain('secret detail');
  });
});
