import { BadUserInputError } from '../shared/errors.js';
import { isUuid } from '../shared/uuid.js';

/** A place in a newest-first list ordered by (time, id): the row a page starts after or before. */
export interface TimeCursor {
  at: Date;
  id: string;
}

/** Opaque to clients: base64url of `<ISO time>|<uuid>`. */
export function encodeTimeCursor(at: Date | string, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`, 'utf8').toString('base64url');
}

/** Undefined in, undefined out; anything that is not a cursor of ours is a BAD_USER_INPUT naming the argument. */
export function decodeTimeCursor(cursor: string | undefined, name: string): TimeCursor | undefined {
  if (cursor === undefined) return undefined;
  const [time, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (extra !== undefined || !id || !isUuid(id) || Number.isNaN(at.getTime())) {
    throw new BadUserInputError(`Invalid cursor in ${name}`);
  }
  return { at, id: id.toLowerCase() };
}

/** A newest-first page by (time, id), as the read-model queries take it. */
export interface TimePage {
  after?: TimeCursor;
  before?: TimeCursor;
  limit: number;
  /** Read oldest first from `before` (Relay `last`); the caller reverses. */
  inverted: boolean;
}
