import { pino } from 'pino';
import { serializeRequest } from './request-log.js';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Anything that may carry a secret is redacted by path, as a second line of
 * defence: code should not log secrets in the first place.
 */
export function createLogger(options: {
  level: string;
  name?: string;
  /** Where lines go (default stdout); tests capture them. */
  destination?: pino.DestinationStream;
}): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name ?? 'switchboard',
    level: options.level,
    // Fastify takes `req` from here in place of its own, which logs the query string as sent.
    serializers: { req: serializeRequest },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.password',
        '*.secret',
        '*.clientSecret',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.apiKey',
        '*.masterKey',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
