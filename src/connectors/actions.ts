import type { AnyAction } from './sdk/action.js';

/**
 * The actions each connector declares (its `actions.ts`), by implementation: a provider that
 * `extends` another offers its base's actions (the catalog resolves `implementation`). An action's
 * id starts with its implementation (`github.create_issue`); a test checks that and that every
 * action's scopes are internal scopes its manifest maps.
 */
export const PROVIDER_ACTIONS: Readonly<Record<string, readonly AnyAction[]>> = {};

export function actionsOf(implementation: string): readonly AnyAction[] {
  return Object.hasOwn(PROVIDER_ACTIONS, implementation) ? PROVIDER_ACTIONS[implementation]! : [];
}

export function actionOf(implementation: string, id: string): AnyAction | undefined {
  return actionsOf(implementation).find((action) => action.id === id);
}
