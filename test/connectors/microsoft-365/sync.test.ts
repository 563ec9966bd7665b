import { afterEach, describe, expect, it } from 'vitest';
import { microsoft365Manifest } from '../../../src/connectors/microsoft-365/manifest.js';
import { MICROSOFT_365_SYNCS } from '../../../src/connectors/microsoft-365/sync.js';
import { FullResyncRequired, ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { Checkpoint } from '../../../src/connectors/sdk/sync.js';
import { resourceSyncOf } from '../../../src/connectors/syncs.js';
import {
  type GraphApiFake,
  type GraphApiFakeOptions,
  startGraphApiFake,
} from '../../support/fakes/graph-api.js';
import { runResourceSync, type SyncRunOptions } from '../../support/run-resource-sync.js';

let fake: GraphApiFake;
afterEach(() => fake?.close());

async function start(options: GraphApiFakeOptions = {}) {
  fake = await startGraphApiFake(options);
}

const run = (resource: 'users' | 'events', options: Partial<SyncRunOptions> = {}) =>
  runResourceSync(MICROSOFT_365_SYNCS[resource], {
    manifest: microsoft365Manifest,
    baseUrl: fake.url,
    token: fake.token,
    ...options,
  });

const queryOf = (index: number) => new URLSearchParams(fake.requests[index]!.query);
const DAY_MS = 86_400_000;

describe('Microsoft 365 users sync (Graph users delta)', () => {
  it('lists every user over nextLink pages with $select, as DirectoryUsers, and keeps the deltaLink', async () => {
    await start({ pageSize: 2 });
    const users = fake.seedUsers(5);

    const result = await run('users');

    expect(result.error).toBeNull();
    expect(result.recordIds).toEqual(users.map((user) => user.id));
    expect(result.pages.map((page) => page.checkpoint)).toEqual([
      { nextLink: expect.stringContaining('/v1.0/users/delta?$skiptoken='), fullRound: true },
      { nextLink: expect.stringContaining('/v1.0/users/delta?$skiptoken='), fullRound: true },
      { deltaLink: expect.stringContaining('/v1.0/users/delta?$deltatoken=') },
    ]);
    expect(result.checkpoint).toEqual(result.pages[2]!.checkpoint);
    expect(queryOf(0).get('$select')).toBe('displayName,givenName,surname,mail,userPrincipalName');
    expect(fake.requests.map((request) => request.token)).toEqual(['none', 'skip', 'skip']);
    const first = result.pages[0]!.records[0]!;
    expect(first.data).toEqual({
      id: users[0]!.id,
      email: users[0]!.mail,
      displayName: 'Cameron White',
      givenName: 'Cameron',
      familyName: 'White',
      active: true,
      title: null,
      department: null,
    });
    expect(first.raw).toEqual({
      id: users[0]!.id,
      displayName: 'Cameron White',
      givenName: 'Cameron',
      surname: 'White',
      mail: users[0]!.mail,
      userPrincipalName: users[0]!.userPrincipalName,
    });
  });

  it('asks the deltaLink next time and gets only changes: updates, additions, and @removed as deletes', async () => {
    await start();
    const [kept, renamed, softDeleted, purged] = fake.seedUsers(4);
    const first = await run('users');
    const quiet = await run('users', { checkpoint: first.checkpoint });
    expect(quiet.error).toBeNull();
    expect(quiet.recordIds).toEqual([]);
    expect(quiet.deletes).toEqual([]);
    expect(fake.requests.at(-1)).toMatchObject({ resource: 'users', token: 'delta', status: 200 });

    fake.updateUser(renamed!.id!, { displayName: 'Delia Dennis-Cortez' });
    fake.removeUser(softDeleted!.id!, 'changed');
    fake.removeUser(purged!.id!, 'deleted');
    const added = fake.addUser();
    const changes = await run('users', { checkpoint: quiet.checkpoint });

    expect(changes.error).toBeNull();
    expect(changes.recordIds).toEqual([renamed!.id, added.id]);
    expect(changes.recordIds).not.toContain(kept!.id);
    expect(changes.deletes).toEqual([softDeleted!.id, purged!.id]);
    expect(changes.pages[0]!.records[0]!.data).toMatchObject({ displayName: 'Delia Dennis-Cortez' });
    expect(changes.checkpoint).toEqual({ deltaLink: expect.stringContaining('$deltatoken=') });
    expect(changes.checkpoint).not.toEqual(quiet.checkpoint);
  });

  it('resumes a round from its saved nextLink with no gap and no duplicate', async () => {
    await start({ pageSize: 2 });
    const users = fake.seedUsers(5);
    const interrupted = await run('users');
    // The run died after recording its first page: the next one starts from that page's checkpoint.
    const resumed = await run('users', { checkpoint: interrupted.pages[0]!.checkpoint, full: false });

    expect(resumed.error).toBeNull();
    expect([...interrupted.pages[0]!.records.map((record) => record.id), ...resumed.recordIds]).toEqual(
      users.map((user) => user.id),
    );
    expect(resumed.checkpoint).toEqual({ deltaLink: expect.any(String) });
    expect(fake.requests.slice(3).map((request) => request.token)).toEqual(['skip', 'skip']);
  });

  it('starts a new full round on a full run, whatever the checkpoint says', async () => {
    await start();
    fake.seedUsers(2);
    const first = await run('users');
    const full = await run('users', { checkpoint: first.checkpoint, full: true });
    expect(full.recordIds).toEqual(first.recordIds);
    expect(fake.requests.at(-1)).toMatchObject({ token: 'none', status: 200 });
  });

  it.each([
    ['410 Gone with resyncRequired', 'resyncRequired'],
    ['400 with syncStateNotFound', 'syncStateNotFound'],
  ] as const)(
    'asks the engine for a full listing when Graph refuses the delta link (%s)',
    async (_name, answer) => {
      await start();
      fake.seedUsers(2);
      const first = await run('users');
      fake.expireDeltaTokens(answer);

      const result = await run('users', { checkpoint: first.checkpoint });

      expect(result.error).toBeInstanceOf(FullResyncRequired);
      expect(result.pages).toEqual([]);
      expect(fake.requests.at(-1)!.status).toBe(answer === 'resyncRequired' ? 410 : 400);
    },
  );

  it('selects job title, department and accountEnabled when configured for extended properties', async () => {
    await start();
    const [user] = fake.seedUsers(1, { jobTitle: 'Buyer', department: 'Sales', accountEnabled: false });
    const result = await run('users', { config: { properties: 'extended' } });
    expect(queryOf(0).get('$select')).toBe(
      'displayName,givenName,surname,mail,userPrincipalName,jobTitle,department,accountEnabled',
    );
    expect(result.pages[0]!.records[0]!.data).toMatchObject({
      id: user!.id,
      title: 'Buyer',
      department: 'Sales',
      active: false,
    });
  });

  it('waits out a short Retry-After inside the call, and stops the run with retryAt for a long one', async () => {
    await start();
    fake.seedUsers(2);
    fake.throttle(1, 1);
    const waited = await run('users');
    expect(waited.error).toBeNull();
    expect(waited.recordIds).toHaveLength(2);
    const [throttled, retried] = fake.requests;
    expect([throttled!.status, retried!.status]).toEqual([429, 200]);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(950);

    fake.throttle(1, 120);
    const before = Date.now();
    const stopped = await run('users', { checkpoint: waited.checkpoint });
    expect(stopped.error).toBeInstanceOf(ProviderCallError);
    const error = stopped.error as ProviderCallError;
    expect(error.failureClass).toBe('rate_limited');
    expect(error.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 119_000);
    expect(stopped.checkpoint).toEqual(waited.checkpoint);
    expect(fake.requests.slice(2).map((request) => request.status)).toEqual([429]);
  });

  it('reports a refused token as an auth failure', async () => {
    await start();
    fake.setInvalidAuth(true);
    const result = await run('users');
    expect((result.error as ProviderCallError).failureClass).toBe('auth');
  });
});

describe('Microsoft 365 events sync (Graph calendarView delta)', () => {
  it('lists the events of a window around today as CalendarEvents, sending Prefer on every page', async () => {
    await start({ pageSize: 2 });
    const now = Date.now();
    const inside = fake.seedEvents(3, { start: new Date(now + 2 * DAY_MS) });
    fake.addEvent(new Date(now - 60 * DAY_MS));
    fake.addEvent(new Date(now + 200 * DAY_MS));

    const result = await run('events');

    expect(result.error).toBeNull();
    expect(result.recordIds).toEqual(inside.map((event) => event.id));
    const window = { start: queryOf(0).get('startDateTime')!, end: queryOf(0).get('endDateTime')! };
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    expect(window).toEqual({
      start: new Date(today - 30 * DAY_MS).toISOString(),
      end: new Date(today + 181 * DAY_MS).toISOString(),
    });
    expect(fake.requests.map((request) => request.prefer)).toEqual([
      'odata.maxpagesize=100',
      'odata.maxpagesize=100',
    ]);
    expect(result.checkpoint).toEqual({
      deltaLink: expect.stringContaining('/me/calendarView/delta?$deltatoken='),
      scope: { ...window, pastDays: 30, futureDays: 180 },
    });
    const event = inside[0]!;
    expect(result.pages[0]!.records[0]!.data).toEqual({
      id: event.id,
      calendar: 'primary',
      title: 'Plan shopping list',
      status: 'confirmed',
      start: new Date(now + 2 * DAY_MS).toISOString(),
      end: new Date(now + 2 * DAY_MS + 3_600_000).toISOString(),
      allDay: false,
      organizer: {
        id: 'samanthab@contoso.onmicrosoft.com',
        name: 'Samantha Booth',
        email: 'samanthab@contoso.onmicrosoft.com',
      },
      attendees: [],
      location: 'Home',
      url: event.webLink,
      updatedAt: new Date(event.lastModifiedDateTime!).toISOString(),
    });
    expect(result.pages[0]!.records[0]!.raw).toMatchObject({
      '@odata.type': '#microsoft.graph.event',
      id: event.id,
    });
  });

  it('gets only changes from the deltaLink: updates, deletions, and events moved out of the window as deletes', async () => {
    await start();
    const [kept, renamed, deleted, moved] = fake.seedEvents(4);
    const first = await run('events');
    const quiet = await run('events', { checkpoint: first.checkpoint });
    expect(quiet.recordIds).toEqual([]);
    expect(quiet.deletes).toEqual([]);

    fake.updateEvent(renamed!.id!, {
      subject: 'Pick up the car',
      isCancelled: true,
      attendees: [
        {
          type: 'required',
          emailAddress: { name: 'Patti Fernandez', address: 'PattiF@contoso.onmicrosoft.com' },
          status: { response: 'accepted', time: '2016-12-09T20:30:00Z' },
        },
      ],
    });
    fake.deleteEvent(deleted!.id!);
    fake.updateEvent(moved!.id!, {
      start: { dateTime: '2099-01-01T10:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2099-01-01T11:00:00.0000000', timeZone: 'UTC' },
    });
    // Graph reports an event added outside the window as removed, not listed.
    const outside = fake.addEvent(new Date(Date.now() + 400 * DAY_MS));
    const changes = await run('events', { checkpoint: quiet.checkpoint });

    expect(changes.error).toBeNull();
    expect(changes.recordIds).toEqual([renamed!.id]);
    expect(changes.recordIds).not.toContain(kept!.id);
    expect(changes.deletes).toEqual([deleted!.id, moved!.id, outside.id]);
    expect(changes.pages[0]!.records[0]!.data).toMatchObject({
      title: 'Pick up the car',
      status: 'cancelled',
      attendees: [
        {
          id: 'pattif@contoso.onmicrosoft.com',
          name: 'Patti Fernandez',
          email: 'PattiF@contoso.onmicrosoft.com',
          response: 'accepted',
        },
      ],
    });
  });

  it('writes an all-day event as dates and a tentative one as tentative', async () => {
    await start();
    const midnight = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 3 * DAY_MS);
    const day = midnight.toISOString().slice(0, 10);
    const next = new Date(midnight.getTime() + DAY_MS).toISOString().slice(0, 10);
    fake.addEvent(midnight, {
      isAllDay: true,
      showAs: 'tentative',
      start: { dateTime: `${day}T00:00:00.0000000`, timeZone: 'UTC' },
      end: { dateTime: `${next}T00:00:00.0000000`, timeZone: 'UTC' },
    });
    const result = await run('events');
    expect(result.pages[0]!.records[0]!.data).toMatchObject({
      allDay: true,
      start: day,
      end: next,
      status: 'tentative',
    });
  });

  it('lists anew when the window was configured differently or half its future has passed', async () => {
    await start();
    fake.seedEvents(1);
    const first = await run('events');

    const reconfigured = await run('events', { checkpoint: first.checkpoint, config: { futureDays: 90 } });
    expect(reconfigured.error).toBeInstanceOf(FullResyncRequired);

    const saved = first.checkpoint as { deltaLink: string; scope: Record<string, unknown> };
    const aging: Checkpoint = {
      ...saved,
      scope: { ...saved.scope, end: new Date(Date.now() + 89 * DAY_MS).toISOString() },
    };
    const aged = await run('events', { checkpoint: aging });
    expect(aged.error).toBeInstanceOf(FullResyncRequired);
    expect(fake.requests).toHaveLength(1);

    const full = await run('events', { checkpoint: null, config: { futureDays: 90 } });
    expect(full.recordIds).toEqual(first.recordIds);
    expect(queryOf(1).get('endDateTime')).toBe(
      new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 91 * DAY_MS).toISOString(),
    );
  });

  it('asks the engine for a full listing when Graph no longer knows the delta link', async () => {
    await start();
    fake.seedEvents(1);
    const first = await run('events');
    fake.expireDeltaTokens();
    const result = await run('events', { checkpoint: first.checkpoint });
    expect(result.error).toBeInstanceOf(FullResyncRequired);
  });
});

describe('Microsoft 365 syncs in the catalog', () => {
  it('declares users and events with delta links and reported deletes, each backed by its code', () => {
    expect(microsoft365Manifest.capabilities.sync).toBe(true);
    expect(
      microsoft365Manifest.syncs.map((sync) => [sync.resource, sync.model, sync.cursor, sync.deletes]),
    ).toEqual([
      ['users', 'DirectoryUser', 'delta_link', 'reported'],
      ['events', 'CalendarEvent', 'delta_link', 'reported'],
    ]);
    for (const declaration of microsoft365Manifest.syncs) {
      const code = resourceSyncOf('microsoft-365', declaration.resource);
      expect(code, declaration.resource).toBeDefined();
      expect(code!.model).toBe(declaration.model);
    }
  });
});
