import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, one base logger per service; request loggers are children carrying the correlation id. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
