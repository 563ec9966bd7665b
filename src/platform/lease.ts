import { SwitchboardError } from '../shared/errors.js';

/**
 * Time-limited exclusive ownership of a name across processes: the projection leader, one sync
 * run per connection, one token refresh at a time. A lease that is not renewed expires, so a
 * crashed holder cannot block the others for longer than its TTL.
 */
export interface LeaseManager {
  /** The lease, or null when someone else holds it and it has not expired. */
  acquire(name: string, options: { ttlMs: number }): Promise<Lease | null>;
}

/**
 * A held lease. `token` is random and unique per acquisition: renew and release only succeed while
 * the stored token is still ours, so a holder that stalled past its TTL cannot extend or delete
 * the lease someone else acquired since. It is an ownership check, not a monotonic fencing number:
 * a store that must reject writes from a stale holder needs its own conditional write (e.g. the
 * projection checkpoint update), since a stalled holder's in-flight writes can still land.
 */
export interface Lease {
  readonly name: string;
  readonly token: string;
  /** Extends the lease by its TTL from now; false when it is no longer ours (expired or taken). */
  renew(): Promise<boolean>;
  /** Gives the lease up if it is still ours; does nothing otherwise. */
  release(): Promise<void>;
}

/** The reason on withLease's AbortSignal when the lease could not be kept. */
export class LeaseLostError extends SwitchboardError {
  constructor(name: string, reason: string) {
    super('LEASE_LOST', `lease "${name}" was lost: ${reason}`, { status: 503, detail: { lease: name } });
  }
}
