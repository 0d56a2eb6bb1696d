// Counts the platform API requests the emulator answered, by route — so a client's request budget
// (OM doc §1.4: 300 per token and minute) can be checked from outside, e.g. that a gateway's cache
// turns many bot calls into few Genesys calls.
export class PlatformRequestLog {
  readonly #counts = new Map<string, number>();

  record(method: string, route: string): void {
    const key = `${method} ${route}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  view(): { total: number; byRoute: Record<string, number> } {
    const byRoute = Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
    return { total: [...this.#counts.values()].reduce((a, b) => a + b, 0), byRoute };
  }
}
