import { isEntityId } from '../../events/streams.js';
import { isCleanText } from '../delivery/clean-text.js';

/**
 * What a webhook request names its connection with: the URL's :provider and :connectionId, and the
 * routing id an app-level delivery carries (some before verification, so from anyone). They are
 * the caller's bytes, NUL included, and PostgreSQL refuses some of them outright: anything no
 * provider or connection can be called is answered 404 before it is looked up.
 */

// Provider ids are kebab-case (kebabId in the manifest schema).
const PROVIDER_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const isProviderId = (value: string): boolean => value.length <= 64 && PROVIDER_ID.test(value);

/** Connection ids name streams (`connection-<tenant>.<id>`), so only a valid entity id can be one. */
export const isConnectionId = (value: string): boolean => isEntityId(value);

/** Provider account ids (installation, team, subscription, channel ...): storable text of sane length. */
export const isRoutingId = (value: string): boolean =>
  value.length > 0 && value.length <= 256 && isCleanText(value);
