import { z } from 'zod';
import { ActionError, defineAction } from '../sdk/action.js';

/**
 * Jira Cloud's actions, over REST API v3 (behind the 3LO gateway, the manifest's base URL):
 * - Get transitions: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get
 *   (`{transitions: [{id, name, to: {id, name, statusCategory}, ...}]}`: the ones the issue offers
 *   now to this user; 404 when the issue is not found or not visible).
 * - Transition issue: the POST of the same path, `{transition: {id}}` → 204 No Content; 400 when
 *   the transition is not valid for the issue or a required field is missing, 404, 409 on a
 *   conflicting update, 422 when a workflow rule refuses it.
 * Transition ids differ between workflows, so the action always reads the issue's transitions first:
 * a caller may name the target status instead of an id. Jira takes no idempotency key.
 */

const transitionList = z.object({
  transitions: z.array(
    z.object({ id: z.string(), name: z.string(), to: z.object({ id: z.string(), name: z.string() }) }),
  ),
});

const issueKey = z
  .string()
  .regex(/^(?:[A-Z][A-Z0-9_]+-\d+|\d+)$/, 'must be an issue key (ENG-42) or id (10042)')
  .describe('The issue key (ENG-42) or id.');

export const jiraTransitionIssue = defineAction({
  id: 'jira.transition_issue',
  version: 1,
  description:
    "Move a Jira issue through its workflow (To Do → In Progress → Done) by naming the status it should reach (toStatus) or a transition id. Use it to change an issue's status, not to edit its fields.",
  input: z
    .object({
      issue: issueKey,
      toStatus: z
        .string()
        .trim()
        .min(1)
        .optional()
        .describe('The status to move to, by name (case-insensitive).'),
      transitionId: z
        .string()
        .regex(/^\d+$/)
        .optional()
        .describe('A transition id from the issue’s workflow.'),
    })
    .refine((input) => (input.toStatus === undefined) !== (input.transitionId === undefined), {
      message: 'give exactly one of toStatus and transitionId',
      path: ['toStatus'],
    }),
  output: z.object({
    issue: z.string().describe('The issue as given.'),
    transitionId: z.string().describe('The transition performed.'),
    status: z.string().describe('The status the issue moved to.'),
  }),
  scopes: ['issues.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [
    {
      code: 'ISSUE_NOT_FOUND',
      description: 'The issue does not exist or the connection cannot see it.',
      status: 404,
    },
    {
      code: 'TRANSITION_NOT_AVAILABLE',
      description:
        'The issue’s workflow offers no such transition from its current status (its available ones are in the message).',
    },
    {
      code: 'TRANSITION_REFUSED',
      description: 'Jira refused the transition (a required field or a workflow rule).',
      status: 400,
    },
    {
      code: 'CONFLICTING_UPDATE',
      description: 'Someone else changed the issue at the same time; try again.',
      status: 409,
    },
  ],
  async run(ctx, input) {
    const path = `/rest/api/3/issue/${encodeURIComponent(input.issue)}/transitions`;
    const listed = transitionList.parse((await ctx.http.request({ path })).body);
    const wanted = input.toStatus?.toLowerCase();
    const transition = listed.transitions.find((candidate) =>
      wanted === undefined ? candidate.id === input.transitionId : candidate.to.name.toLowerCase() === wanted,
    );
    if (!transition) {
      const offered = listed.transitions.map((each) => `${each.id} → ${each.to.name}`).join(', ') || 'none';
      throw new ActionError(
        'TRANSITION_NOT_AVAILABLE',
        `${input.issue} cannot move to ${input.toStatus ?? `transition ${input.transitionId}`} now (offered: ${offered})`,
        { providerStatus: 200 },
      );
    }
    await ctx.http.request({ method: 'POST', path, json: { transition: { id: transition.id } } });
    return { issue: input.issue, transitionId: transition.id, status: transition.to.name };
  },
});

export const JIRA_ACTIONS = [jiraTransitionIssue];
