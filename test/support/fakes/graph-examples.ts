/**
 * Users and events for the Microsoft Graph fake, shaped by @microsoft/microsoft-graph-types and
 * filled with the values of Microsoft's own examples:
 * - users: https://learn.microsoft.com/graph/delta-query-users (Cameron White, Delia Dennis,
 *   Mallory Cortez, Diego Sicilian, Lidia Holloway, Patti Fernandez) and the default property set
 *   of https://learn.microsoft.com/graph/api/user-delta (Example 1);
 * - events: https://learn.microsoft.com/graph/delta-query-events (subjects, the organizer Samantha
 *   Booth, empty HTML bodies, UTC start and end written with seven fractional digits, a location
 *   by display name).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Event, User } from '@microsoft/microsoft-graph-types';

const EXAMPLE_PEOPLE = [
  ['Cameron', 'White'],
  ['Delia', 'Dennis'],
  ['Mallory', 'Cortez'],
  ['Diego', 'Sicilian'],
  ['Lidia', 'Holloway'],
  ['Patti', 'Fernandez'],
] as const;

const EXAMPLE_SUBJECTS = [
  'Plan shopping list',
  'Pick up car',
  'Get food',
  'Prepare food',
  'Rest!',
  'Attend service',
];

export const EXAMPLE_DOMAIN = 'contoso.onmicrosoft.com';
export const EXAMPLE_ORGANIZER = { name: 'Samantha Booth', address: `samanthab@${EXAMPLE_DOMAIN}` };

/** Properties `GET /users/delta` returns without $select (user-delta, Example 1), id included. */
export const DEFAULT_USER_PROPERTIES: readonly (keyof User)[] = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** The n-th example user (1-based), cycling through the documented names. */
export function exampleUser(n: number, fields: Partial<User> = {}): User {
  const [givenName, surname] = EXAMPLE_PEOPLE[(n - 1) % EXAMPLE_PEOPLE.length]!;
  const round = Math.floor((n - 1) / EXAMPLE_PEOPLE.length);
  const alias = `${givenName}${surname[0]}${round === 0 ? '' : round + 1}`;
  return {
    id: randomUUID(),
    businessPhones: [],
    displayName: `${givenName} ${surname}`,
    givenName,
    surname,
    jobTitle: null,
    department: null,
    mail: `${alias}@${EXAMPLE_DOMAIN}`,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    userPrincipalName: `${alias}@${EXAMPLE_DOMAIN}`,
    accountEnabled: true,
    ...fields,
  };
}

/** Graph writes event times as local date-times with seven fractional digits, the zone apart. */
export const graphDateTime = (at: Date) => `${at.toISOString().slice(0, 23)}0000`;

/** An Exchange-style item id (base64 of an opaque store key). */
const itemId = () => `AAMkAD${randomBytes(24).toString('base64url')}AAA=`;

/** The n-th example event (1-based), an hour long from `start` (UTC). */
export function exampleEvent(n: number, start: Date, fields: Partial<Event> = {}): Event {
  const id = itemId();
  const now = new Date().toISOString();
  const end = new Date(start.getTime() + 3_600_000);
  return {
    id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: randomBytes(12).toString('base64'),
    categories: [],
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(28).toString('hex').toUpperCase()}`,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: EXAMPLE_SUBJECTS[(n - 1) % EXAMPLE_SUBJECTS.length]!,
    bodyPreview: '',
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: { contentType: 'html', content: '' },
    start: { dateTime: graphDateTime(start), timeZone: 'UTC' },
    end: { dateTime: graphDateTime(end), timeZone: 'UTC' },
    location: { displayName: 'Home', locationType: 'default' },
    locations: [],
    attendees: [],
    organizer: { emailAddress: { ...EXAMPLE_ORGANIZER } },
    ...fields,
  };
}
