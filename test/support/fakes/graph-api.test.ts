import {
  AuthenticationHandler,
  Client,
  type Context,
  GraphError,
  type Middleware,
  type PageCollection,
  PageIterator,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { Event, User } from '@microsoft/microsoft-graph-types';
import { afterEach, describe, expect, it } from 'vitest';
import { type GraphApiFake, type GraphApiFakeOptions, startGraphApiFake } from './graph-api.js';

/**
 * The Graph fake, driven by Microsoft's own client: what it serves, @microsoft/microsoft-graph-client
 * can page and retry. That client follows only https Graph URLs (and sends the token only to
 * them), so the fake writes its links under https://graph.microsoft.com and the last middleware
 * sends each request to loopback instead, as a TLS-terminating proxy would.
 */
const GRAPH = 'https://graph.microsoft.com';

class LoopbackTransport implements Middleware {
  constructor(private readonly origin: string) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (!url.startsWith(`${GRAPH}/`)) throw new Error(`the SDK asked for ${url}`);
    context.response = await fetch(
      `${this.origin}${url.slice(GRAPH.length)}`,
      context.options as RequestInit,
    );
  }
}

let fake: GraphApiFake;
afterEach(() => fake?.close());

async function start(options: GraphApiFakeOptions = {}) {
  fake = await startGraphApiFake({ ...options, linkOrigin: GRAPH });
  const origin = new URL(fake.url).origin;
  const client = Client.initWithMiddleware({
    middleware: [
      new AuthenticationHandler({ getAccessToken: async () => fake.token }),
      new RetryHandler(new RetryHandlerOptions(1, 2)),
      new LoopbackTransport(origin),
    ],
  });
  return client;
}

/** Every item of a round through PageIterator, and the delta link it ends with. */
async function iterate<Item>(client: Client, first: PageCollection, headers?: Record<string, string>) {
  const items: Item[] = [];
  const iterator = new PageIterator(
    client,
    first,
    (item) => {
      items.push(item as Item);
      return true;
    },
    headers ? { headers } : undefined,
  );
  await iterator.iterate();
  expect(iterator.isComplete()).toBe(true);
  return { items, deltaLink: iterator.getDeltaLink() };
}

