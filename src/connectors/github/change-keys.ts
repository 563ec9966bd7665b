/**
 * Names of GitHub changes that a webhook and a sync both see exactly, so both paths give the change
 * the same signal id (signals/signal.ts, changeSignalId). Only what the item itself records can be
 * named: its id (the `issue.id` / `pull_request.id` of webhooks and REST alike) and the times GitHub
 * keeps on it. An issue can be closed again after a reopen, so a close is named by its time; a pull
 * request is opened and merged once. Reopens, edits, labels and comments leave nothing on the item
 * that a later listing could tell apart (updated_at moves on with every change), so they stay
 * webhook-only.
 */

/** GitHub's times, compared as instants: `2019-05-15T15:20:18Z` and `…18.000Z` name one change. */
function instant(time: string): string | null {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const issueCreatedKey = (issueId: number | string): string => `issue:${issueId}:created`;

export function issueClosedKey(issueId: number | string, closedAt: string | null | undefined): string | null {
  const at = closedAt ? instant(closedAt) : null;
  return at === null ? null : `issue:${issueId}:closed:${at}`;
}

export const pullRequestOpenedKey = (pullId: number | string): string => `pull_request:${pullId}:opened`;

export const pullRequestMergedKey = (pullId: number | string): string => `pull_request:${pullId}:merged`;

export function pullRequestClosedKey(
  pullId: number | string,
  closedAt: string | null | undefined,
): string | null {
  const at = closedAt ? instant(closedAt) : null;
  return at === null ? null : `pull_request:${pullId}:closed:${at}`;
}
