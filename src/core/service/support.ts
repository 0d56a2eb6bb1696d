// Small helpers shared by the service's parts.
import { GatewayError } from '../errors.ts';
import type { Failure, Handover } from '../model/handover.ts';
import { ProviderError } from '../ports/provider.ts';

/** A transition that changes nothing but lets the committer bump the version with extras. */
export function noChange(handover: Handover): { handover: Handover; events: []; transcript: [] } {
  return { handover, events: [], transcript: [] };
}

export function toFailure(err: unknown): Failure {
  if (err instanceof ProviderError) return { code: err.code, message: err.message };
  return { code: 'gateway.internal', message: 'The provider call failed unexpectedly.' };
}

/** A log-safe code for an error: catalogue codes, else the error's class name (never its message). */
export function errorCode(err: unknown): string {
  if (err instanceof ProviderError || err instanceof GatewayError) return err.code;
  return err instanceof Error ? err.name : 'unknown';
}

/** Resolves with the promise's value, or undefined once `ms` have passed (the promise runs on). */
export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
