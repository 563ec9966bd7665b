import type { SignalActor } from '../../signals/signal.js';
import type { GithubUser } from './payloads.js';

/** Small wording helpers shared by the GitHub normalizers. */

export function actorOf(user: GithubUser): SignalActor {
  // GitHub Apps act as users of type "Bot" (login ending in [bot]).
  return { id: String(user.id), name: user.login, bot: user.type === 'Bot' };
}

/** A title inside a one-line summary: quoted, and cut so the sentence stays short. */
export function quoted(title: string, max = 80): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  return `"${clean.length > max ? `${clean.slice(0, max - 1)}…` : clean}"`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The first candidate that is a valid time; GitHub sends ISO 8601 strings or epoch seconds. */
export function firstTime(...candidates: Array<string | number | null | undefined>): Date | null {
  for (const candidate of candidates) {
    if (candidate === null || candidate === undefined) continue;
    const date = typeof candidate === 'number' ? new Date(candidate * 1000) : new Date(candidate);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return null;
}
