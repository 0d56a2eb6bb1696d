// Engine limits for tests on real time: short retry delays and a short start deadline, so a failing
// provider shows its effect in milliseconds instead of the production minutes.
import type { EngineLimits } from '../../src/core/engine/handover-engine.ts';

export const FAST_ENGINE: Partial<EngineLimits> = {
  providerRetry: { initialDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 },
  catchUpRetry: { initialDelayMs: 20, maxDelayMs: 500, maxRetryAfterMs: 5_000 },
  startTimeoutMs: 1_500,
};
