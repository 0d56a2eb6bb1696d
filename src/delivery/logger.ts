// Delivery logs through the core's logging port (pino-compatible), so tests pass a recorder and
// main.ts a pino child.
import type { Logger } from '../core/ports/logger.ts';

export type DeliveryLogger = Logger;
export { silentLogger } from '../core/ports/logger.ts';

/** A thrown value as a log field: message and name only (a cause could carry a URL with a token). */
export function errorField(err: unknown): { name: string; message: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message }
    : { name: 'unknown', message: String(err) };
}
