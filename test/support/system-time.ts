// Real time for adapters that take their Clock, Scheduler and Random injected (tests on real sockets).
import { systemClock, systemRandom, systemScheduler } from '../../src/time/system-time.ts';

export const SYSTEM_TIME = { clock: systemClock, scheduler: systemScheduler, random: systemRandom } as const;
