/**
 * Google Calendar API v3 `events.list` (`GET /calendar/v3/calendars/{calendarId}/events`) and
 * `events.get` (`…/events/{eventId}`) on loopback for sync tests.
 *
 * Built from:
 * - The method: https://developers.google.com/workspace/calendar/api/v3/reference/events/list
 *   (`maxResults` default 250 and at most 2500, `pageToken`, `showDeleted`, `singleEvents`,
 *   `syncToken`; `nextPageToken` on every page but the last, `nextSyncToken` on the last only;
 *   `orderBy`, `q`, `timeMin`, `timeMax`, `updatedMin`, `iCalUID` and the extended-property
 *   filters are refused beside a `syncToken`).
 * - The sync guide: https://developers.google.com/calendar/api/guides/sync (an incremental answer
 *   holds every event changed since the token, deleted ones with `status: "cancelled"`; a token
 *   the server no longer honours is answered 410 Gone with reason `fullSyncRequired`).
 * - The Events resource as @googleapis/calendar types it (Schema$Event, Schema$Events): the
 *   fields served here and their formats; cancelled events carry only what the docs guarantee.
 *
 * Fake's own choices (not checked against the live API): one calendar, reachable as `primary` or
 * by its owner's address; no recurring events (every event is single, whatever `singleEvents`
 * says); a listing is a snapshot taken at its first page, its sync token covers the changes made
 * before that snapshot; `expireSyncTokens({ purgeDeleted })` forgets every token and, on request,
 * the tombstones of deleted events (Google drops them after a while, which is why an old token
 * stops working).
 */
import { bearerOf, type FakeReply, type FakeRequest, startLoopbackServer } from './loopback-server.js';

type Person = { id?: string; email?: string; displayName?: string; self?: boolean };

/** An event as events.list serves it (the fields of Schema$Event this fake models). */
export interface CalendarApiEvent {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink?: string;
  created?: string;
  updated?: string;
  summary?: string;
  description?: string;
  location?: string;
  creator?: Person;
  organizer?: Person;
  start?: { date?: string; dateTime?: string; timeZone?: string };
  end?: { date?: string; dateTime?: string; timeZone?: string };
  iCalUID?: string;
  sequence?: number;
  attendees?: Array<Person & { responseStatus: string; organizer?: boolean; optional?: boolean }>;
  reminders?: { useDefault: boolean };
  eventType?: string;
}

export interface CalendarRequestLog {
  calendarId: string;
  syncToken: string | null;
  pageToken: string | null;
  showDeleted: string | null;
  singleEvents: string | null;
  maxResults: string | null;
  status: number;
}

export interface GoogleCalendarApiFake {
  /** The API base, `http://127.0.0.1:<port>/calendar/v3`. */
  url: string;
  token: string;
  owner: string;
  requests: CalendarRequestLog[];
  seedEvents(count: number, fields?: Partial<CalendarApiEvent>): CalendarApiEvent[];
  addEvent(fields?: Partial<CalendarApiEvent>): CalendarApiEvent;
  updateEvent(id: string, fields: Partial<CalendarApiEvent>): CalendarApiEvent;
  /** Deletes an event: it stays as a cancelled tombstone until purged. */
  deleteEvent(id: string): void;
  /** Every event the fake holds, tombstones included, in creation order. */
  events(): CalendarApiEvent[];
  /** Every token issued so far is answered 410 Gone from now on; `purgeDeleted` also drops the tombstones. */
  expireSyncTokens(options?: { purgeDeleted?: boolean }): void;
  setInvalidAuth(invalid: boolean): void;
  close(): Promise<void>;
}

const SYNC_TOKEN_CONFLICTS = ['orderBy', 'q', 'timeMin', 'timeMax', 'updatedMin', 'iCalUID'];
const PREFIX = '/calendar/v3/calendars/';

const googleError = (code: number, message: string, reason: string, domain = 'global') => ({
  status: code,
  body: { error: { code, message, errors: [{ domain, reason, message }] } },
});

