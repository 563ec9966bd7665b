export interface CircuitBreakerOptions {
  /** Consecutive failures (no answer, 5xx) that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long an open circuit refuses before one trial call may go (default 30 s). */
  openMs?: number;
  now?: () => number;
}

type Circuit = { provider: string } & (
  | { state: 'closed'; failures: number }
  | { state: 'open'; until: number }
  | { state: 'half_open'; trialInFlight: boolean }
);

/** A circuit as /metrics shows it: an open one whose time is up waits for its trial (half open). */
export interface CircuitSnapshot {
  origin: string;
  provider: string;
  state: Circuit['state'];
}

export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * One circuit per provider origin, in this process: after a run of failures the origin is spared
 * (callers get PROVIDER_UNAVAILABLE at once instead of queueing on a dead host); after `openMs`
 * one trial call decides whether it closes again.
 */
export class CircuitBreaker {
  readonly #circuits = new Map<string, Circuit>();
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  admit(origin: string): Admission {
    const circuit = this.#circuits.get(origin);
    if (!circuit || circuit.state === 'closed') return { allowed: true };
    if (circuit.state === 'open') {
      const left = circuit.until - this.#now();
      if (left > 0) return { allowed: false, retryAfterMs: left };
      this.#circuits.set(origin, { provider: circuit.provider, state: 'half_open', trialInFlight: true });
      return { allowed: true };
    }
    if (circuit.trialInFlight) return { allowed: false, retryAfterMs: 1_000 };
    circuit.trialInFlight = true;
    return { allowed: true };
  }

  succeeded(origin: string): void {
    this.#circuits.delete(origin);
  }

  /** `provider`: whose origin it is, for /metrics (the circuit itself is per origin). */
  failed(origin: string, provider = 'unknown'): void {
    const circuit = this.#circuits.get(origin) ?? { provider, state: 'closed', failures: 0 };
    if (circuit.state === 'closed' && circuit.failures + 1 < this.#threshold) {
      this.#circuits.set(origin, { provider, state: 'closed', failures: circuit.failures + 1 });
      return;
    }
    this.#circuits.set(origin, { provider, state: 'open', until: this.#now() + this.#openMs });
  }

  /** A call that ended without saying anything about the origin (the caller went away). */
  released(origin: string): void {
    const circuit = this.#circuits.get(origin);
    if (circuit?.state === 'half_open') circuit.trialInFlight = false;
  }

  stateOf(origin: string): Circuit['state'] {
    return this.#circuits.get(origin)?.state ?? 'closed';
  }

  /** The circuits that saw failures (a healthy origin has none), for a scrape. */
  snapshot(): CircuitSnapshot[] {
    const now = this.#now();
    return [...this.#circuits].map(([origin, circuit]) => ({
      origin,
      provider: circuit.provider,
      state: circuit.state === 'open' && circuit.until <= now ? 'half_open' : circuit.state,
    }));
  }
}
