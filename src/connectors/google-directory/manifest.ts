import { googleApi, googleAuth, googleIdentityScopes } from '../google/base.js';
import { defineManifest } from '../sdk/manifest.js';

const DIRECTORY = 'https://www.googleapis.com/auth/admin.directory';

/**
 * Google Workspace directory (Admin SDK Directory API). Needs a Workspace administrator to consent.
 * - Scopes: https://developers.google.com/admin-sdk/directory/v1/guides/authorizing
 * - Push notifications for users (same channel mechanism as Calendar):
 *   https://developers.google.com/admin-sdk/directory/v1/guides/push
 */
export const googleDirectoryManifest = defineManifest({
  id: 'google-directory',
  displayName: 'Google Workspace Directory',
  categories: ['directory'],
  docsUrl: 'https://developers.google.com/admin-sdk/directory/v1/guides',
  auth: googleAuth,
  scopes: [
    ...googleIdentityScopes,
    { id: `${DIRECTORY}.user.readonly`, description: 'See users on the domain.' },
    { id: `${DIRECTORY}.group.readonly`, description: 'See groups on the domain.' },
    { id: `${DIRECTORY}.group.member.readonly`, description: 'See group memberships on the domain.' },
    { id: `${DIRECTORY}.orgunit.readonly`, description: 'See organizational units on the domain.' },
    { id: `${DIRECTORY}.user`, description: 'View and manage the provisioning of users on the domain.' },
    { id: `${DIRECTORY}.group`, description: 'View and manage the provisioning of groups on the domain.' },
  ],
  scopePolicy: {
    internal: {
      'directory.users.read': [`${DIRECTORY}.user.readonly`],
      'directory.groups.read': [`${DIRECTORY}.group.readonly`, `${DIRECTORY}.group.member.readonly`],
      'directory.orgunits.read': [`${DIRECTORY}.orgunit.readonly`],
    },
    overBroad: {
      [`${DIRECTORY}.user`]: {
        suggest: [`${DIRECTORY}.user.readonly`],
        reason: 'grants creating, suspending and deleting every user of the domain',
      },
      [`${DIRECTORY}.group`]: {
        suggest: [`${DIRECTORY}.group.readonly`, `${DIRECTORY}.group.member.readonly`],
        reason: 'grants creating and deleting every group of the domain',
      },
    },
  },
  api: { baseUrl: 'https://admin.googleapis.com/admin/directory/v1', ...googleApi },
  webhooks: {
    scheme: 'google_channel_token',
    routing: { header: 'X-Goog-Channel-ID', idKind: 'channel' },
    deliveryId: { header: 'X-Goog-Message-Number' },
    eventType: { header: 'X-Goog-Resource-State' },
    docsUrl: 'https://developers.google.com/admin-sdk/directory/v1/guides/push',
  },
});
