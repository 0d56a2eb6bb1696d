// How the engine turns thrown values into safe facts: a Failure for the bot, a code for the logs.
import { GatewayError } from '../errors.ts';
import type { Failure } from '../model/handover.ts';
import { ProviderError } from '../ports/provider.ts';
import type { RetryVerdict } from '../retry/retry.ts';

export function toFailure(err: unknown): Failure {
  if (err instanceof ProviderError) return { code: err.code, message: err.message };
  return { code: 'gateway.internal', message: 'The provider call failed unexpectedly.' };
}

/** A log-safe code for an error: catalogue codes, else the error's class name (never its message). */
export function errorCode(err: unknown): string {
  if (err instanceof ProviderError || err instanceof GatewayError) return err.code;
  return err instanceof Error ? err.name : 'unknown';
}

/** `core/retry`'s classifier for provider calls: retry what the provider marked retryable. */
export function retryableProviderError(err: unknown): RetryVerdict | undefined {
  if (!(err instanceof ProviderError) || !err.retryable) return undefined;
  return err.details.retryAfterMs === undefined ? {} : { retryAfterMs: err.details.retryAfterMs };
}

export function isPermanentProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError && !err.retryable;
}
