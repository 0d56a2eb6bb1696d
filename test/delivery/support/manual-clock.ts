// A clock the test moves by hand; starts at real time so standardwebhooks' tolerance check passes.
import type { Clock } from '../../../src/core/ports/clock.ts';

export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}
