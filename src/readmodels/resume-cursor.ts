import { BadUserInputError, SwitchboardError } from '../shared/errors.js';

/**
 * Where a live feed resumes: an item's place in the global log (positions are what live delivery
 * follows; a provider's occurredAt is not), bound to the tenant it belongs to so that another
 * tenant's cursor is refused on sight instead of being read as a place in this tenant's feed.
 * Opaque to clients: base64url of a JSON array whose first element says which feed it is for.
 */
export interface SignalResumeCursor {
  tenantId: string;
  position: bigint;
  /** The signal's id: finds its row, to tell a cursor the hub still holds from an expired one. */
  id: string;
}

export interface EventResumeCursor {
  tenantId: string;
  position: bigint;
  /** Where the event is in its stream: readable there unless the stream's retention dropped it. */
  stream: string;
  revision: bigint;
}

/** The item a cursor points at is no longer kept (retention, a deleted row): resume cannot be gap-free. */
export class CursorExpiredError extends SwitchboardError {
  constructor(field: string, detail?: Record<string, unknown>) {
    super(
      'CURSOR_EXPIRED',
      `The cursor in ${field} points at an item the hub no longer keeps: subscribe without it and re-read what you need`,
      { status: 410, detail, extensions: { field } },
    );
  }
}

const MAX_BIGINT = 2n ** 63n - 1n;

const encode = (parts: readonly string[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

export const encodeSignalCursor = (signal: { tenantId: string; position: bigint | string; id: string }) =>
  encode(['s', signal.tenantId, String(signal.position), signal.id]);

export const encodeEventCursor = (event: {
  tenantId: string;
  position: bigint | string;
  stream: string;
  revision: bigint | string;
}) => encode(['e', event.tenantId, String(event.position), event.stream, String(event.revision)]);

function decode(cursor: string, kind: 's' | 'e', length: number, field: string): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== length ||
    parts[0] !== kind ||
    !parts.every((part) => typeof part === 'string' && part.length > 0)
  ) {
    throw new BadUserInputError(`Invalid cursor in ${field}`, undefined, { field });
  }
  return parts as string[];
}

function logNumber(text: string, field: string): bigint {
  const value = /^\d{1,19}$/.test(text) ? BigInt(text) : -1n;
  if (value < 0n || value > MAX_BIGINT)
    throw new BadUserInputError(`Invalid cursor in ${field}`, undefined, { field });
  return value;
}

/** Undefined in, undefined out; anything that is not a signal cursor of ours is BAD_USER_INPUT. */
export function decodeSignalCursor(
  cursor: string | null | undefined,
  field: string,
): SignalResumeCursor | undefined {
  if (cursor == null) return undefined;
  const [, tenantId, position, id] = decode(cursor, 's', 4, field);
  return { tenantId: tenantId!, position: logNumber(position!, field), id: id!.toLowerCase() };
}

/** Undefined in, undefined out; anything that is not an event cursor of ours is BAD_USER_INPUT. */
export function decodeEventCursor(
  cursor: string | null | undefined,
  field: string,
): EventResumeCursor | undefined {
  if (cursor == null) return undefined;
  const [, tenantId, position, stream, revision] = decode(cursor, 'e', 5, field);
  return {
    tenantId: tenantId!,
    position: logNumber(position!, field),
    stream: stream!,
    revision: logNumber(revision!, field),
  };
}
