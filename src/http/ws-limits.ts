import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/principal.js';
import { tenantIdSchema } from '../events/streams.js';
import { actorOf } from '../resolvers/context.js';

/** What one graphql-ws socket, and one tenant's sockets, may hold on this instance. */
export interface WebSocketLimits {
  /** Operations open at once on one socket (subscriptions, and queries while they run). */
  maxSubscriptions: number;
  /** Sockets past connection_init per tenant (or per caller without a tenant). */
  maxSocketsPerTenant: number;
  /** Bytes queued for a socket and not yet written: above this its reader is too slow. */
  maxBufferedBytes: number;
  /** A socket that sends no connection_init within this is closed (4408). */
  connectionInitTimeoutMs: number;
}

export const DEFAULT_WS_LIMITS: WebSocketLimits = {
  maxSubscriptions: 100,
  maxSocketsPerTenant: 50,
  maxBufferedBytes: 1024 * 1024,
  connectionInitTimeoutMs: 3000,
};

/** Close codes of our own; graphql-ws's (4400-4499) keep their meaning. README lists them all. */
export const WsCloseCode = {
  /** RFC 6455 "Try Again Later": the tenant already holds its share of sockets here. */
  TooManySockets: 1013,
  /** The client does not read what it subscribed to fast enough. */
  SlowConsumer: 4008,
} as const;

/** The refusal of one operation too many: an `error` message for that id, the socket stays open. */
export function tooManySubscriptions(open: number, max: number): GraphQLError[] | null {
  if (open <= max) return null;
  return [
    new GraphQLError(`At most ${max} operations may be open at once on one socket`, {
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
    }),
  ];
}

/** Whose share a socket counts against: the tenant it names (when it can be one), else the caller. */
export function socketOwner(principal: Principal, tenantId: string | undefined): string {
  if (tenantId && tenantIdSchema.safeParse(tenantId).success) return `tenant:${tenantId}`;
  if (principal.kind === 'jwt' && principal.tenantId) return `tenant:${principal.tenantId}`;
  return actorOf(principal);
}

/** Counts open sockets per owner; each is counted from admission until it closes. */
export class SocketsPerOwner {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** False, counting nothing, when the owner is at the limit or the socket is already gone. */
  admit(owner: string, socket: WebSocket): boolean {
    const open = this.#open.get(owner) ?? 0;
    if (open >= this.max || socket.readyState !== socket.OPEN) return false;
    this.#open.set(owner, open + 1);
    socket.once('close', () => {
      const left = (this.#open.get(owner) ?? 1) - 1;
      if (left > 0) this.#open.set(owner, left);
      else this.#open.delete(owner);
    });
    return true;
  }

  count(owner: string): number {
    return this.#open.get(owner) ?? 0;
  }
}

/** A reader that lets more than `maxBufferedBytes` pile up is closed rather than let memory grow. */
export const isSlowConsumer = (socket: WebSocket, maxBufferedBytes: number): boolean =>
  socket.bufferedAmount > maxBufferedBytes;
