// The gateway's logger: pino with every secret path redacted, wherever it hides in a logged object.
import { pino, type Logger as PinoLogger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.jwt',
  '*.key',
  '*.secret',
  '*.secrets',
  '*.eventStreamUri',
  '*.providerRef',
  '*.provider',
  '*.memberAuthToken',
];

export function createLogger(level: string): PinoLogger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } });
}
