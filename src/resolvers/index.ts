import { builder } from './builder.js';
import './tenants.js';
import './providers.js';
import './audit.js';
import './audit-seals.js';
import './connections.js';
import './connect-sessions.js';
import './provider-accounts.js';
import './integrations.js';
import './revocation.js';
import './signals.js';
import './webhooks.js';
import './dead-letters.js';
import './syncs.js';
import './actions.js';
import './sync-records.js';
import './sync-drift.js';
import './sync-dead-letters.js';

/** Importing the domain files registers their types and fields; this builds the schema once. */
export const schema = builder.toSchema({ sortSchema: true });
