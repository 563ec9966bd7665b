import { z } from 'zod';
import type { DirectoryUser } from '../sdk/models.js';
import { defineResourceSync, type SyncedRecord } from '../sdk/sync.js';
import { syncDelta } from './delta-sync.js';

/**
 * Directory users through `GET /users/delta` (https://learn.microsoft.com/graph/api/user-delta):
 * every user on the first round, then what changed; `@removed` marks a deleted user (reason
 * `changed`: restorable for 30 days, `deleted`: gone for good), both reported as deletes here, and a
 * restored user comes back as a new listing.
 *
 * `$select` is sent on the first request (Graph keeps it in the state tokens) and limits change
 * tracking to those properties. The basic set is what User.ReadBasic.All may read
 * (https://learn.microsoft.com/graph/permissions-reference#userreadbasicall); `extended` adds job
 * title, department and accountEnabled, which need User.Read.All or more.
 */
const BASIC_PROPERTIES = ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName'];
const EXTENDED_PROPERTIES = [...BASIC_PROPERTIES, 'jobTitle', 'department', 'accountEnabled'];

const userSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  givenName: z.string().nullish(),
  surname: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  department: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});
type GraphUser = z.output<typeof userSchema>;

export const microsoftUsersConfigSchema = z.strictObject({
  properties: z.enum(['basic', 'extended']).default('basic'),
});

function toDirectoryUser(user: GraphUser): SyncedRecord<DirectoryUser> {
  return {
    id: user.id,
    data: {
      id: user.id,
      // The user principal name looks like an address but need not receive mail: only `mail` is one.
      email: user.mail ?? null,
      displayName: user.displayName ?? null,
      givenName: user.givenName ?? null,
      familyName: user.surname ?? null,
      // Listed and not @removed is a live account; only `extended` can say a live one is disabled.
      active: user.accountEnabled ?? true,
      title: user.jobTitle ?? null,
      department: user.department ?? null,
    },
    raw: user,
  };
}

export const microsoftUsersSync = defineResourceSync({
  model: 'DirectoryUser',
  config: microsoftUsersConfigSchema,
  sync: (ctx) =>
    syncDelta(ctx, {
      scope: () => null,
      firstRequest: () => ({
        path: '/users/delta',
        query: {
          $select: (ctx.config.properties === 'extended' ? EXTENDED_PROPERTIES : BASIC_PROPERTIES).join(','),
        },
      }),
      item: userSchema,
      toRecord: toDirectoryUser,
    }),
});
