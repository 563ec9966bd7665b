import { alertBox, h, table } from '../dom.js';
import { type PageContext, statusLine, titled } from '../page.js';

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; degraded?: boolean; reason?: string; detail?: unknown; ms: number }>;
}

/**
 * The hub's public readiness report (/readyz, what a load balancer reads): each dependency, and
 * the projections' lag behind the log in the projections check's detail. GraphQL has no query
 * for it, and it needs no credential.
 */
export async function readinessPage({ main }: PageContext): Promise<void> {
  const status = statusLine();
  titled(main, 'Readiness and projection lag', status);
  try {
    const response = await fetch('/readyz', { cache: 'no-store' });
    const report = (await response.json()) as Readiness;
    status.textContent = `This instance is ${report.status.replace('_', ' ')}.`;
    main.append(
      table(
        'Readiness checks',
        ['Check', 'State', 'Reason', 'Detail', 'Took'],
        Object.entries(report.checks).map(([name, check]) => [
          h('strong', {}, name),
          check.ok ? (check.degraded ? 'degraded' : 'ok') : 'failing',
          check.reason ?? '',
          check.detail === undefined ? '' : h('pre', {}, JSON.stringify(check.detail, null, 2)),
          `${Math.round(check.ms)} ms`,
        ]),
      ),
    );
  } catch (error) {
    main.append(alertBox((error as Error).message));
  }
}
