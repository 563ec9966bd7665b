/**
 * The oldest server the adapter supports, checked when the store is first pinged (at startup).
 * 23.10 is the first to end a subscription's catch-up with CaughtUp: on older servers a projection
 * would never report itself caught up, and /readyz would wait for ever. (CaughtUp carries a
 * position only from 25.1; subscription.ts does without it.)
 */
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { BadUserInputError } from '../../shared/errors.js';

export const MINIMUM_SERVER_VERSION = '23.10.0';

interface ClientInternals {
  /** The client's cached answer to ServerFeatures ("unknown" when the server does not implement it). */
  capabilities: Promise<{ serverVersion: string }>;
}

export function parseVersion(version: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function isSupportedVersion(version: string): boolean {
  const parsed = parseVersion(version);
  const minimum = parseVersion(MINIMUM_SERVER_VERSION);
  if (!parsed || !minimum) return false;
  const [major, minor, patch] = parsed;
  const [minMajor, minMinor, minPatch] = minimum;
  if (major !== minMajor) return major > minMajor;
  if (minor !== minMinor) return minor > minMinor;
  return patch >= minPatch;
}

export async function assertSupportedServer(client: KurrentDBClient): Promise<string> {
  const { serverVersion } = await (client as unknown as ClientInternals).capabilities;
  if (!isSupportedVersion(serverVersion)) {
    throw new BadUserInputError(
      `KurrentDB ${MINIMUM_SERVER_VERSION} or later is required (the server says ${serverVersion}): ` +
        'older servers never end a subscription catch-up with CaughtUp',
      { serverVersion, minimum: MINIMUM_SERVER_VERSION },
    );
  }
  return serverVersion;
}
