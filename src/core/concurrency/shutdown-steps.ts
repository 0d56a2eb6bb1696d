// The parts of a graceful stop still running, by name: when a stop overruns its hard limit, the
// process says what it was waiting for (cli/run-until-signal.ts) instead of only that it waited.

export class ShutdownSteps {
  readonly #pending = new Set<string>();

  /** Runs one part of the stop under `name`; the name is pending until `work` settles. */
  async run<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    this.#pending.add(name);
    try {
      return await work();
    } finally {
      this.#pending.delete(name);
    }
  }

  /** The parts started and not yet settled, in the order they started. */
  pending(): string[] {
    return [...this.#pending];
  }
}
