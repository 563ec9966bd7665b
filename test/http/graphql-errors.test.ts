import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { IdentityProviderUnavailableError } from '../../src/auth/errors.js';
import { createMaskError, NOT_NOW_MESSAGE, UNAVAILABLE_MESSAGE } from '../../src/http/graphql-errors.js';
import { createLogger } from '../../src/platform/logger.js';
import { isDatabaseUnavailable } from '../../src/readmodels/unavailable.js';
import { BadUserInputError, DependencyError, SwitchboardError } from '../../src/shared/errors.js';

const mask = createMaskError(createLogger({ level: 'silent' }));
/** As graphql-js hands a resolver's error to the mask: wrapped, with a path. */
const raised = (error: Error) =>
  mask(
    new GraphQLError(error.message, { originalError: error, path: ['field'] }),
    'Unexpected error.',
  ) as GraphQLError;

class NotYetVisible extends SwitchboardError {
  readonly retryable = true;
  constructor() {
    super('NOT_YET_VISIBLE', 'Applied at position 42; the read models have not reached it yet', {
      status: 503,
    });
  }
}

/** The shapes Prisma (over @prisma/adapter-pg) and pg give a database that is gone or too slow. */
const prismaError = (code: string, cause?: Record<string, string>) =>
  Object.assign(new Error('Invalid `prisma.tenant.findMany()` invocation: at 127.0.0.1:5432'), {
    code,
    meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {},
  });

describe('the GraphQL error mask', () => {
  it('answers dependency failures as SERVICE_UNAVAILABLE with a message that names nothing inside', () => {
    for (const error of [
      new DependencyError('Redis GET failed: connect ECONNREFUSED 127.0.0.1:6379'),
      new IdentityProviderUnavailableError('https://idp.example', 'timeout'),
      prismaError('P1001', { kind: 'DatabaseNotReachable' }),
      prismaError('P2010', { kind: 'postgres', code: '57014' }),
      prismaError('P1017', { kind: 'ConnectionClosed' }),
      Object.assign(new Error('Connection terminated due to connection timeout'), {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ]) {
      const masked = raised(error);
      expect(masked.extensions.code, error.message).toBe('SERVICE_UNAVAILABLE');
      expect(masked.message).toBe(UNAVAILABLE_MESSAGE);
      expect(masked.path).toEqual(['field']);
    }
  });

  it('keeps the code of other retryable errors, and the message only of those flagged retryable', () => {
    const flagged = raised(new NotYetVisible());
    expect(flagged.extensions.code).toBe('NOT_YET_VISIBLE');
    expect(flagged.message).toBe('Applied at position 42; the read models have not reached it yet');
    const projection = raised(
      new SwitchboardError('PROJECTION_FAILED', 'Projection signals stopped: invalid byte sequence 0x00', {
        status: 503,
      }),
    );
    expect(projection.extensions.code).toBe('PROJECTION_FAILED');
    expect(projection.message).toBe(NOT_NOW_MESSAGE);
  });

  it('exposes errors raised on purpose and Pothos argument refusals as they are', () => {
    expect(raised(new BadUserInputError('first must be between 1 and 100')).extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    const pothos = raised(new PothosValidationError('Argument "first" must be a non-negative integer'));
    expect(pothos.extensions.code).toBe('BAD_USER_INPUT');
    expect(pothos.message).toBe('Argument "first" must be a non-negative integer');
  });

  it('masks everything else, query errors of the database included', () => {
    for (const error of [
      new Error('Cannot read properties of undefined'),
      prismaError('P2002', { kind: 'UniqueConstraintViolation' }),
      prismaError('P2010', { kind: 'postgres', code: '22021' }),
      new SwitchboardError('VAULT_FAILURE', 'unwrap failed for key k1', { status: 500 }),
    ]) {
      const masked = raised(error);
      expect(masked.extensions.code, error.message).toBe('INTERNAL_SERVER_ERROR');
      expect(masked.message).toBe('Unexpected error.');
    }
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
