import type { ConnectionDeps } from '../../commands/deps.js';
import { ATTR } from '../../observability/tracing/attributes.js';
import { inRootSpan } from '../../observability/tracing/spans.js';
import { expireAbandonedAttempts } from '../install/abandoned-attempts.js';
import type { TokenRefresher } from './refresh.js';

export interface ProactiveRefresherOptions {
  /** Pause between scans (default 15 s). */
  intervalMs?: number;
  /** Connections refreshed per scan at most (default 100); the rest wait for the next one. */
  batchSize?: number;
  /** Refreshes running at once (default 4): a provider sees a trickle, not a burst. */
  concurrency?: number;
}

export interface ScanResult {
  due: number;
  refreshed: number;
  failed: number;
  /** Abandoned OAuth attempts marked FAILED (abandoned-attempts.ts). */
  expired: number;
}

/**
 * Refreshes tokens before they expire: every interval it scans the credentials read model for rows
 * whose refreshDueAt (70% of the lifetime, pushed back after failures) has passed. Every instance
 * may run it: the refresher's lease and expected-revision append keep each rotation single, and a
 * token someone else just rotated is simply no longer due. This scan is the one read-model query
 * that spans tenants on purpose: it is the system's own job, and it never returns a token to anyone.
 */
export class ProactiveRefresher {
  readonly #deps: ConnectionDeps;
  readonly #refresher: TokenRefresher;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #concurrency: number;
  #timer: NodeJS.Timeout | undefined;
  #scan: Promise<ScanResult> | null = null;
  #stopped = true;
  /** Bumped by stop(): a scan started before it stops early, a later manual scanOnce runs in full. */
  #generation = 0;

  constructor(deps: ConnectionDeps, refresher: TokenRefresher, options: ProactiveRefresherOptions = {}) {
    this.#deps = deps;
    this.#refresher = refresher;
    this.#intervalMs = options.intervalMs ?? 15_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#concurrency = options.concurrency ?? 4;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops scanning and waits for the scan in progress, if any, to finish. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#generation++;
    clearTimeout(this.#timer);
    await this.#scan?.catch(() => {});
  }

  /** One scan, now (tests and operators); overlapping calls share the scan in progress. */
  scanOnce(): Promise<ScanResult> {
    this.#scan ??= this.#runScan().finally(() => {
      this.#scan = null;
    });
    return this.#scan;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      await this.scanOnce().catch((error) =>
        this.#deps.logger.error({ err: error }, 'token refresh scan failed'),
      );
      this.#schedule();
    }, this.#intervalMs);
    // A pending scan must not keep the process alive on shutdown.
    this.#timer.unref();
  }

  async #runScan(): Promise<ScanResult> {
    const generation = this.#generation;
    const due = await this.#deps.prisma.credential.findMany({
      where: { status: 'ACTIVE', refreshDueAt: { lte: this.#deps.now() } },
      orderBy: { refreshDueAt: 'asc' },
      take: this.#batchSize,
      select: { tenantId: true, connectionId: true },
    });
    const result: ScanResult = { due: due.length, refreshed: 0, failed: 0, expired: 0 };
    let next = 0;
    const worker = async () => {
      while (next < due.length && generation === this.#generation) {
        const row = due[next++]!;
        try {
          const token = await inRootSpan(
            'token refresh',
            { [ATTR.tenant]: row.tenantId, [ATTR.connection]: row.connectionId },
            () => this.#refresher.refresh({ ...row, trigger: 'proactive' }),
          );
          if (token.rotated) result.refreshed++;
        } catch (error) {
          // Recorded as TokenRefreshFailed (or REAUTH_REQUIRED) by the refresher; logged for operators.
          result.failed++;
          this.#deps.logger.warn(
            { err: error, connectionId: row.connectionId },
            'proactive token refresh failed',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, due.length) }, worker));
    // The same periodic pass over the connections ends the OAuth attempts nobody finished.
    if (generation === this.#generation)
      result.expired = await expireAbandonedAttempts(this.#deps, this.#batchSize);
    return result;
  }
}
