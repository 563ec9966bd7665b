import { randomBytes } from 'node:crypto';

/** Random and global (not per tenant): a connection id names one connection anywhere, e.g. in webhook URLs. */
export const newConnectionId = (): string => `conn_${randomBytes(12).toString('hex')}`;
