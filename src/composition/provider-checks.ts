// Start-up checks of each endpoint's provider settings (Open Messaging: the OAuth client and the
// integration). A failing check makes /readyz answer 503 with what is wrong, and is tried again
// every `recheckMs` until it passes — a secret fixed in Genesys needs no restart.
import type { Logger } from '../core/ports/logger.ts';
import { errorCode } from '../core/engine/errors.ts';
import { ProviderError, type HandoverProvider } from '../core/ports/provider.ts';
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';

export interface ProviderChecksDeps {
  readonly providers: ReadonlyMap<string, Pick<HandoverProvider, 'check'>>;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Default 30 s. */
  readonly recheckMs?: number;
  /** A check taking longer counts as failed. Default 20 s. */
  readonly timeoutMs?: number;
}

export class ProviderChecks {
  readonly #d: ProviderChecksDeps;
  readonly #problems = new Map<string, string>();
  readonly #stop = new AbortController();
  #timer: TimerHandle | undefined;

  constructor(deps: ProviderChecksDeps) {
    this.#d = deps;
  }

  /** What is wrong now, one line per endpoint, for /readyz. */
  problems(): string[] {
    return [...this.#problems.values()];
  }

  /** Runs every check once (resolves when all have answered), then re-checks the failing ones. */
  async start(): Promise<void> {
    await this.#runAll([...this.#d.providers.keys()]);
    this.#timer = this.#d.scheduler.every(this.#d.recheckMs ?? 30_000, () => {
      const failing = [...this.#problems.keys()];
      if (failing.length > 0) void this.#runAll(failing);
    });
  }

  stop(): void {
    this.#timer?.cancel();
    this.#stop.abort();
  }

  async #runAll(endpointIds: readonly string[]): Promise<void> {
    await Promise.all(endpointIds.map((id) => this.#run(id)));
  }

  async #run(endpointId: string): Promise<void> {
    const provider = this.#d.providers.get(endpointId);
    if (!provider?.check) return;
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#d.timeoutMs ?? 20_000)]);
    try {
      await provider.check(signal);
      if (this.#problems.delete(endpointId))
        this.#d.logger.info({ endpoint: endpointId }, 'provider check passed');
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      // The provider's message says what is wrong in plain words and carries no secret (port contract).
      const why = err instanceof Error ? err.message : 'the check failed';
      this.#problems.set(endpointId, `endpoint ${endpointId}: ${why}`);
      // A passing refusal (Genesys' rate limit, a 5xx, the network) is tried again and is no fault of
      // the settings: a warning. One that will not pass by itself (credentials, a missing
      // integration, a permission) needs someone: an error.
      const passing = err instanceof ProviderError && err.retryable;
      this.#d.logger[passing ? 'warn' : 'error'](
        { endpoint: endpointId, code: errorCode(err) },
        passing ? 'provider check failed; trying again' : 'provider check failed',
      );
    }
  }
}
