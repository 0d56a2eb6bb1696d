// Waiting with a bound, on the Scheduler port: the engine's "at most N ms" for a flush, a drain, a
// shutdown step. The awaited work goes on after the bound; only the waiting stops.
import type { Scheduler } from '../ports/scheduler.ts';

/** Resolves with true when `work` settled within `ms`, false when the bound came first. */
export async function settlesWithin(
  scheduler: Scheduler,
  work: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: { cancel(): void } | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = scheduler.after(Math.max(0, ms), () => resolve(false));
  });
  try {
    return await Promise.race([
      work.then(
        () => true as const,
        () => true as const,
      ),
      bound,
    ]);
  } finally {
    timer?.cancel();
  }
}
