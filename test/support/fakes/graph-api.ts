/**
 * Microsoft Graph v1.0 delta queries on loopback for sync tests: `GET /v1.0/users/delta` and
 * `GET /v1.0/me/calendarView/delta`.
 *
 * Built from:
 * - The delta protocol: https://learn.microsoft.com/graph/delta-query-overview (graph-delta.ts;
 *   removed instances as `{ id, "@removed": { reason } }`; "410 Gone" with a Location header when
 *   the client must start over; an expired token answered by a 40x with `syncStateNotFound`) and the
 *   error codes and body of https://learn.microsoft.com/graph/errors (`resyncRequired`,
 *   `syncStateNotFound`, `activityLimitReached`, `{ error: { code, message, innerError } }`).
 * - Users: https://learn.microsoft.com/graph/api/user-delta and
 *   https://learn.microsoft.com/graph/delta-query-users: `$select` on the first request only, the
 *   default property set without it, unset properties left out; `@removed` reason `changed` for a
 *   deleted (restorable) user, `deleted` for a permanently deleted one.
 * - Events: https://learn.microsoft.com/graph/api/event-delta and
 *   https://learn.microsoft.com/graph/delta-query-events: `startDateTime`/`endDateTime` on the first
 *   request only, `Prefer: odata.maxpagesize`, no `$select`, and `@removed` reason `deleted` both
 *   for deleted events and for events changed outside the window.
 * - Throttling: https://learn.microsoft.com/graph/throttling (429 with Retry-After in seconds).
 * - Types: @microsoft/microsoft-graph-types (User, Event); values in graph-examples.ts.
 * - Checked with @microsoft/microsoft-graph-client 3.0.7 in graph-api.test.ts (PageIterator over a
 *   round, getDeltaLink, the next round through the delta link, RetryHandler on 429, GraphError).
 *
 * Fake's own choices (not checked against the live service): the first round lists live items
 * only; a user's or event's every change puts its current state in the next round once; page
 * size is 100 unless `Prefer: odata.maxpagesize` asks for less (events) or the fake was started
 * with another; a state token the fake did not issue, or a delta token issued before
 * `expireDeltaTokens()`, is answered as that call chose (410 resyncRequired by default).
 */
import type { Event, User } from '@microsoft/microsoft-graph-types';
import { DeltaTokens, type RoundQuery } from './graph-delta.js';
import { DEFAULT_USER_PROPERTIES, exampleEvent, exampleUser } from './graph-examples.js';
import { bearerOf, type FakeReply, type FakeRequest, startLoopbackServer } from './loopback-server.js';

type Removal = 'changed' | 'deleted';
interface Entry<Item> {
  item: Item;
  changedAt: number;
  removed: Removal | null;
}
interface Window {
  start: number;
  end: number;
}

export interface GraphRequestLog {
  resource: 'users' | 'events' | 'other';
  /** Which request of a round: its first, a `$skiptoken` page, or a `$deltatoken` start. */
  token: 'none' | 'skip' | 'delta';
  status: number;
  /** The query as sent (state tokens included). */
  query: string;
  prefer: string | null;
  at: number;
}

export type ExpiredTokenAnswer = 'resyncRequired' | 'syncStateNotFound';

export interface GraphApiFake {
  /** The API base, `http://127.0.0.1:<port>/v1.0` (links in bodies use `linkOrigin` when given). */
  url: string;
  token: string;
  requests: GraphRequestLog[];
  seedUsers(count: number, fields?: Partial<User>): User[];
  addUser(fields?: Partial<User>): User;
  updateUser(id: string, fields: Partial<User>): User;
  /** `changed`: deleted, restorable for 30 days; `deleted`: permanently deleted. */
  removeUser(id: string, reason?: Removal): void;
  /** Live users, in creation order. */
  users(): User[];
  seedEvents(count: number, options?: { start?: Date; fields?: Partial<Event> }): Event[];
  addEvent(start: Date, fields?: Partial<Event>): Event;
  updateEvent(id: string, fields: Partial<Event>): Event;
  deleteEvent(id: string): void;
  /** Live events, in creation order. */
  events(): Event[];
  /** Delta links issued so far stop working, answered as `answer` says. */
  expireDeltaTokens(answer?: ExpiredTokenAnswer): void;
  /** The next `count` requests get 429 with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void;
  /** Answer every call with 401 until switched off. */
  setInvalidAuth(invalid: boolean): void;
  close(): Promise<void>;
}

export interface GraphApiFakeOptions {
  token?: string;
  /** Largest page of a round (default 100). */
  pageSize?: number;
  /** Origin written into nextLink and deltaLink (the official client only follows https Graph URLs). */
  linkOrigin?: string;
}

const errorBody = (code: string, message: string) => ({
  error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID() } },
});

