/** Small rules every connection decision shares. */
import { NotFoundError } from '../shared/errors.js';
import type { ConnectionState } from './connection-state.js';
import type { CommandContext } from './decider.js';

export type Existing = Exclude<ConnectionState, { status: 'none' }>;

export const connectionNotFound = (connectionId: string) =>
  new NotFoundError('CONNECTION_NOT_FOUND', `Connection ${connectionId} does not exist`, { connectionId });

export const at = (context: CommandContext) => context.now.toISOString();
export const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export function existing(state: ConnectionState, connectionId: string): Existing {
  if (state.status === 'none') throw connectionNotFound(connectionId);
  return state;
}
