import { NotYetVisibleError, ProjectionFailedError, WaitForTimeoutError } from './errors.js';
import type { ReadModelName } from './names.js';
import type { ProjectionRunner } from './runner/runner.js';

/**
 * Read-your-writes for a command that was appended at `position`: waits (bounded) for the read
 * models the caller answers from, and only those. When they do not get there in time (a projection
 * lagging, or stopped by its rule), the command still happened: the caller gets NOT_YET_VISIBLE,
 * never a failure it might answer by repeating the command.
 */
export async function waitUntilVisible(
  projections: Pick<ProjectionRunner, 'waitFor'>,
  position: bigint,
  readModels: readonly ReadModelName[],
  timeoutMs: number,
  /** The types the command appended, when known: read models that handle none of them need no wait. */
  eventTypes?: readonly string[],
): Promise<void> {
  if (readModels.length === 0) return;
  try {
    await projections.waitFor(position, { timeoutMs, projections: readModels, eventTypes });
  } catch (error) {
    if (error instanceof WaitForTimeoutError || error instanceof ProjectionFailedError)
      throw new NotYetVisibleError(position, readModels, error);
    throw error;
  }
}