/** "2016-12-01T00:00:00Z" or, zone left out, "2015-11-08T19:00:00.0000000" (UTC then). */
function parseGraphTime(value: string | null | undefined): number {
  if (!value) return Number.NaN;
  return Date.parse(/(?:Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value.slice(0, 23)}Z`);
}

const eventWindow = (event: Event): Window => ({
  start: parseGraphTime(event.start?.dateTime),
  end: parseGraphTime(event.end?.dateTime),
});
const overlaps = (event: Event, window: Window) => {
  const at = eventWindow(event);
  return at.start < window.end && at.end > window.start;
};

/** Query parameter names are case-insensitive in Graph (the event-delta example writes `startdatetime`). */
const paramOf = (query: URLSearchParams, name: string) => {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return null;
};

export async function startGraphApiFake(options: GraphApiFakeOptions = {}): Promise<GraphApiFake> {
  const token = options.token ?? 'EwBwA8l6BAAUbDba3x2OMJElkF7gJ4z';
  const defaultPageSize = options.pageSize ?? 100;
  const users = new Map<string, Entry<User>>();
  const events = new Map<string, Entry<Event>>();
  const userTokens = new DeltaTokens<{ select: readonly string[] }>();
  const eventTokens = new DeltaTokens<Window>();
  const requests: GraphRequestLog[] = [];
  let sequence = 0;
  let userCount = 0;
  let eventCount = 0;
  let expiredAnswer: ExpiredTokenAnswer = 'resyncRequired';
  let throttled = { remaining: 0, retryAfterSeconds: 0 };
  let invalidAuth = false;
  let origin = '';

  const touch = <Item>(map: Map<string, Entry<Item>>, id: string, item: Item, removed: Removal | null) => {
    sequence += 1;
    map.set(id, { item, changedAt: sequence, removed });
    return item;
  };
  const entryOf = <Item>(map: Map<string, Entry<Item>>, id: string, what: string) => {
    const entry = map.get(id);
    if (!entry || entry.removed) throw new Error(`no live ${what} ${id} in the Graph fake`);
    return entry;
  };

  const userRepresentation = (user: User, select: readonly string[]) => {
    const shown: Record<string, unknown> = {};
    for (const key of select) {
      const value = (user as Record<string, unknown>)[key];
      if (value !== undefined) shown[key] = value;
    }
    return { ...shown, id: user.id };
  };
  const eventRepresentation = (event: Event) => ({
    '@odata.type': '#microsoft.graph.event',
    '@odata.etag': `W/"${event.changeKey}"`,
    ...event,
  });
  const removal = (id: string, reason: Removal, odataType?: string) => ({
    ...(odataType ? { '@odata.type': odataType } : {}),
    id,
    '@removed': { reason },
  });

  const userRound = ({ since, scope }: RoundQuery<{ select: readonly string[] }>) =>
    [...users.values()]
      .filter((entry) => (since === null ? !entry.removed : entry.changedAt > since))
      .map(({ item, removed }) =>
        removed ? removal(item.id!, removed) : userRepresentation(item, scope.select),
      );
  const eventRound = ({ since, scope }: RoundQuery<Window>) =>
    [...events.values()]
      .filter((entry) =>
        since === null ? !entry.removed && overlaps(entry.item, scope) : entry.changedAt > since,
      )
      .map(({ item, removed }) =>
        removed || !overlaps(item, scope)
          ? removal(item.id!, 'deleted', '#microsoft.graph.event')
          : eventRepresentation(item),
      );

  const expiredReply = (request: FakeRequest): FakeReply =>
    expiredAnswer === 'resyncRequired'
      ? {
          status: 410,
          headers: { location: `${origin}${request.pathname}?$deltatoken=` },
          body: errorBody(
            'resyncRequired',
            'The delta token is no longer valid, and the app must reset the sync state.',
          ),
        }
      : {
          status: 400,
          body: errorBody(
            'syncStateNotFound',
            'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
          ),
        };

  /** One request of a round on `tokens`: continue a round, start one from a delta link, or start the first. */
  const delta = <Scope>(
    request: FakeRequest,
    tokens: DeltaTokens<Scope>,
    round: (query: RoundQuery<Scope>) => unknown[],
    first: () => Scope | FakeReply,
    pageSize: number,
  ): FakeReply => {
    const link = (state: string, kind: 'skip' | 'delta') =>
      `${origin}${request.pathname}?$${kind === 'skip' ? 'skiptoken' : 'deltatoken'}=${state}`;
    const found = tokens.lookup(request.query);
    if (found?.kind === 'unknown') return expiredReply(request);
    let open = found?.kind === 'page' ? found.round : null;
    if (!open) {
      let scope: Scope;
      let since: number | null = null;
      if (found?.kind === 'delta') {
        scope = found.query.scope;
        since = found.query.since;
      } else {
        const made = first();
        if (made && typeof made === 'object' && 'status' in made) return made as FakeReply;
        scope = made as Scope;
      }
      open = tokens.open(round({ since, scope }), { since: sequence, scope });
    }
    const context = request.pathname.includes('calendarView')
      ? `${origin}/v1.0/$metadata#Collection(event)`
      : `${origin}/v1.0/$metadata#users`;
    return { status: 200, body: { '@odata.context': context, ...tokens.page(open, pageSize, link) } };
  };

  const firstUsersRound = (request: FakeRequest) => {
    const select = paramOf(request.query, '$select');
    return {
      select: select ? ['id', ...select.split(',').map((name) => name.trim())] : DEFAULT_USER_PROPERTIES,
    };
  };
  const firstEventsRound = (request: FakeRequest): Window | FakeReply => {
    const window = {
      start: parseGraphTime(paramOf(request.query, 'startDateTime')),
      end: parseGraphTime(paramOf(request.query, 'endDateTime')),
    };
    if (Number.isNaN(window.start) || Number.isNaN(window.end)) {
      return {
        status: 400,
        body: errorBody(
          'ErrorInvalidParameter',
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        ),
      };
    }
    return window;
  };

  const preferredPageSize = (request: FakeRequest) => {
    const match = /odata\.maxpagesize=(\d+)/i.exec(String(request.headers.prefer ?? ''));
    return match ? Math.min(Number(match[1]), defaultPageSize) : defaultPageSize;
  };

  const route = (request: FakeRequest): { resource: GraphRequestLog['resource']; reply: FakeReply } => {
    const path = request.pathname.toLowerCase();
    if (request.method !== 'GET') {
      return {
        resource: 'other',
        reply: { status: 405, body: errorBody('notSupported', 'Method not allowed') },
      };
    }
    if (path === '/v1.0/users/delta' || path === '/v1.0/users/microsoft.graph.delta') {
      return {
        resource: 'users',
        reply: delta(request, userTokens, userRound, () => firstUsersRound(request), defaultPageSize),
      };
    }
    if (path === '/v1.0/me/calendarview/delta' || path === '/v1.0/me/calendarview/microsoft.graph.delta') {
      return {
        resource: 'events',
        reply: delta(
          request,
          eventTokens,
          eventRound,
          () => firstEventsRound(request),
          preferredPageSize(request),
        ),
      };
    }
    return {
      resource: 'other',
      reply: { status: 400, body: errorBody('BadRequest', `Resource not found for the segment '${path}'.`) },
    };
  };

  const handle = (request: FakeRequest): FakeReply => {
    let answer: { resource: GraphRequestLog['resource']; reply: FakeReply };
    if (bearerOf(request) !== token || invalidAuth) {
      answer = {
        resource: 'other',
        reply: {
          status: 401,
          body: errorBody('InvalidAuthenticationToken', 'Access token validation failure.'),
        },
      };
    } else if (throttled.remaining > 0) {
      throttled.remaining -= 1;
      answer = {
        resource: 'other',
        reply: {
          status: 429,
          headers: { 'retry-after': String(throttled.retryAfterSeconds) },
          body: errorBody('activityLimitReached', 'The app or user has been throttled.'),
        },
      };
    } else {
      answer = route(request);
    }
    requests.push({
      resource: answer.resource,
      token: request.query.has('$skiptoken') ? 'skip' : request.query.has('$deltatoken') ? 'delta' : 'none',
      status: answer.reply.status,
      query: request.query.toString(),
      prefer: request.headers.prefer ? String(request.headers.prefer) : null,
      at: Date.now(),
    });
    return answer.reply;
  };

  const server = await startLoopbackServer(handle);
  origin = options.linkOrigin ?? server.origin;
  const live = <Item>(map: Map<string, Entry<Item>>) =>
    [...map.values()].filter((entry) => !entry.removed).map((entry) => entry.item);

  const fake: GraphApiFake = {
    url: `${server.origin}/v1.0`,
    token,
    requests,
    seedUsers: (count, fields) => Array.from({ length: count }, () => fake.addUser(fields)),
    addUser(fields) {
      userCount += 1;
      const user = exampleUser(userCount, fields);
      return touch(users, user.id!, user, null);
    },
    updateUser(id, fields) {
      const { item } = entryOf(users, id, 'user');
      return touch(users, id, { ...item, ...fields, id }, null);
    },
    removeUser(id, reason = 'changed') {
      const { item } = entryOf(users, id, 'user');
      touch(users, id, item, reason);
    },
    users: () => live(users),
    seedEvents(count, seed = {}) {
      const start = seed.start ?? new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
      return Array.from({ length: count }, (_, index) =>
        fake.addEvent(new Date(start.getTime() + index * 2 * 3_600_000), seed.fields),
      );
    },
    addEvent(start, fields) {
      eventCount += 1;
      const event = exampleEvent(eventCount, start, fields);
      return touch(events, event.id!, event, null);
    },
    updateEvent(id, fields) {
      const { item } = entryOf(events, id, 'event');
      const changed: Event = {
        ...item,
        ...fields,
        id,
        lastModifiedDateTime: new Date().toISOString(),
        changeKey: `${item.changeKey}+`,
      };
      return touch(events, id, changed, null);
    },
    deleteEvent(id) {
      const { item } = entryOf(events, id, 'event');
      touch(events, id, item, 'deleted');
    },
    events: () => live(events),
    expireDeltaTokens(answer = 'resyncRequired') {
      expiredAnswer = answer;
      userTokens.expire();
      eventTokens.expire();
    },
    throttle(count, retryAfterSeconds) {
      throttled = { remaining: count, retryAfterSeconds };
    },
    setInvalidAuth(invalid) {
      invalidAuth = invalid;
    },
    close: () => server.close(),
  };
  return fake;
}
