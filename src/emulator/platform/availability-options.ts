// Options of the emulator's availability surface (OM doc §7): business hours data, agents that
// start off queue, and the wait-estimate model.
import { positive } from '../option-checks.ts';
import type { BusinessHoursConfig } from './architect-schedules.ts';
import type { WaitEstimateOptions } from './wait-estimates.ts';

export interface AvailabilityOptions {
  /** Schedules, schedule groups and emergency groups that exist from the start. Default none. */
  readonly businessHours?: BusinessHoursConfig;
  /** Agent names that start with presence `Available` (off queue) instead of `On Queue`. */
  readonly offQueueAgents?: readonly string[];
  /** Average handle time the estimated wait is computed from (§7.1). Default 180 s. */
  readonly averageHandleSeconds?: number;
  /** With no agent on queue: the longest wait (Genesys' documented behaviour) or a 404 [U]. */
  readonly estimatedWaitWithoutAgents?: 'longest-waiting' | 'error';
}

export interface ResolvedAvailabilityOptions {
  readonly businessHours: BusinessHoursConfig;
  readonly offQueueAgents: readonly string[];
  readonly waitEstimates: WaitEstimateOptions;
}

export function resolveAvailabilityOptions(options: AvailabilityOptions): ResolvedAvailabilityOptions {
  return {
    businessHours: options.businessHours ?? {},
    offQueueAgents: options.offQueueAgents ?? [],
    waitEstimates: {
      averageHandleSeconds: positive('averageHandleSeconds', options.averageHandleSeconds ?? 180, 1),
      withoutAgents: options.estimatedWaitWithoutAgents ?? 'longest-waiting',
    },
  };
}
