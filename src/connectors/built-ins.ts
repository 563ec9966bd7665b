import { dropboxManifest } from './dropbox/manifest.js';
import { githubManifest } from './github/manifest.js';
import { gmailManifest } from './gmail/manifest.js';
import { googleCalendarManifest } from './google-calendar/manifest.js';
import { googleDirectoryManifest } from './google-directory/manifest.js';
import { hubspotManifest } from './hubspot/manifest.js';
import { jiraManifest } from './jira/manifest.js';
import { linearManifest } from './linear/manifest.js';
import { microsoft365Manifest } from './microsoft-365/manifest.js';
import { notionManifest } from './notion/manifest.js';
import { quickbooksManifest } from './quickbooks/manifest.js';
import type { ProviderManifest } from './sdk/manifest.js';
import { slackManifest } from './slack/manifest.js';
import { todoistManifest } from './todoist/manifest.js';
import { zoomManifest } from './zoom/manifest.js';

/** Every provider Switchboard ships, in the order the catalog lists them. */
export const BUILT_IN_MANIFESTS: readonly ProviderManifest[] = Object.freeze([
  githubManifest,
  slackManifest,
  jiraManifest,
  googleCalendarManifest,
  gmailManifest,
  googleDirectoryManifest,
  microsoft365Manifest,
  todoistManifest,
  notionManifest,
  quickbooksManifest,
  linearManifest,
  dropboxManifest,
  zoomManifest,
  hubspotManifest,
]);
