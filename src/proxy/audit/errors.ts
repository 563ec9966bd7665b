import { SwitchboardError } from '../../shared/errors.js';

/**
 * The audit record of a read could not be queued: the batcher already holds as many as it may (the
 * event store is slow or down). The call is refused rather than made unrecorded; routes answer it
 * as 503 with Retry-After (http/problem.ts adds it to every 503).
 */
export class CallAuditBacklogFullError extends SwitchboardError {
  constructor(detail: { pending: number; maxPending: number }) {
    super('AUDIT_BACKLOG_FULL', 'Provider calls cannot be recorded right now; retry shortly', {
      status: 503,
      detail,
    });
  }
}

/** The recorder was closed (the process is shutting down): no call may start unrecorded. */
export class CallRecorderClosedError extends SwitchboardError {
  constructor() {
    super('AUDIT_UNAVAILABLE', 'The hub is shutting down; retry on another instance', { status: 503 });
  }
}
