import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../../src/projections/runner/transient-error.js';

/** The shape Prisma's driver adapters give a database error: its SQLSTATE inside meta. */
const prismaError = (originalCode: string) =>
  Object.assign(new Error('Database error'), {
    code: 'P2010',
    meta: { driverAdapterError: { cause: { originalCode, kind: 'postgres' } } },
  });

describe('isTransientDatabaseError', () => {
  it('knows a deadlock, a serialization failure, a timeout or a lost connection from a refused value', () => {
    for (const code of ['40P01', '40001', '57014', '08006', '53300', '55P03'])
      expect(isTransientDatabaseError(prismaError(code)), code).toBe(true);
    for (const code of ['22021', '23505', '22P02'])
      expect(isTransientDatabaseError(prismaError(code)), code).toBe(false);
    expect(isTransientDatabaseError(Object.assign(new Error('pg'), { code: '40P01' }))).toBe(true);
    expect(isTransientDatabaseError(new Error('simulated', { cause: { code: '57014' } }))).toBe(true);
    expect(isTransientDatabaseError(new Error('no code'))).toBe(false);
    expect(isTransientDatabaseError(Object.assign(new Error('prisma only'), { code: 'P2002' }))).toBe(false);
  });
});
