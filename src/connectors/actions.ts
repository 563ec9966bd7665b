import { GITHUB_ACTIONS } from './github/actions.js';
import { GMAIL_ACTIONS } from './gmail/actions.js';
import { JIRA_ACTIONS } from './jira/actions.js';
import { QUICKBOOKS_ACTIONS } from './quickbooks/actions.js';
import type { AnyAction } from './sdk/action.js';
import { SLACK_ACTIONS } from './slack/actions.js';
import { TODOIST_ACTIONS } from './todoist/actions.js';

/**
 * The actions each connector declares (its `actions.ts`), by implementation: a provider that
 * `extends` another offers its base's actions (the catalog resolves `implementation`). An action's
 * id starts with its implementation (`github.create_issue`); a test checks that and that every
 * action's scopes are internal scopes its manifest maps.
 */
export const PROVIDER_ACTIONS: Readonly<Record<string, readonly AnyAction[]>> = {
  github: GITHUB_ACTIONS,
  gmail: GMAIL_ACTIONS,
  jira: JIRA_ACTIONS,
  quickbooks: QUICKBOOKS_ACTIONS,
  slack: SLACK_ACTIONS,
  todoist: TODOIST_ACTIONS,
};

export function actionsOf(implementation: string): readonly AnyAction[] {
  return Object.hasOwn(PROVIDER_ACTIONS, implementation) ? PROVIDER_ACTIONS[implementation]! : [];
}

export function actionOf(implementation: string, id: string): AnyAction | undefined {
  return actionsOf(implementation).find((action) => action.id === id);
}
