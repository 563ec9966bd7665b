import type { Config } from '../../config/config.js';
import type { Logger } from '../../platform/logger.js';
import { configurationChecks, oidcIssuerCheck } from './configuration-checks.js';
import { openDependencies } from './connectivity.js';
import { deadLetterChecks } from './dead-letter-checks.js';
import { integrationChecks } from './integration-checks.js';
import { projectionChecks } from './projection-checks.js';
import { type CheckResult, fail } from './report.js';
import { sealCheck } from './seal-checks.js';
import { tokenChecks } from './token-checks.js';

export interface DoctorOptions {
  /** Each connection and each check answers within this (default 5 s). */
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * Every check, in the order an operator fixes things: configuration, then what the hub connects
 * to, then what the data says. Reads only: nothing is appended to the event store.
 */
export async function runDoctor(
  config: Config,
  logger: Logger,
  options: DoctorOptions = {},
): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = (options.now ?? (() => new Date()))();
  const results = configurationChecks(config);
  const [oidc, opened] = await Promise.all([
    oidcIssuerCheck(config, timeoutMs),
    openDependencies(config, logger, timeoutMs),
  ]);
  if (oidc) results.push(oidc);
  results.push(...opened.results);
  const { runtime } = opened;
  if (!runtime) return results;
  try {
    const data: Array<[string, () => Promise<CheckResult[]>]> = [
      ['projections', () => projectionChecks(runtime)],
      ['deadLetters', () => deadLetterChecks(runtime.readModels.prisma, now)],
      ['tokens', () => tokenChecks(runtime.readModels.prisma, now)],
      ['integrations', () => integrationChecks(runtime)],
      ['audit', async () => [await sealCheck(runtime, now)]],
    ];
    // One area failing to answer (a statement timeout) does not hide the others.
    for (const [area, check] of data) {
      try {
        results.push(...(await check()));
      } catch (error) {
        results.push(
          fail(area, `could not be checked: ${(error as Error).message}`, 'see connectivity above'),
        );
      }
    }
  } finally {
    await runtime.close();
  }
  return results;
}
