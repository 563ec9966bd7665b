import { z } from 'zod';

/**
 * The canonical models syncs produce: one shape per kind of thing, whatever the provider, so a
 * consumer reads GitHub issues and Jira issues alike. The provider's own JSON is kept beside each
 * record (`raw`), so nothing is lost by normalizing. Times are ISO 8601 strings; a provider that
 * gives no value for a field gives null, never a made-up one.
 */
const isoTime = z.iso.datetime({ offset: true });
const person = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() });

export const ticketSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  /** The provider's own status name ("open", "In Progress", "completed"). */
  status: z.string(),
  /** One of three states, so consumers can filter without knowing every workflow. */
  state: z.enum(['open', 'in_progress', 'closed']),
  url: z.string().nullable(),
  assignees: z.array(person),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** The repository, project or list the ticket belongs to. */
  project: z.string().nullable(),
  kind: z.string().nullable(),
});

export const messageSchema = z.object({
  id: z.string().min(1),
  channel: z.string(),
  author: person.nullable(),
  text: z.string(),
  threadId: z.string().nullable(),
  sentAt: isoTime,
  editedAt: isoTime.nullable(),
  url: z.string().nullable(),
});

export const channelSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  topic: z.string().nullable(),
  private: z.boolean(),
  archived: z.boolean(),
  memberCount: z.number().int().nullable(),
  createdAt: isoTime.nullable(),
});

export const calendarEventSchema = z.object({
  id: z.string().min(1),
  calendar: z.string(),
  title: z.string(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
  start: z.string().nullable(),
  end: z.string().nullable(),
  allDay: z.boolean(),
  organizer: person.nullable(),
  attendees: z.array(person.extend({ response: z.string().nullable() })),
  location: z.string().nullable(),
  url: z.string().nullable(),
  updatedAt: isoTime.nullable(),
});

export const directoryUserSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  active: z.boolean(),
  title: z.string().nullable(),
  department: z.string().nullable(),
});

export const CANONICAL_MODELS = {
  Ticket: ticketSchema,
  Message: messageSchema,
  Channel: channelSchema,
  CalendarEvent: calendarEventSchema,
  DirectoryUser: directoryUserSchema,
} as const;

export type CanonicalModelName = keyof typeof CANONICAL_MODELS;
export const canonicalModelNames = Object.keys(CANONICAL_MODELS) as [
  CanonicalModelName,
  ...CanonicalModelName[],
];

export type Ticket = z.infer<typeof ticketSchema>;
export type Message = z.infer<typeof messageSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type CalendarEvent = z.infer<typeof calendarEventSchema>;
export type DirectoryUser = z.infer<typeof directoryUserSchema>;
export type ModelOf<Name extends CanonicalModelName> = z.infer<(typeof CANONICAL_MODELS)[Name]>;