describe('the Microsoft Graph fake, through @microsoft/microsoft-graph-client', () => {
  it('pages a users delta round with $select, then lists only changes and @removed from the delta link', async () => {
    const client = await start({ pageSize: 2 });
    const [kept, renamed, removed, purged, quiet] = fake.seedUsers(5);

    const first = await client.api('/users/delta').select(['displayName', 'givenName', 'surname']).get();
    expect(first['@odata.nextLink']).toMatch(
      /^https:\/\/graph\.microsoft\.com\/v1\.0\/users\/delta\?\$skiptoken=/,
    );
    const round = await iterate<User>(client, first);
    expect(round.items.map((user) => user.id)).toEqual(fake.users().map((user) => user.id));
    expect(round.items[0]).toEqual({
      id: kept!.id,
      displayName: 'Cameron White',
      givenName: 'Cameron',
      surname: 'White',
    });
    expect(round.deltaLink).toMatch(/\/users\/delta\?\$deltatoken=/);
    // The $select of the first request lives in the tokens: later pages carry none.
    expect(fake.requests.map((request) => request.token)).toEqual(['none', 'skip', 'skip']);

    fake.updateUser(renamed!.id!, { displayName: 'Delia Dennis-Cortez', jobTitle: 'Buyer' });
    fake.removeUser(removed!.id!);
    fake.removeUser(purged!.id!, 'deleted');
    const added = fake.addUser();
    const changes = await iterate<User & { '@removed'?: { reason: string } }>(
      client,
      await client.api(round.deltaLink!).get(),
    );

    expect(changes.items).toEqual([
      { id: renamed!.id, displayName: 'Delia Dennis-Cortez', givenName: 'Delia', surname: 'Dennis' },
      { id: removed!.id, '@removed': { reason: 'changed' } },
      { id: purged!.id, '@removed': { reason: 'deleted' } },
      { id: added.id, displayName: added.displayName, givenName: added.givenName, surname: added.surname },
    ]);
    expect(changes.items.map((user) => user.id)).not.toContain(quiet!.id);
    const idle = await client.api(changes.deltaLink!).get();
    expect(idle.value).toEqual([]);
    expect(idle['@odata.deltaLink']).toBeDefined();
  });

  it('returns the default user properties without $select, leaving unset ones out', async () => {
    const client = await start();
    fake.seedUsers(1);
    const page = await client.api('/users/delta').get();
    expect(Object.keys(page.value[0]).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    expect(page['@odata.deltaLink']).toBeDefined();
  });

  it('pages a calendarView delta round by Prefer: odata.maxpagesize and reports events deleted or moved out of the window', async () => {
    const client = await start();
    const now = Date.now();
    const inside = fake.seedEvents(3, { start: new Date(now + 86_400_000) });
    const outside = fake.addEvent(new Date(now + 400 * 86_400_000));
    const prefer = { Prefer: 'odata.maxpagesize=2' };

    const first = await client
      .api('/me/calendarView/delta')
      .query({
        startDateTime: new Date(now - 86_400_000).toISOString(),
        endDateTime: new Date(now + 30 * 86_400_000).toISOString(),
      })
      .headers(prefer)
      .get();
    const round = await iterate<Event>(client, first, prefer);
    expect(round.items.map((event) => event.id)).toEqual(inside.map((event) => event.id));
    expect(round.items.map((event) => event.id)).not.toContain(outside.id);
    expect(round.items[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.event',
      subject: 'Plan shopping list',
      organizer: { emailAddress: { name: 'Samantha Booth', address: 'samanthab@contoso.onmicrosoft.com' } },
      start: { timeZone: 'UTC' },
    });
    expect(fake.requests.map((request) => request.prefer)).toEqual([
      'odata.maxpagesize=2',
      'odata.maxpagesize=2',
    ]);

    fake.updateEvent(inside[0]!.id!, { subject: 'Plan a longer shopping list' });
    fake.deleteEvent(inside[1]!.id!);
    fake.updateEvent(inside[2]!.id!, {
      start: { dateTime: '2099-01-01T10:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2099-01-01T11:00:00.0000000', timeZone: 'UTC' },
    });
    const changes = await iterate<Event & { '@removed'?: unknown }>(
      client,
      await client.api(round.deltaLink!).get(),
    );
    expect(changes.items).toEqual([
      expect.objectContaining({ id: inside[0]!.id, subject: 'Plan a longer shopping list' }),
      { '@odata.type': '#microsoft.graph.event', id: inside[1]!.id, '@removed': { reason: 'deleted' } },
      { '@odata.type': '#microsoft.graph.event', id: inside[2]!.id, '@removed': { reason: 'deleted' } },
    ]);
  });

  it("answers a 429 with Retry-After, which the SDK's RetryHandler waits out", async () => {
    const client = await start();
    fake.seedUsers(1);
    fake.throttle(1, 1);
    const page = await client.api('/users/delta').get();
    expect(page.value).toHaveLength(1);
    const [throttled, retried] = fake.requests;
    expect([throttled!.status, retried!.status]).toEqual([429, 200]);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(950);
  });

  it('refuses an expired delta link with 410 resyncRequired or 400 syncStateNotFound, and a bad token with 401', async () => {
    const client = await start();
    fake.seedUsers(1);
    const deltaLink = (await client.api('/users/delta').get())['@odata.deltaLink'];

    fake.expireDeltaTokens();
    const gone = await client
      .api(deltaLink)
      .get()
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(GraphError);
    expect(gone).toMatchObject({ statusCode: 410, code: 'resyncRequired' });

    fake.expireDeltaTokens('syncStateNotFound');
    const expired = await client
      .api(deltaLink)
      .get()
      .catch((error: unknown) => error);
    expect(expired).toMatchObject({ statusCode: 400, code: 'syncStateNotFound' });

    fake.setInvalidAuth(true);
    const refused = await client
      .api('/users/delta')
      .get()
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });

  it('asks for the calendar window on the first request', async () => {
    const client = await start();
    const missing = await client
      .api('/me/calendarView/delta')
      .get()
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
  });
});
