// Per-call options shared by every API of the client, and the client-side request check.
import type { z } from 'zod';
import { OpenMessagingRequestError } from '../errors.ts';

/** Every call is abortable and may override the timeout. */
export interface CallOptions {
  readonly signal: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call, ms. */
  readonly timeoutMs?: number;
}

/** Our own body against the contract (§3, §6); issues name paths, never values. */
export function checkRequest<S extends z.ZodType>(operation: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new OpenMessagingRequestError(
      operation,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

export const seg = encodeURIComponent;

/** `yyyy-MM-ddTHH:mm:ss.mmmZ` (§3.1); an invalid Date yields a value the request schema refuses. */
export function wireTime(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString();
}