export async function startGoogleCalendarApiFake(
  options: { token?: string; owner?: string } = {},
): Promise<GoogleCalendarApiFake> {
  const token = options.token ?? 'ya29.a0AfH6SMBfake-calendar-token';
  const owner = options.owner ?? 'alex@example.com';
  const stored = new Map<string, { event: CalendarApiEvent; changedAt: number }>();
  const issued = new Map<string, number>(); // sync token → the change sequence it covers
  const listings = new Map<string, { ids: string[]; offset: number; covers: number }>();
  const requests: CalendarRequestLog[] = [];
  let sequence = 0;
  let eventCount = 0;
  let invalidAuth = false;

  const stamp = () => new Date(Date.now() + sequence).toISOString();
  const change = (event: CalendarApiEvent) => {
    sequence += 1;
    const changed = { ...event, etag: `"${3_400_000_000_000_000 + sequence}"` };
    stored.set(event.id, { event: changed, changedAt: sequence });
    return changed;
  };
  const issueToken = (covers: number) => {
    const syncToken = `CPDAlvWDx${Buffer.from(`${covers}:${issued.size}`).toString('base64url')}=`;
    issued.set(syncToken, covers);
    return syncToken;
  };
  const served = (event: CalendarApiEvent): CalendarApiEvent =>
    event.status === 'cancelled'
      ? { kind: event.kind, etag: event.etag, id: event.id, status: 'cancelled' }
      : event;

  const list = (calendarId: string, query: URLSearchParams): FakeReply => {
    if (calendarId !== 'primary' && calendarId !== owner) return googleError(404, 'Not Found', 'notFound');
    const syncToken = query.get('syncToken');
    if (syncToken !== null && SYNC_TOKEN_CONFLICTS.some((name) => query.has(name))) {
      return googleError(400, 'Invalid parameter combination with syncToken', 'invalid');
    }
    const size = Math.min(Number(query.get('maxResults') ?? 250), 2500);
    const pageToken = query.get('pageToken');
    let listing = pageToken === null ? undefined : listings.get(pageToken);
    if (pageToken !== null && !listing) return googleError(400, 'Invalid page token', 'invalid');
    if (!listing) {
      const since = syncToken === null ? undefined : issued.get(syncToken);
      if (syncToken !== null && since === undefined) {
        const message = 'Sync token is no longer valid, a full sync is required.';
        return googleError(410, message, 'fullSyncRequired', 'calendar');
      }
      const showDeleted = query.get('showDeleted') === 'true';
      const ids = [...stored.values()]
        .filter(({ event, changedAt }) =>
          since === undefined ? showDeleted || event.status !== 'cancelled' : changedAt > since,
        )
        .map(({ event }) => event.id);
      listing = { ids, offset: 0, covers: sequence };
    }
    const page = listing.ids.slice(listing.offset, listing.offset + size);
    const rest = { ...listing, offset: listing.offset + size };
    const body: Record<string, unknown> = {
      kind: 'calendar#events',
      etag: `"p33c8jsgue2ofq0g"`,
      summary: owner,
      description: '',
      updated: stamp(),
      timeZone: 'Europe/Zurich',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      items: page.flatMap((id) => {
        const entry = stored.get(id);
        return entry ? [served(entry.event)] : [];
      }),
    };
    if (rest.offset < rest.ids.length) {
      const next = `EjYKKzBm${Buffer.from(`${listings.size}:${rest.offset}`).toString('base64url')}`;
      listings.set(next, rest);
      body.nextPageToken = next;
    } else {
      body.nextSyncToken = issueToken(listing.covers);
    }
    return { status: 200, body };
  };

  /** events.get: a deleted event is still served, cancelled, until its tombstone is purged. */
  const get = (calendarId: string, eventId: string): FakeReply => {
    const entry = calendarId === 'primary' || calendarId === owner ? stored.get(eventId) : undefined;
    return entry ? { status: 200, body: served(entry.event) } : googleError(404, 'Not Found', 'notFound');
  };

  const handle = (request: FakeRequest): FakeReply => {
    const match = request.pathname.startsWith(PREFIX)
      ? /^([^/]+)\/events(?:\/([^/]+))?$/.exec(request.pathname.slice(PREFIX.length))
      : null;
    if (!match || request.method !== 'GET') return googleError(404, 'Not Found', 'notFound');
    const calendarId = decodeURIComponent(match[1] ?? '');
    const eventId = match[2] === undefined ? null : decodeURIComponent(match[2]);
    const reply =
      bearerOf(request) !== token || invalidAuth
        ? googleError(401, 'Request had invalid authentication credentials.', 'authError')
        : eventId === null
          ? list(calendarId, request.query)
          : get(calendarId, eventId);
    requests.push({
      calendarId,
      syncToken: request.query.get('syncToken'),
      pageToken: request.query.get('pageToken'),
      showDeleted: request.query.get('showDeleted'),
      singleEvents: request.query.get('singleEvents'),
      maxResults: request.query.get('maxResults'),
      status: reply.status,
    });
    return reply;
  };

  const server = await startLoopbackServer(handle);
  const eventOf = (id: string) => {
    const entry = stored.get(id);
    if (!entry) throw new Error(`no event ${id} in the Calendar fake`);
    return entry.event;
  };

  const fake: GoogleCalendarApiFake = {
    url: `${server.origin}/calendar/v3`,
    token,
    owner,
    requests,
    seedEvents: (count, fields) => Array.from({ length: count }, () => fake.addEvent(fields)),
    addEvent(fields = {}) {
      eventCount += 1;
      // Event ids use base32hex characters (a-v, 0-9), as the Events resource requires.
      const id = `4k8dv${eventCount.toString(32).padStart(8, '0')}`;
      const day = String(1 + (eventCount % 28)).padStart(2, '0');
      const at = stamp();
      return change({
        kind: 'calendar#event',
        etag: '',
        id,
        status: 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${owner}`).toString('base64url')}`,
        created: at,
        updated: at,
        summary: `Planning #${eventCount}`,
        description: 'Quarterly planning',
        location: 'Room 4',
        creator: { email: owner, self: true },
        organizer: { email: owner, self: true },
        start: { dateTime: `2030-01-${day}T10:00:00+01:00`, timeZone: 'Europe/Zurich' },
        end: { dateTime: `2030-01-${day}T11:00:00+01:00`, timeZone: 'Europe/Zurich' },
        iCalUID: `${id}@google.com`,
        sequence: 0,
        attendees: [
          { email: owner, organizer: true, self: true, responseStatus: 'accepted' },
          { email: 'sam@example.com', displayName: 'Sam Lee', responseStatus: 'needsAction' },
        ],
        reminders: { useDefault: true },
        eventType: 'default',
        ...fields,
      });
    },
    updateEvent(id, fields) {
      const event = eventOf(id);
      return change({ ...event, ...fields, id, updated: stamp(), sequence: (event.sequence ?? 0) + 1 });
    },
    deleteEvent(id) {
      change({ ...eventOf(id), status: 'cancelled', updated: stamp() });
    },
    events: () => [...stored.values()].map(({ event }) => event),
    expireSyncTokens({ purgeDeleted = false } = {}) {
      issued.clear();
      if (!purgeDeleted) return;
      for (const [id, { event }] of stored) if (event.status === 'cancelled') stored.delete(id);
    },
    setInvalidAuth(invalid) {
      invalidAuth = invalid;
    },
    close: () => server.close(),
  };
  return fake;
}
