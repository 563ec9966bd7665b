import type { Logger } from 'pino';
import { pino } from 'pino';

/** The part of a pino logger the read-model and projection code uses; tests pass a spy. */
export type ReadModelLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export const defaultLogger = (name: string): ReadModelLogger => pino({ name });
