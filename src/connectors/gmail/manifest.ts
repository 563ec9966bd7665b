import { googleApi, googleAuth, googleIdentityScopes } from '../google/base.js';
import { defineManifest } from '../sdk/manifest.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail';

/**
 * Gmail. Scopes: https://developers.google.com/workspace/gmail/api/auth/scopes
 * Gmail push goes through Cloud Pub/Sub (https://developers.google.com/workspace/gmail/api/guides/push),
 * not a webhook Gmail signs, so no webhook scheme is declared: a Pub/Sub push subscription would be
 * its own scheme (an OIDC-signed push request).
 */
export const gmailManifest = defineManifest({
  id: 'gmail',
  displayName: 'Gmail',
  categories: ['email', 'communication'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl: 'https://developers.google.com/workspace/gmail/api/guides',
  auth: googleAuth,
  scopes: [
    ...googleIdentityScopes,
    { id: `${GMAIL}.readonly`, description: 'Read all messages and settings.' },
    { id: `${GMAIL}.metadata`, description: 'Read message metadata (headers, labels), not bodies.' },
    { id: `${GMAIL}.labels`, description: 'Create, read, update and delete labels.' },
    { id: `${GMAIL}.send`, description: 'Send messages only; no read or modify.' },
    { id: `${GMAIL}.modify`, description: 'Read, compose and send messages; no permanent deletion.' },
    {
      id: 'https://mail.google.com/',
      description: 'Full access to the mailbox, permanent deletion included.',
    },
  ],
  scopePolicy: {
    internal: {
      'messages.read': [`${GMAIL}.readonly`],
      'messages.metadata': [`${GMAIL}.metadata`],
      'messages.send': [`${GMAIL}.send`],
      'messages.write': [`${GMAIL}.modify`],
    },
    overBroad: {
      'https://mail.google.com/': {
        suggest: [`${GMAIL}.readonly`, `${GMAIL}.send`, `${GMAIL}.modify`],
        reason:
          'grants full mailbox access including permanent deletion (and IMAP/SMTP), and triggers Google’s restricted-scope security assessment',
      },
    },
  },
  api: { baseUrl: 'https://gmail.googleapis.com/gmail/v1', ...googleApi },
});
