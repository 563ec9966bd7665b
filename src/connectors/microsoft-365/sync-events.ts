import { z } from 'zod';
import type { CalendarEvent } from '../sdk/models.js';
import { defineResourceSync, type SyncedRecord } from '../sdk/sync.js';
import { syncDelta } from './delta-sync.js';

/**
 * Events of the signed-in user's primary calendar through `GET /me/calendarView/delta`
 * (https://learn.microsoft.com/graph/api/event-delta, https://learn.microsoft.com/graph/delta-query-events):
 * a calendar view is a fixed time window, given on the first request only and kept in Graph's
 * state tokens. `@removed` (reason `deleted`) marks events deleted, and events that changed outside
 * the window; both are reported as deletes.
 *
 * The window is `pastDays` before the first run to `futureDays` after it. Since Graph keeps it
 * fixed, a window whose future is half used up, or one made under another configuration, starts a
 * new full listing over a window around today. Times come in UTC (no `Prefer: outlook.timezone`).
 */
const DAY_MS = 86_400_000;
const PAGE_SIZE = 100;

export const microsoftEventsConfigSchema = z.strictObject({
  pastDays: z.number().int().min(0).max(3650).default(30),
  futureDays: z.number().int().min(1).max(3650).default(180),
});
type EventsConfig = z.output<typeof microsoftEventsConfigSchema>;

const windowSchema = z.object({
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  pastDays: z.number(),
  futureDays: z.number(),
});
type CalendarWindow = z.infer<typeof windowSchema>;

const dateTimeTimeZone = z.looseObject({ dateTime: z.string(), timeZone: z.string().nullish() }).nullish();
const emailAddress = z.looseObject({ name: z.string().nullish(), address: z.string().nullish() }).nullish();
const eventSchema = z.looseObject({
  id: z.string().min(1),
  subject: z.string().nullish(),
  isCancelled: z.boolean().nullish(),
  isAllDay: z.boolean().nullish(),
  showAs: z.string().nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  organizer: z.looseObject({ emailAddress }).nullish(),
  attendees: z
    .array(
      z.looseObject({
        emailAddress,
        status: z.looseObject({ response: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
  location: z.looseObject({ displayName: z.string().nullish() }).nullish(),
  webLink: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
});
type GraphEvent = z.output<typeof eventSchema>;

/** Midnight UTC of the day `at` falls on. */
const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

function windowFor(now: Date, config: EventsConfig): CalendarWindow {
  const today = dayOf(now.getTime());
  return {
    start: new Date(today - config.pastDays * DAY_MS).toISOString(),
    end: new Date(today + (config.futureDays + 1) * DAY_MS).toISOString(),
    pastDays: config.pastDays,
    futureDays: config.futureDays,
  };
}

/**
 * Graph writes `2016-12-09T20:30:00.0000000` with the zone apart: in UTC that becomes an ISO
 * instant; an all-day event's start and end are dates (midnight to midnight, end exclusive).
 */
function timeOf(value: z.output<typeof dateTimeTimeZone>, allDay: boolean): string | null {
  if (!value?.dateTime) return null;
  if (allDay) return value.dateTime.slice(0, 10);
  if (value.timeZone === 'UTC' || !value.timeZone) {
    const instant = Date.parse(`${value.dateTime.slice(0, 23)}Z`);
    if (!Number.isNaN(instant)) return new Date(instant).toISOString();
  }
  return value.dateTime;
}

function personOf(address: z.output<typeof emailAddress>) {
  const email = address?.address ?? null;
  const name = address?.name ?? null;
  if (email === null && name === null) return null;
  return { id: email?.toLowerCase() ?? name ?? '', name, email };
}

function toCalendarEvent(event: GraphEvent): SyncedRecord<CalendarEvent> {
  const allDay = event.isAllDay ?? false;
  const modified = event.lastModifiedDateTime ? Date.parse(event.lastModifiedDateTime) : Number.NaN;
  return {
    id: event.id,
    data: {
      id: event.id,
      calendar: 'primary',
      title: event.subject ?? '',
      // Graph has no event status: cancelled is a flag, and tentative is how the event shows (showAs).
      status: event.isCancelled ? 'cancelled' : event.showAs === 'tentative' ? 'tentative' : 'confirmed',
      start: timeOf(event.start, allDay),
      end: timeOf(event.end, allDay),
      allDay,
      organizer: personOf(event.organizer?.emailAddress),
      attendees: (event.attendees ?? []).flatMap((attendee) => {
        const person = personOf(attendee.emailAddress);
        return person ? [{ ...person, response: attendee.status?.response ?? null }] : [];
      }),
      location: event.location?.displayName || null,
      url: event.webLink ?? null,
      updatedAt: Number.isNaN(modified) ? null : new Date(modified).toISOString(),
    },
    raw: event,
  };
}

export const microsoftEventsSync = defineResourceSync({
  model: 'CalendarEvent',
  config: microsoftEventsConfigSchema,
  sync: (ctx) =>
    syncDelta(ctx, {
      scope: () => windowFor(ctx.now(), ctx.config),
      outdated(saved) {
        const window = windowSchema.safeParse(saved);
        if (!window.success) return 'the saved calendar window cannot be read';
        const { pastDays, futureDays } = ctx.config;
        if (window.data.pastDays !== pastDays || window.data.futureDays !== futureDays) {
          return 'the calendar window was configured anew';
        }
        if (ctx.now().getTime() + (futureDays / 2) * DAY_MS > Date.parse(window.data.end)) {
          return 'the calendar window has moved on by half its future';
        }
        return null;
      },
      firstRequest: (window) => ({
        path: '/me/calendarView/delta',
        query: { startDateTime: window.start, endDateTime: window.end },
      }),
      headers: { prefer: `odata.maxpagesize=${PAGE_SIZE}` },
      item: eventSchema,
      toRecord: toCalendarEvent,
    }),
});
