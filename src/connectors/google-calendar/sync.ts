import { z } from 'zod';
import type { CalendarEvent } from '../sdk/models.js';
import { FullResyncRequired, ProviderCallError } from '../sdk/provider-http.js';
import { defineResourceSync, type SyncContext, type SyncedRecord } from '../sdk/sync.js';

/**
 * Google Calendar events through `events.list` and sync tokens, as the sync guide describes:
 * a full listing's last page gives `nextSyncToken`; the next run sends it and gets only what
 * changed, deleted events as `status: "cancelled"`; a token Google no longer honours is answered
 * 410 Gone, and only a full listing can then say what was deleted meanwhile.
 * https://developers.google.com/calendar/api/guides/sync
 * https://developers.google.com/workspace/calendar/api/v3/reference/events/list
 */

export const calendarSyncConfigSchema = z.strictObject({
  /** A calendar id (an address, or `…@group.calendar.google.com`); `primary` is the user's own. */
  calendarId: z.string().min(1).default('primary'),
});
type CalendarSyncConfig = z.output<typeof calendarSyncConfigSchema>;

const person = z.looseObject({
  id: z.string().optional(),
  email: z.string().optional(),
  displayName: z.string().optional(),
});
const when = z.looseObject({ date: z.string().optional(), dateTime: z.string().optional() });
const eventSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).default('confirmed'),
  summary: z.string().optional(),
  location: z.string().optional(),
  htmlLink: z.string().optional(),
  updated: z.string().optional(),
  organizer: person.optional(),
  start: when.optional(),
  end: when.optional(),
  attendees: z.array(person.extend({ responseStatus: z.string().optional() })).optional(),
});
const listSchema = z.looseObject({
  items: z.array(z.unknown()).default([]),
  nextSyncToken: z.string().optional(),
});
type GoogleEvent = z.output<typeof eventSchema>;

const checkpointSchema = z.strictObject({
  /** The last complete listing's nextSyncToken. */
  syncToken: z.string().min(1).nullable(),
  /** A listing under way: the next page, the sync token it was started with (null: a full one). */
  listing: z
    .strictObject({ pageToken: z.string().min(1), syncToken: z.string().min(1).nullable() })
    .optional(),
});
type CalendarCheckpoint = z.output<typeof checkpointSchema>;

/** Someone on an event: the profile id when Google gives one, else the address (which is unique too). */
function personOf(raw: z.output<typeof person> | undefined) {
  const id = raw?.id ?? raw?.email;
  return id ? { id, name: raw?.displayName ?? null, email: raw?.email ?? null } : null;
}

function toCalendarEvent(event: GoogleEvent, calendar: string, raw: unknown): SyncedRecord<CalendarEvent> {
  const data: CalendarEvent = {
    id: event.id,
    calendar,
    title: event.summary ?? '',
    status: event.status,
    start: event.start?.dateTime ?? event.start?.date ?? null,
    end: event.end?.dateTime ?? event.end?.date ?? null,
    // An all-day event has a date and no time.
    allDay: event.start?.date !== undefined && event.start.dateTime === undefined,
    organizer: personOf(event.organizer),
    attendees: (event.attendees ?? []).flatMap((attendee) => {
      const someone = personOf(attendee);
      return someone ? [{ ...someone, response: attendee.responseStatus ?? null }] : [];
    }),
    location: event.location ?? null,
    url: event.htmlLink ?? null,
    updatedAt: event.updated ? new Date(event.updated).toISOString() : null,
  };
  return { id: event.id, data, raw };
}

function unreadable(request: string, status: number, cause: unknown): ProviderCallError {
  return new ProviderCallError('terminal', `${request} answered a body Switchboard cannot read`, {
    status,
    request,
    cause,
  });
}

/** Where this run starts: a listing to go on with, or a new one from the saved token (null: full). */
function startOf(ctx: SyncContext<CalendarSyncConfig>): CalendarCheckpoint {
  const saved = checkpointSchema.safeParse(ctx.checkpoint).data;
  // A full run goes on only with a full listing of its own (a resumed one), never an incremental one.
  if (ctx.full)
    return { syncToken: null, listing: saved?.listing?.syncToken === null ? saved.listing : undefined };
  if (!saved) throw new FullResyncRequired('no Google Calendar sync token saved');
  if (saved.syncToken === null && !saved.listing)
    throw new FullResyncRequired('no Google Calendar sync token saved');
  return saved;
}

export const googleCalendarEventsSync = defineResourceSync({
  model: 'CalendarEvent',
  config: calendarSyncConfigSchema,
  async *sync(ctx) {
    const start = startOf(ctx);
    const syncToken = start.listing ? start.listing.syncToken : start.syncToken;
    const path = `/calendars/${encodeURIComponent(ctx.config.calendarId)}/events`;
    const request = `GET /calendars/{calendarId}/events`;
    const pages = ctx.http.paginate(
      {
        path,
        // Parameters stay the same across the pages and runs of one token, as the guide requires.
        query: { singleEvents: true, showDeleted: true, syncToken },
        accept: [410],
      },
      { from: start.listing ? { pageToken: start.listing.pageToken } : null, pageSize: 250 },
    );
    for await (const { response, next } of pages) {
      ctx.signal.throwIfAborted();
      if (response.status === 410)
        throw new FullResyncRequired('Google Calendar: the sync token is no longer valid');
      const body = listSchema.safeParse(response.body);
      if (!body.success) throw unreadable(request, response.status, body.error);
      const records: SyncedRecord<CalendarEvent>[] = [];
      const deletes: string[] = [];
      for (const raw of body.data.items) {
        const event = eventSchema.safeParse(raw);
        if (!event.success) throw unreadable(request, response.status, event.error);
        if (event.data.status === 'cancelled') deletes.push(event.data.id);
        else records.push(toCalendarEvent(event.data, ctx.config.calendarId, raw));
      }
      if (next && 'pageToken' in next) {
        yield {
          records,
          deletes,
          checkpoint: { syncToken: start.syncToken, listing: { pageToken: next.pageToken, syncToken } },
        };
        continue;
      }
      if (!body.data.nextSyncToken)
        throw unreadable(request, response.status, 'the last page has no nextSyncToken');
      yield { records, deletes, checkpoint: { syncToken: body.data.nextSyncToken } };
    }
  },
  async fetchOne(ctx, id) {
    const response = await ctx.http.request({
      path: `/calendars/${encodeURIComponent(ctx.config.calendarId)}/events/${encodeURIComponent(id)}`,
      accept: [404, 410],
    });
    if (response.status !== 200) return null;
    const event = eventSchema.safeParse(response.body);
    if (!event.success) throw unreadable('GET /calendars/{calendarId}/events/{eventId}', 200, event.error);
    return event.data.status === 'cancelled'
      ? null
      : toCalendarEvent(event.data, ctx.config.calendarId, response.body);
  },
});

/** The code behind the Google Calendar manifest's `syncs`, by resource. */
export const GOOGLE_CALENDAR_SYNCS = { events: googleCalendarEventsSync };
