// The gateway's logger: pino with every secret path redacted, wherever it hides in a logged object.
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

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

/** `destination`: where lines go (default stdout; tests pass a stream of their own). */
export function createLogger(level: string, destination?: DestinationStream): PinoLogger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  const logger = destination ? pino(options, destination) : pino(options);
  writeRequestIdsPlain(logger);
  return logger;
}

type Stringifier = (value: unknown, safe?: unknown) => string;

/**
 * Fastify makes a child logger for every request, bound to its id (`reqId`), and pino passes every
 * binding through the redactor of the `*.…` paths — which, in @pinojs/redact, parses each of the
 * paths again on every call: ~3 KB of garbage per request (issue 12, measured by allocation
 * sampling on the bot → agent path), for a value that is never a secret. A request id is a string
 * the gateway made or checked (`usableRequestId`, api/app.ts), so a string one is written as it is;
 * any other value under that key still goes through the redactor. The stringifiers are pino's,
 * reached through its exported symbols; were they ever missing, nothing changes (all is redacted).
 */
function writeRequestIdsPlain(logger: PinoLogger): void {
  const stringifiers = (
    logger as unknown as Record<symbol, Record<string | symbol, Stringifier> | undefined>
  )[pino.symbols.stringifiersSym];
  const redacted = stringifiers?.[pino.symbols.wildcardFirstSym];
  if (!stringifiers || !redacted) return;
  stringifiers.reqId = (value, safe) =>
    typeof value === 'string' ? JSON.stringify(value) : redacted(value, safe);
}
