import type { Refusal } from '../../connections/index.js';
import { html } from '../html.js';
import { connectLayout } from './layout.js';

/** What a person is told (and the status) when a link cannot be used. */
const REFUSALS: Record<Refusal, { status: number; title: string; text: string }> = {
  unknown: {
    status: 404,
    title: 'Link not found',
    text: 'This connection link is not valid. Check that you opened the whole link, or ask the app that sent you here for a new one.',
  },
  expired: {
    status: 410,
    title: 'Link expired',
    text: 'This connection link has expired. Go back to the app that sent you here and start again to get a new link.',
  },
  used: {
    status: 410,
    title: 'Link already used',
    text: 'An account was already connected with this link, and a link works only once. Go back to the app that sent you here; start again there if you want to connect another account.',
  },
  provider_not_allowed: {
    status: 404,
    title: 'Not available',
    text: 'This service cannot be connected with this link. Go back to the list and choose another.',
  },
  csrf: {
    status: 403,
    title: 'Please try again',
    text: 'The form could not be verified (it may have been open too long, or sent from another page). Go back to the list and try again.',
  },
  too_many_attempts: {
    status: 429,
    title: 'Too many attempts',
    text: 'This link has been tried too many times without success and can no longer be used. Go back to the app that sent you here and start again to get a new link.',
  },
  busy: {
    status: 409,
    title: 'Already in progress',
    text: 'A connection with this link is already being made. Wait a moment, then go back to the list.',
  },
};

export function refusalPage(
  nonce: string,
  refusal: Refusal,
  listPath: string | null,
): {
  status: number;
  body: string;
} {
  const { status, title, text } = REFUSALS[refusal];
  const back = listPath ? html`<a class="secondary" href="${listPath}">Back to the list</a>` : null;
  const body = html`<h1>${title}</h1><p>${text}</p>${back}`;
  return { status, body: connectLayout({ nonce, title, body }) };
}
