import { githubIssuesSync, githubPullRequestsSync } from './github/sync.js';
import { GOOGLE_CALENDAR_SYNCS } from './google-calendar/sync.js';
import { JIRA_SYNCS } from './jira/sync.js';
import { MICROSOFT_365_SYNCS } from './microsoft-365/sync.js';
import type { AnyResourceSync } from './sdk/sync.js';
import { SLACK_SYNCS } from './slack/sync.js';
import { TODOIST_SYNCS } from './todoist/sync.js';

/**
 * The code behind each manifest's `syncs`, by provider and resource. A provider that `extends`
 * another runs its base's syncs (the catalog resolves `implementation`). The catalog test checks
 * that every declared resource has an entry here and every entry a declaration.
 */
export const RESOURCE_SYNCS: Readonly<Record<string, Readonly<Record<string, AnyResourceSync>>>> = {
  github: { issues: githubIssuesSync, 'pull-requests': githubPullRequestsSync },
  'google-calendar': GOOGLE_CALENDAR_SYNCS,
  jira: JIRA_SYNCS,
  'microsoft-365': MICROSOFT_365_SYNCS,
  slack: SLACK_SYNCS,
  todoist: TODOIST_SYNCS,
};

export function resourceSyncOf(implementation: string, resource: string): AnyResourceSync | undefined {
  return RESOURCE_SYNCS[implementation]?.[resource];
}
