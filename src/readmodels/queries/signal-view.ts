import type { Signal as SignalRow } from '../../generated/prisma/client.js';

/**
 * A signal as the API serves it: a row of the signals read model. Queries read it from the table;
 * subscriptions receive it through pubsub, where dates arrive as ISO strings (JSON), hence the
 * wider date types.
 */
export type SignalView = Omit<SignalRow, 'occurredAt' | 'receivedAt'> & {
  occurredAt: Date | string;
  receivedAt: Date | string;
  /** The provider's payload, from the log (signal-payloads.ts), when a query asks for it. */
  payload?: unknown;
};

export type { SignalRow };

/** The pubsub topic of one tenant's live signals. */
export const signalsTopic = (tenantId: string): string => `signals:${tenantId}`;
