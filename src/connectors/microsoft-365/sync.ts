import { microsoftEventsSync } from './sync-events.js';
import { microsoftUsersSync } from './sync-users.js';

/** The code behind the Microsoft 365 manifest's `syncs`, by resource. */
export const MICROSOFT_365_SYNCS = { users: microsoftUsersSync, events: microsoftEventsSync };
