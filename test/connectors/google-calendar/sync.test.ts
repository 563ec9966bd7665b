import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { GOOGLE_CALENDAR_SYNCS } from '../../../src/connectors/google-calendar/sync.js';
import { FullResyncRequired, type ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { Checkpoint } from '../../../src/connectors/sdk/sync.js';
import { resourceSyncOf } from '../../../src/connectors/syncs.js';
import { createProviderHttp, staticCredentials } from '../../../src/sync/provider-client/index.js';
import {
  type GoogleCalendarApiFake,
  startGoogleCalendarApiFake,
} from '../../support/fakes/google-calendar-api.js';
import { runResourceSync, type SyncRunOptions } from '../../support/run-resource-sync.js';

let fake: GoogleCalendarApiFake;
beforeEach(async () => {
  fake = await startGoogleCalendarApiFake();
});
afterEach(() => fake.close());

const run = (options: Partial<SyncRunOptions> = {}) =>
  runResourceSync(GOOGLE_CALENDAR_SYNCS.events, {
    manifest: googleCalendarManifest,
    baseUrl: fake.url,
    token: fake.token,
    ...options,
  });

describe('Google Calendar events sync (sync tokens)', () => {
  it('lists every event in full with singleEvents and showDeleted, as CalendarEvents, and keeps the nextSyncToken', async () => {
    const [first] = fake.seedEvents(3);
    const allDay = fake.addEvent({
      start: { date: '2030-02-01' },
      end: { date: '2030-02-02' },
      summary: undefined,
      organizer: { id: '1089', email: 'boss@example.com', displayName: 'The Boss' },
      attendees: undefined,
      location: undefined,
    });

    const result = await run();

    expect(result.error).toBeNull();
    expect(result.recordIds).toEqual(fake.events().map((event) => event.id));
    expect(result.deletes).toEqual([]);
    expect(result.pages[0]!.records[0]).toEqual({
      id: first!.id,
      data: {
        id: first!.id,
        calendar: 'primary',
        title: 'Planning #1',
        status: 'confirmed',
        start: first!.start!.dateTime,
        end: first!.end!.dateTime,
        allDay: false,
        organizer: { id: fake.owner, name: null, email: fake.owner },
        attendees: [
          { id: fake.owner, name: null, email: fake.owner, response: 'accepted' },
          { id: 'sam@example.com', name: 'Sam Lee', email: 'sam@example.com', response: 'needsAction' },
        ],
        location: 'Room 4',
        url: first!.htmlLink,
        updatedAt: first!.updated,
      },
      raw: first,
    });
    expect(result.pages[0]!.records.at(-1)!.data).toMatchObject({
      id: allDay.id,
      title: '',
      start: '2030-02-01',
      end: '2030-02-02',
      allDay: true,
      organizer: { id: '1089', name: 'The Boss', email: 'boss@example.com' },
      attendees: [],
      location: null,
    });
    expect(fake.requests).toEqual([
      {
        calendarId: 'primary',
        syncToken: null,
        pageToken: null,
        showDeleted: 'true',
        singleEvents: 'true',
        maxResults: '250',
        status: 200,
      },
    ]);
    expect(result.checkpoint).toEqual({ syncToken: expect.any(String) });
  });

  it('pages with nextPageToken, each page checkpointed where the next one starts', async () => {
    const seeded = fake.seedEvents(520);
    const result = await run({ config: { calendarId: fake.owner } });

    expect(result.pages.map((page) => page.records.length)).toEqual([250, 250, 20]);
    expect(result.recordIds).toEqual(seeded.map((event) => event.id));
    expect(result.pages[0]!.records[0]!.data).toMatchObject({ calendar: fake.owner });
    expect(fake.requests.map((request) => [request.calendarId, request.pageToken === null])).toEqual([
      [fake.owner, true],
      [fake.owner, false],
      [fake.owner, false],
    ]);
    expect(result.pages[0]!.checkpoint).toEqual({
      syncToken: null,
      listing: { pageToken: fake.requests[1]!.pageToken, syncToken: null },
    });

    // A run that died after the first page resumes at the second, and finishes the same listing.
    const resumed = await run({
      config: { calendarId: fake.owner },
      checkpoint: result.pages[0]!.checkpoint,
      full: true,
    });
    expect(resumed.recordIds).toEqual(seeded.slice(250).map((event) => event.id));
    expect(resumed.checkpoint).toEqual({ syncToken: expect.any(String) });
  });

  it('sends the saved token next time and gets only the changes: updates, new events, cancelled ones as deletes', async () => {
    const [kept, renamed, removed] = fake.seedEvents(3);
    const first = await run();
    const quiet = await run({ checkpoint: first.checkpoint });
    expect(quiet.error).toBeNull();
    expect(quiet.recordIds).toEqual([]);
    expect(quiet.deletes).toEqual([]);
    expect(fake.requests.at(-1)?.syncToken).toBe((first.checkpoint as { syncToken: string }).syncToken);

    fake.updateEvent(renamed!.id, { summary: 'Renamed', status: 'tentative' });
    fake.deleteEvent(removed!.id);
    const added = fake.addEvent();
    const changes = await run({ checkpoint: quiet.checkpoint });

    expect(changes.error).toBeNull();
    expect(changes.recordIds).toEqual([renamed!.id, added.id]);
    expect(changes.recordIds).not.toContain(kept!.id);
    expect(changes.deletes).toEqual([removed!.id]);
    expect(changes.pages[0]!.records[0]!.data).toMatchObject({ title: 'Renamed', status: 'tentative' });
    expect(changes.checkpoint).not.toEqual(quiet.checkpoint);
  });

  it('resumes an incremental listing at its page with the token it started with, losing no change', async () => {
    const seeded = fake.seedEvents(3);
    let checkpoint: Checkpoint | null = (await run()).checkpoint;
    const changed = fake.seedEvents(260).map((event) => event.id);
    const startedWith = (checkpoint as { syncToken: string }).syncToken;
    const partial = await run({ checkpoint });
    checkpoint = partial.pages[0]!.checkpoint;
    expect(checkpoint).toEqual({
      syncToken: startedWith,
      listing: { pageToken: expect.any(String), syncToken: startedWith },
    });

    const resumed = await run({ checkpoint });
    expect(fake.requests.at(-1)).toMatchObject({ syncToken: startedWith, pageToken: expect.any(String) });
    expect([...partial.pages[0]!.records.map((record) => record.id), ...resumed.recordIds]).toEqual(changed);
    expect(changed).not.toContain(seeded[0]!.id);
  });

  it('asks the engine for a full listing when Google answers 410 Gone for the sync token', async () => {
    fake.seedEvents(2);
    const first = await run();
    fake.expireSyncTokens();

    const result = await run({ checkpoint: first.checkpoint });

    expect(result.error).toBeInstanceOf(FullResyncRequired);
    expect(result.pages).toEqual([]);
    expect(fake.requests.at(-1)).toMatchObject({
      status: 410,
      syncToken: (first.checkpoint as { syncToken: string }).syncToken,
    });
    // What the engine does next: the same sync, full, from nothing.
    const again = await run({ checkpoint: null, full: true });
    expect(again.error).toBeNull();
    expect(again.recordIds).toHaveLength(2);
  });

  it('starts a requested full listing from nothing, whatever token or incremental listing was saved', async () => {
    fake.seedEvents(2);
    const first = await run();
    const full = await run({
      checkpoint: { ...first.checkpoint, listing: { pageToken: 'stale', syncToken: 'old' } },
      full: true,
    });
    expect(full.recordIds).toEqual(first.recordIds);
    expect(fake.requests.at(-1)).toMatchObject({ syncToken: null, pageToken: null });
  });

  it('reports a refused token as an auth failure and fetches one event fresh for drift checks', async () => {
    const [event, gone] = fake.seedEvents(2);
    fake.deleteEvent(gone!.id);
    const sync = GOOGLE_CALENDAR_SYNCS.events;
    expect(resourceSyncOf('google-calendar', 'events')).toBe(sync);

    fake.setInvalidAuth(true);
    const refused = await run();
    expect((refused.error as ProviderCallError).failureClass).toBe('auth');
    fake.setInvalidAuth(false);

    const listed = await run();
    const connection = { id: 'connection-1', accountId: null, values: {} };
    const ctx = {
      checkpoint: null,
      config: { calendarId: 'primary' },
      full: true,
      connection,
      signal: new AbortController().signal,
      now: () => new Date(),
      http: createProviderHttp({
        manifest: { ...googleCalendarManifest, api: { ...googleCalendarManifest.api, baseUrl: fake.url } },
        connection,
        credentials: staticCredentials({ authorization: `Bearer ${fake.token}` }),
      }),
    };
    expect(await sync.fetchOne!(ctx, event!.id)).toEqual(listed.pages[0]!.records[0]);
    expect(await sync.fetchOne!(ctx, gone!.id)).toBeNull();
    expect(await sync.fetchOne!(ctx, 'nosuchevent0')).toBeNull();
  });
});
