// The slice of a pino logger that delivery uses, so tests can pass a recorder and main.ts a pino child.
export interface DeliveryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: DeliveryLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A thrown value as a log field: message and name only (a cause could carry a URL with a token). */
export function errorField(err: unknown): { name: string; message: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message }
    : { name: 'unknown', message: String(err) };
}
