// Time and ids behind ports, so the pure core and its tests are deterministic.
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new unique id (UUID). */
  next(): string;
}
