import { createHash, randomBytes } from 'node:crypto';
import { CONNECT_SESSION_TOKEN_PREFIX } from '../../shared/connect-session-token.js';

/** 256 random bits behind a prefix that says what it is (and lets the authenticator refuse it). */
export const newConnectSessionToken = (): string =>
  `${CONNECT_SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** What the store keys on: a leaked kv dump (or log of keys) holds no usable link. */
export const connectSessionId = (token: string): string => createHash('sha256').update(token).digest('hex');

export const newCsrfToken = (): string => randomBytes(32).toString('base64url');
