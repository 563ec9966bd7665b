/**
 * One base error for everything raised on purpose. `code` is stable and goes on the wire
 * (GraphQL `extensions.code`, problem+json `code`); `message` is safe to show a client when
 * `expose` is true; `detail` is for logs only. Anything that is not a SwitchboardError is
 * unexpected and gets masked at the edge.
 */
export class SwitchboardError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: Record<string, unknown> | undefined;
  /** Client-safe fields sent beside the code when the error is exposed (GraphQL `extensions`). */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: {
      status?: number;
      detail?: Record<string, unknown>;
      extensions?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.detail = options.detail;
    this.extensions = options.extensions;
  }

  get expose(): boolean {
    return this.status < 500;
  }
}

export class BadUserInputError extends SwitchboardError {
  /** `field` names the argument or input field at fault for clients (`extensions.field`). */
  constructor(message: string, detail?: Record<string, unknown>, options: { field?: string } = {}) {
    super('BAD_USER_INPUT', message, {
      status: 400,
      detail,
      extensions: options.field === undefined ? undefined : { field: options.field },
    });
  }
}

export class ConflictError extends SwitchboardError {
  constructor(message: string, detail?: Record<string, unknown>) {
    super('CONFLICT', message, { status: 409, detail });
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(code: string, message: string, detail?: Record<string, unknown>) {
    super(code, message, { status: 404, detail });
  }
}

/** A dependency (database, event store, Redis) is not reachable or failed in a way we did not ask for. */
export class DependencyError extends SwitchboardError {
  constructor(message: string, options: { detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super('DEPENDENCY_UNAVAILABLE', message, { status: 503, ...options });
  }
}
