import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticate.js';
import {
  AuthenticationError,
  IdentityProviderUnavailableError,
  UnauthenticatedError,
} from '../auth/errors.js';
import type { Principal } from '../auth/principal.js';
import type { SwitchboardError } from '../shared/errors.js';

/**
 * A graphql-ws socket authenticates at connection_init but can outlive its credential by hours.
 * So the credential is judged again before every operation, and a socket is closed when its JWT
 * expires even if it only streams a subscription. Either way the close is 4401 and the client
 * reconnects with a fresh token (README, "A first subscription").
 */

export const CredentialEndedReason = {
  Expired: 'Unauthorized: token expired',
  /** Refused for another reason than expiry: an operator token no longer configured, a key withdrawn. */
  NoLongerValid: 'Unauthorized: token no longer valid',
} as const;

export type CredentialEndedReason = (typeof CredentialEndedReason)[keyof typeof CredentialEndedReason];

export interface SocketCredentialOptions {
  socket: WebSocket;
  /** The `authorization` the socket was admitted with; kept here only, never in a GraphQL context. */
  authorization: string | undefined;
  principal: Principal;
  authenticator: Authenticator;
  /** Closes the socket with 4401 and this reason (and stops its operations). */
  end: (reason: CredentialEndedReason) => void;
}

export interface SocketCredential {
  /**
   * Null when the credential still holds. Otherwise the errors that refuse this one operation: when
   * the credential is refused the socket is already ending; when the identity provider cannot be
   * reached (the token may be fine) only this operation is refused.
   */
  recheck(): Promise<GraphQLError[] | null>;
}

/** setTimeout fires at once for delays above 2^31-1 ms (~24.8 days): longer waits are taken in steps. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export function guardSocketCredential(options: SocketCredentialOptions): SocketCredential {
  const { socket, authorization, authenticator, end } = options;
  const acceptedUntil = authenticator.acceptedUntil(options.principal);
  if (acceptedUntil) {
    let timer: NodeJS.Timeout | undefined;
    const endAtExpiry = () => {
      const left = acceptedUntil.getTime() - Date.now();
      if (left <= 0) return end(CredentialEndedReason.Expired);
      timer = setTimeout(endAtExpiry, Math.min(left, MAX_TIMER_DELAY_MS));
      // A socket's own timer must not keep a shutting-down process alive.
      timer.unref();
    };
    endAtExpiry();
    socket.once('close', () => clearTimeout(timer));
  }

  return {
    async recheck() {
      let principal: Principal | null;
      try {
        principal = await authenticator.authenticate(authorization);
      } catch (error) {
        if (error instanceof UnauthenticatedError) {
          const expired = error instanceof AuthenticationError && error.reason === 'expired_jwt';
          end(expired ? CredentialEndedReason.Expired : CredentialEndedReason.NoLongerValid);
          return refusal(error);
        }
        // The token may well be fine: refuse this operation (retryable), keep the socket.
        if (error instanceof IdentityProviderUnavailableError) return refusal(error);
        throw error;
      }
      if (principal) return null;
      // No credential at all: an admitted socket always has one, and must not go on without.
      end(CredentialEndedReason.NoLongerValid);
      return refusal(new UnauthenticatedError());
    },
  };
}

const refusal = (error: SwitchboardError): GraphQLError[] => [
  new GraphQLError(error.message, { extensions: { code: error.code } }),
];
