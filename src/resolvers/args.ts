import { type DefaultConnectionArguments, resolveCursorConnection } from '@pothos/plugin-relay';
import { isEntityId } from '../events/streams.js';
import { decodeTimeCursor, encodeTimeCursor, type TimePage } from '../readmodels/time-cursor.js';
import { BadUserInputError } from '../shared/errors.js';
import { isUuid } from '../shared/uuid.js';

/**
 * Argument checks every resolver shares, so a malformed argument is BAD_USER_INPUT before any
 * read: never a database error (INTERNAL_SERVER_ERROR), never silently "not found".
 */

/** `first` and `last` ask for 1 to `maxSize` items; anything else is refused rather than clamped. */
export function assertPageSize(args: { first?: number | null; last?: number | null }, maxSize: number): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size !== null && size !== undefined && (size < 1 || size > maxSize)) {
      throw new BadUserInputError(`${name} must be between 1 and ${maxSize}`, { field: name });
    }
  }
}

type Loaded = Promise<readonly unknown[] | null> | readonly unknown[] | null;
type CursorConnection<U extends Loaded> = Parameters<typeof resolveCursorConnection<U>>;

/** resolveCursorConnection with the page size checked first; cursors are the loader's to decode. */
export function resolvePage<U extends Loaded>(
  options: CursorConnection<U>[0] & { defaultSize: number; maxSize: number },
  load: CursorConnection<U>[1],
) {
  assertPageSize(options.args, options.maxSize);
  return resolveCursorConnection(options, load);
}

/** resolvePage for rows ordered by (time, id): the cursor is the row's time and id. */
export function resolveTimePage<Row>(
  args: DefaultConnectionArguments,
  cursorOf: (row: Row) => [at: Date | string, id: string],
  load: (page: TimePage) => Promise<Row[]>,
  sizes: { defaultSize: number; maxSize: number } = { defaultSize: 20, maxSize: 100 },
) {
  assertPageSize(args, sizes.maxSize);
  return resolveCursorConnection<Promise<Row[]>>(
    { args, toCursor: (row) => encodeTimeCursor(...cursorOf(row)), ...sizes },
    ({ after, before, limit, inverted }) =>
      load({
        after: decodeTimeCursor(after, 'after'),
        before: decodeTimeCursor(before, 'before'),
        limit,
        inverted,
      }),
  );
}

/** Connection ids are what can name a connection's stream (`conn_<hex>`). */
export function connectionIdArg(value: string | number, field: string): string {
  const id = String(value);
  if (!isEntityId(id)) throw new BadUserInputError(`${field} is not a connection id`, { field });
  return id;
}

/** Signal and dead-letter ids are UUIDs. */
export function uuidArg(value: string | number, field: string): string {
  const id = String(value);
  if (!isUuid(id)) throw new BadUserInputError(`${field} must be a UUID`, { field });
  return id;
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A log position or revision in a cursor: a decimal that fits PostgreSQL's bigint. */
export function positionCursor(cursor: string | undefined, name: string): bigint | undefined {
  if (cursor === undefined) return undefined;
  const value = /^\d{1,19}$/.test(cursor) ? BigInt(cursor) : -1n;
  if (value < 0n || value > MAX_BIGINT) throw new BadUserInputError(`Invalid cursor in ${name}`);
  return value;
}

/** The items of a read up to (not including) the first for which `until` holds; the read stops there. */
export async function takeUntil<T>(iterable: AsyncIterable<T>, until: (item: T) => boolean): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    if (until(item)) break;
    items.push(item);
  }
  return items;
}
