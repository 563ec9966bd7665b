import type { Runtime } from '../../app/runtime.js';
import { eventCatalog } from '../../events/catalog.js';
import { type ProjectionReport, reportProjections } from '../../projections/runner/report.js';
import { atMost, type CheckResult, fail, ok, warn } from './report.js';

/** Each projection's checkpoint against the newest event it handles, as `npm run projections -- status` reads them. */
export async function projectionChecks(runtime: Runtime): Promise<CheckResult[]> {
  const reports = await reportProjections({
    store: runtime.eventStore,
    prisma: runtime.readModels.prisma,
    catalog: eventCatalog,
    projections: runtime.projections.projections,
  });
  return reports.map(projectionCheck);
}

export function projectionCheck(report: ProjectionReport): CheckResult {
  const check = `projections.${report.name}`;
  const position = `at ${report.position} of ${report.head}`;
  const { stopped } = report;
  if (stopped)
    return fail(
      check,
      `STOPPED at ${stopped.event.type} ${stopped.event.id} (${stopped.event.stream}, position ${stopped.event.position}) after ${stopped.attempts} attempt(s): ${stopped.error}`,
      `fix the cause, then npm run projections -- retry ${report.name}   (or skip the event: npm run projections -- skip ${report.name} ${stopped.event.position})`,
    );
  if (report.parked.length > 0)
    return warn(
      check,
      `${position}; parked ${report.parked.length} event(s) it could not apply`,
      `once the cause is fixed: npm run projections -- retry ${report.name}`,
      atMost(
        report.parked.map(
          (entry) => `position ${entry.event.position} ${entry.event.type} ${entry.event.id}: ${entry.error}`,
        ),
      ),
    );
  if (report.lag > 0n)
    return warn(
      check,
      `${position}: ${report.lag} position(s) behind`,
      'a hub must be running to catch up (projections run in the process that holds the leader lease); if one is, check its logs for this projection',
    );
  return ok(check, `caught up (${position})`);
}
