/**
 * The server's size check on appends (Streams.Append and BatchAppend alike): each proposed event
 * counts `Event.SizeOnDisk` = data + custom metadata bytes + 2 bytes per character of its type, and
 * the append fails as soon as the running total passes `MaxAppendSize` (1 MiB by default in 24.x
 * and 25.0, 256 MiB from 25.1). 24.10's SizeOnDisk counted only the data (an operator-precedence
 * slip fixed in 25.0); the double uses the fixed formula, which is the stricter one.
 * Not modelled: 25.0's per-event `MaxAppendEventSize` (unlimited by default) and the
 * 16 MiB log-record ceiling.
 */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

export function sizeOnDisk(event: { type: string; data: Uint8Array; metadata: Uint8Array }): number {
  return event.data.length + event.metadata.length + event.type.length * 2;
}

/** Adds events one at a time and says when the limit is passed, as the server's loop does. */
export class AppendSizeMeter {
  private total = 0;

  constructor(readonly limit: number) {}

  /** False once the append is over the limit. */
  add(event: { type: string; data: Uint8Array; metadata: Uint8Array }): boolean {
    this.total += sizeOnDisk(event);
    return this.total <= this.limit;
  }
}
