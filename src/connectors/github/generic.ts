import { z } from 'zod';
import type { SignalSubject } from '../../signals/signal.js';
import { httpUrl } from '../../signals/signal.js';
import { actorOf, quoted } from './describe.js';
import type { Normalized } from './normalizers.js';
import { anyEventSchema } from './payloads.js';

/** The objects GitHub events are about, most specific first. */
const SUBJECT_KEYS = [
  'issue',
  'pull_request',
  'discussion',
  'release',
  'workflow_run',
  'workflow_job',
  'check_run',
  'check_suite',
  'milestone',
] as const;

const linkedObjectSchema = z.object({
  id: z.number(),
  html_url: httpUrl,
  title: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  tag_name: z.string().optional(),
  number: z.number().optional(),
});

/**
 * Any event without a dedicated kind (or whose payload did not have the expected shape): kept as a
 * provider_event with whatever actor and subject the payload offers, never dropped.
 */
export function normalizeGeneric(eventName: string, payload: unknown): Normalized {
  const event = anyEventSchema.safeParse(payload).data ?? {};
  const { subject, number } = subjectOf(payload, event.repository, event.organization);
  const parts = [`GitHub ${eventName}${event.action ? ` ${event.action}` : ''}`];
  if (event.sender) parts.push(`by ${event.sender.login}`);
  if (subject && subject.type !== 'repository' && subject.type !== 'organization') {
    const numbered = number === undefined ? '' : ` #${number}`;
    parts.push(`on ${subject.type.replaceAll('_', ' ')}${numbered} ${quoted(subject.title)}`);
  }
  if (event.repository) parts.push(`in ${event.repository.full_name}`);
  else if (event.organization) parts.push(`in ${event.organization.login}`);
  return {
    kind: 'provider_event',
    actor: event.sender ? actorOf(event.sender) : null,
    subject,
    summary: parts.join(' '),
    occurredAt: null,
  };
}

/** The most specific object the event is about, and its number when it has one (issues, PRs). */
function subjectOf(
  payload: unknown,
  repository: { id: number; full_name: string; html_url: string } | undefined,
  organization: { id: number; login: string } | undefined,
): { subject: SignalSubject | null; number?: number | undefined } {
  if (payload !== null && typeof payload === 'object') {
    for (const key of SUBJECT_KEYS) {
      const linked = linkedObjectSchema.safeParse((payload as Record<string, unknown>)[key]).data;
      if (!linked) continue;
      const title = linked.title || linked.name || linked.tag_name || `${key} ${linked.id}`;
      // A workflow run's number counts runs, not a reference people use.
      const number = key === 'workflow_run' ? undefined : linked.number;
      return { subject: { type: key, id: String(linked.id), title, url: linked.html_url }, number };
    }
  }
  if (repository) {
    const subject = {
      type: 'repository',
      id: String(repository.id),
      title: repository.full_name,
      url: repository.html_url,
    };
    return { subject };
  }
  if (organization) {
    const url = `https://github.com/${encodeURIComponent(organization.login)}`;
    return { subject: { type: 'organization', id: String(organization.id), title: organization.login, url } };
  }
  return { subject: null };
}
