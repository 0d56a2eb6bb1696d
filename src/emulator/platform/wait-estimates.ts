// Estimated wait time (OM doc §7.1), computed from the emulated queue: Genesys uses last week's
// handle times plus the position in queue; the emulator uses a configured average handle time,
// the position and the on-queue agents' free capacity. With no agent on queue Genesys uses "the
// longest waiting interaction" [O W17]; whether it can answer with an error instead is [U] — an option.
import type { Conversation } from '../model.ts';
import type { Router } from '../routing.ts';
import { mediaTypeOf } from './routing-directory.ts';

export interface WaitEstimateOptions {
  /** Average handle time per conversation. Default 180 s. */
  readonly averageHandleSeconds: number;
  /** No agent on queue: answer the longest wait (default) or 404 no estimate [U]. */
  readonly withoutAgents: 'longest-waiting' | 'error';
}

export type Estimate = { seconds: number } | { unavailable: true };

export function estimateWait(
  router: Router,
  queue: string,
  waiting: readonly Conversation[],
  position: number,
  options: WaitEstimateOptions,
  nowMs: number,
): Estimate {
  const onQueue = router.agentsOf(queue).filter((a) => router.isOnQueue(a.key));
  if (onQueue.length === 0) {
    if (options.withoutAgents === 'error') return { unavailable: true };
    const oldest = waiting.map((c) => Date.parse(c.queuedSince ?? c.createdAt)).sort((a, b) => a - b)[0];
    return { seconds: oldest === undefined ? 0 : Math.max(0, Math.round((nowMs - oldest) / 1000)) };
  }
  const freeSlots = onQueue.reduce((sum, a) => sum + Math.max(0, a.capacity - router.load(a.key)), 0);
  if (position < freeSlots) return { seconds: 0 };
  const rounds = Math.ceil((position - freeSlots + 1) / onQueue.length);
  return { seconds: rounds * options.averageHandleSeconds };
}

/** Waiting conversations of a queue in routing order, optionally of one media type (`all`: every one). */
export function waitingIn(
  waiting: readonly Conversation[],
  queue: string,
  mediaType = 'all',
): Conversation[] {
  return waiting.filter(
    (c) => c.routing.queue === queue && (mediaType === 'all' || mediaTypeOf(c) === mediaType),
  );
}
