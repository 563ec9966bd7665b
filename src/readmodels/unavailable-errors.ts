import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { isPostgresUnavailable } from '../platform/postgres.js';
import { DependencyError } from '../shared/errors.js';

/**
 * The read-model database is unreachable or did not answer in time; the DependencyError is its
 * cause. It has no `code` of its own because Prisma re-wraps any error that has one into a
 * PrismaClientKnownRequestError and drops the original: this one reaches the caller as thrown.
 */
export class ReadModelsUnavailableError extends Error {
  constructor(override readonly cause: DependencyError) {
    super(cause.message, { cause });
    this.name = 'ReadModelsUnavailableError';
  }
}

function translate(error: unknown): unknown {
  if (error instanceof ReadModelsUnavailableError || !isPostgresUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ReadModelsUnavailableError(
    new DependencyError(`The read-model database is unavailable: ${reason}`, { cause: error }),
  );
}

/**
 * The read models' driver adapter, with one difference: a failure that means the database is
 * unreachable or did not answer in time (refused, reset, a timeout) is thrown as
 * ReadModelsUnavailableError (a DependencyError inside), so resolvers and the webhook gateway
 * answer "unavailable, retry" instead of an unexpected error. Query errors stay what they are.
 */
export function reportingUnavailability(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return guarded(factory);
}

function guarded<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(object, args);
        } catch (error) {
          throw translate(error);
        }
        if (!(result instanceof Promise)) return result;
        return result.then(
          // Connections and transactions answer queries too: their failures are translated alike.
          (resolved: unknown) =>
            property === 'connect' || property === 'startTransaction'
              ? guarded(resolved as SqlDriverAdapter)
              : resolved,
          (error: unknown) => {
            throw translate(error);
          },
        );
      };
    },
  });
}
