import { z } from 'zod';

/**
 * The catalog of signal kinds, listed with these descriptions by the `signalKinds` query. Kinds name
 * what happened, provider-neutral and snake_case; provider detail stays in the signal's payload.
 * Adding a kind is safe; renaming one breaks stored signals and subscribers' filters.
 */
export const SIGNAL_KINDS = {
  issue_created: 'An issue was opened.',
  issue_closed: 'An issue was closed.',
  issue_reopened: 'A closed issue was reopened.',
  issue_edited: "An issue's title or body was edited.",
  issue_labeled: 'A label was added to an issue.',
  issue_commented: 'A comment was added to an issue or to the conversation of a pull request.',
  pull_request_opened: 'A pull request was opened.',
  pull_request_closed: 'A pull request was closed without being merged.',
  pull_request_merged: 'A pull request was merged.',
  pull_request_reopened: 'A closed pull request was reopened.',
  pull_request_review_requested: 'A review of a pull request was requested from a person or a team.',
  pull_request_reviewed: 'A review of a pull request was submitted (approval, changes requested or comment).',
  code_pushed: 'Commits were pushed, or a branch or tag was created or deleted.',
  release_published: 'A release was published.',
  workflow_run_completed: 'A CI workflow run finished, whatever its conclusion.',
  message_posted: 'A message was posted in a channel, private channel or direct message (bots included).',
  message_edited: 'A message was edited.',
  message_deleted: 'A message was deleted.',
  app_mentioned: 'The app was mentioned in a message.',
  reaction_added: 'A reaction was added to a message or file.',
  channel_created: 'A channel was created.',
  member_joined_channel: 'A member joined a channel.',
  link_shared: "A link matching one of the app's unfurl domains was shared.",
  provider_event:
    'Any other provider event, kept as is: its provider type is in the summary and the full payload is kept.',
} as const satisfies Record<string, string>;

export type SignalKind = keyof typeof SIGNAL_KINDS;

export const signalKindSchema = z.enum(Object.keys(SIGNAL_KINDS) as [SignalKind, ...SignalKind[]]);

/** The catalog as rows, in declaration order. */
export function signalKinds(): Array<{ kind: SignalKind; description: string }> {
  return (Object.entries(SIGNAL_KINDS) as Array<[SignalKind, string]>).map(([kind, description]) => ({
    kind,
    description,
  }));
}
