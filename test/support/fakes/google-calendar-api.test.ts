import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GoogleCalendarApiFake, startGoogleCalendarApiFake } from './google-calendar-api.js';

/** The Calendar fake, driven by Google's own client: what it serves, @googleapis/calendar can read. */

let fake: GoogleCalendarApiFake;
beforeEach(async () => {
  fake = await startGoogleCalendarApiFake();
});
afterEach(() => fake.close());

function client(token = fake.token): calendar_v3.Calendar {
  const credentials = new auth.OAuth2();
  credentials.setCredentials({ access_token: token });
  return calendar({
    version: 'v3',
    auth: credentials,
    rootUrl: fake.url.replace('/calendar/v3', '/'),
    retry: false,
  });
}

/** Every page of one listing, as the sync guide's sample pages it. */
async function listAll(api: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List) {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const { data } = await api.events.list({ ...params, pageToken });
    pages += 1;
    items.push(...(data.items ?? []));
    if (!data.nextPageToken) return { items, pages, nextSyncToken: data.nextSyncToken, last: data };
    expect(data.nextSyncToken).toBeUndefined();
    pageToken = data.nextPageToken;
  }
}

describe('the Google Calendar fake, through @googleapis/calendar', () => {
  it('pages a full listing with nextPageToken and ends it with a nextSyncToken', async () => {
    const seeded = fake.seedEvents(7);
    const listed = await listAll(client(), { calendarId: 'primary', singleEvents: true, maxResults: 3 });

    expect(listed.pages).toBe(3);
    expect(listed.items.map((event) => event.id)).toEqual(seeded.map((event) => event.id));
    expect(listed.nextSyncToken).toEqual(expect.any(String));
    expect(listed.last).toMatchObject({ kind: 'calendar#events', summary: fake.owner, accessRole: 'owner' });
    const first = listed.items[0] as calendar_v3.Schema$Event;
    expect(first).toMatchObject({ kind: 'calendar#event', status: 'confirmed', summary: 'Planning #1' });
    expect(first.start?.dateTime).toBe(seeded[0]?.start?.dateTime);
    expect(new Date(first.updated as string).toISOString()).toBe(first.updated);
    expect(fake.requests.map((request) => request.maxResults)).toEqual(['3', '3', '3']);
  });

  it('answers a sync token with only the changes, deletions as cancelled events with their id', async () => {
    const [kept, renamed, removed] = fake.seedEvents(3);
    const api = client();
    const first = await listAll(api, { calendarId: 'primary', singleEvents: true, showDeleted: true });

    fake.updateEvent(renamed!.id, { summary: 'Renamed' });
    fake.deleteEvent(removed!.id);
    const changes = await listAll(api, {
      calendarId: 'primary',
      singleEvents: true,
      showDeleted: true,
      syncToken: first.nextSyncToken!,
    });

    expect(changes.items.map((event) => [event.id, event.status])).toEqual([
      [renamed!.id, 'confirmed'],
      [removed!.id, 'cancelled'],
    ]);
    expect(changes.items[0]?.summary).toBe('Renamed');
    expect(changes.items.map((event) => event.id)).not.toContain(kept!.id);
    const quiet = await listAll(api, { calendarId: 'primary', syncToken: changes.nextSyncToken! });
    expect(quiet.items).toEqual([]);

    // A full listing shows the tombstone only with showDeleted.
    expect((await listAll(api, { calendarId: 'primary' })).items.map((event) => event.id)).not.toContain(
      removed!.id,
    );
    expect(
      (await listAll(api, { calendarId: 'primary', showDeleted: true })).items.map((event) => event.id),
    ).toContain(removed!.id);
  });

  it('refuses an expired sync token with 410 fullSyncRequired, and filters beside a sync token with 400', async () => {
    fake.seedEvents(2);
    const api = client();
    const first = await listAll(api, { calendarId: 'primary' });
    fake.expireSyncTokens();

    const gone = await api.events
      .list({ calendarId: 'primary', syncToken: first.nextSyncToken! })
      .catch((error: unknown) => error);
    expect(gone).toMatchObject({
      status: 410,
      message: 'Sync token is no longer valid, a full sync is required.',
      response: {
        data: { error: { code: 410, errors: [{ domain: 'calendar', reason: 'fullSyncRequired' }] } },
      },
    });
    const mixed = await api.events
      .list({ calendarId: 'primary', syncToken: 'anything', timeMin: '2030-01-01T00:00:00Z' })
      .catch((error: unknown) => error);
    expect(mixed).toMatchObject({ status: 400 });
  });

  it('refuses a bad token with 401 and an unknown calendar with 404', async () => {
    await expect(client('ya29.wrong').events.list({ calendarId: 'primary' })).rejects.toMatchObject({
      status: 401,
    });
    await expect(client().events.list({ calendarId: 'someone-else@example.com' })).rejects.toMatchObject({
      status: 404,
    });
    expect((await client().events.list({ calendarId: fake.owner })).status).toBe(200);
  });
});
