import { slackChannelsSync } from './sync-channels.js';
import { slackMessagesSync } from './sync-messages.js';

/** The code behind the Slack manifest's `syncs`, by resource. */
export const SLACK_SYNCS = {
  channels: slackChannelsSync,
  messages: slackMessagesSync,
};
