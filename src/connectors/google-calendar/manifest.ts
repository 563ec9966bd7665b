import { googleApi, googleAuth, googleIdentityScopes } from '../google/base.js';
import { defineManifest } from '../sdk/manifest.js';

const CALENDAR = 'https://www.googleapis.com/auth/calendar';

/**
 * Google Calendar. Sources:
 * - Scopes: https://developers.google.com/workspace/calendar/api/auth
 * - Quotas: https://developers.google.com/workspace/calendar/api/guides/quota
 * - Push notifications (channels, X-Goog-* headers, the initial "sync" message):
 *   https://developers.google.com/calendar/api/guides/push
 */
export const googleCalendarManifest = defineManifest({
  id: 'google-calendar',
  displayName: 'Google Calendar',
  categories: ['calendar'],
  docsUrl: 'https://developers.google.com/workspace/calendar/api/guides/overview',
  auth: googleAuth,
  scopes: [
    ...googleIdentityScopes,
    { id: `${CALENDAR}.readonly`, description: 'See and download any calendar the user can access.' },
    { id: `${CALENDAR}.events.readonly`, description: 'View events on all calendars.' },
    { id: `${CALENDAR}.events`, description: 'View and edit events on all calendars.' },
    { id: CALENDAR, description: 'See, edit, share and permanently delete all calendars.' },
  ],
  scopePolicy: {
    internal: {
      'calendar.read': [`${CALENDAR}.readonly`],
      'events.read': [`${CALENDAR}.events.readonly`],
      'events.write': [`${CALENDAR}.events`],
    },
    overBroad: {
      [CALENDAR]: {
        suggest: [`${CALENDAR}.readonly`, `${CALENDAR}.events`],
        reason: 'grants sharing and permanent deletion of every calendar',
      },
    },
  },
  api: {
    baseUrl: 'https://www.googleapis.com/calendar/v3',
    ...googleApi,
    rateLimit: {
      ...googleApi.rateLimit,
      budgets: [
        { per: 'connection', requests: 600, perSeconds: 60, notes: ['Per minute per user per project.'] },
        { per: 'app', requests: 10_000, perSeconds: 60, notes: ['Per minute per project.'] },
      ],
      docsUrl: 'https://developers.google.com/workspace/calendar/api/guides/quota',
    },
  },
  syncs: [
    {
      resource: 'events',
      model: 'CalendarEvent',
      description:
        'Events of one calendar ({"calendarId": "…"}, default "primary"), recurring ones as single instances, through sync tokens.',
      defaultFrequency: '10m',
      cursor: 'sync_token',
      // Cancelled events are applied as deletes as they come (the engine takes a page's deletes
      // whatever this says); full_scan adds what they cannot: Google drops cancelled events after
      // a while, which is when a token expires (410), so only a full listing then shows what went.
      deletes: 'full_scan',
      scopes: ['events.read'],
      // A channel message says only that something on the calendar changed: the sync finds what.
      webhookEvents: ['exists'],
      notes: [
        'https://developers.google.com/calendar/api/guides/sync',
        'Deleted events come back as status "cancelled" (incremental answers always include them; full listings ask with showDeleted=true) and are deleted as they come.',
        'A sync token Google no longer honours answers 410 Gone: the engine lists everything again in the same run, and what that complete listing lacks is marked deleted (cancelled events are not kept forever).',
      ],
    },
  ],
  webhooks: {
    scheme: 'google_channel_token',
    // The token given at events.watch comes back on every message; the channel id finds the connection.
    routing: { header: 'X-Goog-Channel-ID', idKind: 'channel' },
    deliveryId: { header: 'X-Goog-Message-Number' },
    eventType: { header: 'X-Goog-Resource-State' },
    docsUrl: 'https://developers.google.com/calendar/api/guides/push',
    notes: [
      'Channels expire and must be renewed with a new watch call; the first message of a channel has state "sync".',
    ],
  },
});
